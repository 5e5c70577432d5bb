// Description: the native arbitrary-width integers wrap like W-bit registers (checked against
// plain modular arithmetic on every value of a small width).
// Usage: ctest -R hls.Types
#include <cstdint>

#include <gtest/gtest.h>

#include "qsq_hls_types.hpp"

namespace {

TEST(Types, SignedWrapMatchesTwoComplementOnEveryValue) {
  for (long long v = -300; v <= 300; ++v) {
    const qsq_hls::int_t<5> x = v;
    long long expect = ((v % 32) + 32) % 32;  // residue in 0..31
    if (expect >= 16) expect -= 32;           // as a 5-bit two's complement value
    ASSERT_EQ(static_cast<long long>(x), expect) << "v = " << v;
  }
}

TEST(Types, UnsignedWrapAndBits) {
  for (long long v = -70; v <= 70; ++v) {
    qsq_hls::uint_t<6> x = v;
    ASSERT_EQ(static_cast<long long>(x), ((v % 64) + 64) % 64);
    for (int i = 0; i < 6; ++i) ASSERT_EQ(qsq_hls::get_bit(x, i), ((((v % 64) + 64) % 64) >> i & 1) != 0);
  }
  qsq_hls::int_t<4> y = 0;
  qsq_hls::set_bit(y, 3, true);  // sign bit of a 4-bit value
  EXPECT_EQ(static_cast<long long>(y), -8);
  qsq_hls::set_bit(y, 0, true);
  qsq_hls::set_bit(y, 3, false);
  EXPECT_EQ(static_cast<long long>(y), 1);
}

TEST(Types, CompoundAssignmentWraps) {
  qsq_hls::int_t<8> a = 127;
  a += 1;
  EXPECT_EQ(static_cast<long long>(a), -128);
  a -= 1;
  EXPECT_EQ(static_cast<long long>(a), 127);
  const qsq_hls::int_t<3> narrow = a;  // 0b0111_1111 keeps its low three bits: 0b111 = -1
  EXPECT_EQ(static_cast<long long>(narrow), -1);
}

}  // namespace
