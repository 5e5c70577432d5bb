// Fast kernels against the golden model's definitions.
#include <gtest/gtest.h>

#include <random>

#include "qsq/csd.hpp"
#include "qsq/kernels.hpp"

namespace {

TEST(Kernels, PackedDecoderMatchesCodebookDecode) {
  std::mt19937_64 rng(3);
  for (int id = 0; id < qsq::kNumCodebooks; ++id)
    for (int bits = 2; bits <= 4; ++bits) {
      const auto& cb = qsq::codebook(static_cast<qsq::CodebookId>(id), bits);
      for (std::uint32_t scale : {0u, 1u, 77u, 127u}) {
        const std::size_t n = 1000;
        std::vector<std::uint8_t> codes(n);
        for (auto& c : codes) c = static_cast<std::uint8_t>(rng() % (1u << bits));
        std::vector<std::uint8_t> packed(qsq::packed_bytes(n, bits));
        qsq::pack_codes(codes.data(), n, bits, packed.data());
        // Independent unpack: bit j of the stream is bit j%8 of byte j/8.
        for (std::size_t k = 0; k < n; ++k) {
          unsigned v = 0;
          for (int j = 0; j < bits; ++j) v |= ((packed[(k * bits + j) / 8] >> ((k * bits + j) % 8)) & 1u) << j;
          ASSERT_EQ(v, codes[k]);
        }
        qsq::PackedDecoder dec(cb, scale);
        for (std::size_t first : {std::size_t{0}, std::size_t{8}, std::size_t{5}}) {
          std::vector<std::int16_t> out(n - first);
          dec.decode(packed.data(), first, n - first, out.data());
          for (std::size_t k = 0; k < out.size(); ++k)
            ASSERT_EQ(out[k], cb.decode(codes[first + k], scale)) << cb.name() << " k=" << k << " first=" << first;
        }
      }
    }
}

TEST(Kernels, DotWrapEqualsQualityScalableProductSum) {
  std::mt19937_64 rng(4);
  std::uniform_int_distribution<int> d(-128, 127);
  for (int q = 1; q <= 4; ++q) {
    const std::size_t n = 777;
    std::vector<std::int16_t> a(n), tw(n);
    std::int64_t ref = 12345;
    for (std::size_t i = 0; i < n; ++i) {
      const int w = d(rng);
      a[i] = static_cast<std::int16_t>(d(rng));
      tw[i] = static_cast<std::int16_t>(qsq::qs_weight(w, {q, 0}));
      ref += qsq::qs_mul(a[i], w, {q, 0});
    }
    EXPECT_EQ(qsq::dot_wrap32(a.data(), tw.data(), n, 12345), qsq::wrap_acc(ref, 32));
  }
  // Wrap-around: many large products overflow 32 bits and must wrap exactly.
  std::vector<std::int32_t> a(1000, 32767), w(1000, 65536);
  std::int64_t ref = 0;
  for (int i = 0; i < 1000; ++i) ref += std::int64_t{32767} * 65536;
  EXPECT_EQ(qsq::dot_wrap32(a.data(), w.data(), a.size(), 0), qsq::wrap_acc(ref, 32));
}

}  // namespace
