// The bit fields of qsq/bits.hpp against values worked out by hand and against the plain
// definitions (sign extension as (v ^ m) - m, lane i at bits i*b of the bus).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "qsq/bits.hpp"

namespace {

TEST(Bits, SignExtendByHand) {
  EXPECT_EQ(qsq::sign_extend(0xFFu, 8), -1);
  EXPECT_EQ(qsq::sign_extend(0x7Fu, 8), 127);
  EXPECT_EQ(qsq::sign_extend(0x80u, 8), -128);
  EXPECT_EQ(qsq::sign_extend(0x1Fu, 5), -1);
  EXPECT_EQ(qsq::sign_extend(0x10u, 5), -16);
  EXPECT_EQ(qsq::sign_extend(0x1u, 1), -1);
  EXPECT_EQ(qsq::sign_extend(0xF0u, 4), 0);  // bits above the field are ignored
  EXPECT_EQ(qsq::sign_extend(~std::uint64_t{0}, 64), -1);
  static_assert(qsq::sign_extend(0x3u, 2) == -1);
}

TEST(Bits, SignExtendIsTheXorDefinitionOnMaskedValues) {
  std::mt19937_64 rng(3);
  for (int bits = 1; bits < 64; ++bits)
    for (int k = 0; k < 200; ++k) {
      const std::uint64_t v = rng() & qsq::low_mask(bits);
      const std::uint64_t m = std::uint64_t{1} << (bits - 1);
      ASSERT_EQ(qsq::sign_extend(v, bits), static_cast<std::int64_t>((v ^ m) - m)) << bits;
      ASSERT_EQ(qsq::to_field(qsq::sign_extend(v, bits), bits), v);
    }
}

TEST(Bits, Fields) {
  EXPECT_EQ(qsq::low_mask(0), 0u);
  EXPECT_EQ(qsq::low_mask(3), 7u);
  EXPECT_EQ(qsq::low_mask(64), ~std::uint64_t{0});
  EXPECT_EQ(qsq::to_field(-3, 5), 0b11101u);
  EXPECT_EQ(qsq::put_field(0, 8, 8, static_cast<std::uint64_t>(-1)), 0xFF00u);
  EXPECT_EQ(qsq::put_field(0xFFFF, 4, 4, 0), 0xFF0Fu);
  EXPECT_EQ(qsq::get_field(0xABCD, 4, 8), 0xBCu);
  EXPECT_EQ(qsq::get_field(~std::uint64_t{0}, 0, 64), ~std::uint64_t{0});
}

TEST(Bits, PackLanesPutsLaneIAtBitsIB) {
  // Three 5-bit lanes: 1, -1, -16 -> 0b10000'11111'00001.
  const std::vector<int> lanes{1, -1, -16};
  const auto w = qsq::pack_lanes(lanes, 5);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], 0b100001111100001u);
  // Eight 9-bit lanes straddle word boundaries (72 bits, three words); read back every lane.
  std::mt19937_64 rng(5);
  for (int bits : {1, 3, 7, 9, 20, 31, 32, 33}) {
    std::vector<std::int64_t> v(11);
    for (auto& x : v) x = qsq::sign_extend(rng(), bits);
    const auto bus = qsq::pack_lanes(v, bits);
    ASSERT_EQ(bus.size(), qsq::bus_words(v.size() * bits));
    for (std::size_t i = 0; i < v.size(); ++i)
      ASSERT_EQ(qsq::sign_extend(qsq::get_bits(bus.data(), i * bits, bits), bits), v[i]) << bits << " lane " << i;
  }
}

TEST(Bits, PutBitsOverwritesOnlyItsField) {
  std::vector<std::uint32_t> w(3, 0xFFFFFFFFu);
  qsq::put_bits(w.data(), 28, 8, 0);
  EXPECT_EQ(w[0], 0x0FFFFFFFu);
  EXPECT_EQ(w[1], 0xFFFFFFF0u);
  EXPECT_EQ(w[2], 0xFFFFFFFFu);
  EXPECT_EQ(qsq::get_bits(w.data(), 24, 16), 0xF00Fu);
}

}  // namespace
