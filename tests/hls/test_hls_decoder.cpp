// Description: the HLS shift-and-scale decoder against qsq::codebook(id, bits).decode, for every
// code of every codebook and code width 2..4, every scale, at W = 8 and W = 5 (exhaustive).
// Usage: ctest -R hls.Decoder
#include <cstdint>

#include <gtest/gtest.h>

#include "qsq/codebook.hpp"
#include "qsq_hls_decoder.hpp"

namespace {

template <int W, int B>
void check_all_codes_and_scales() {
  using C = qsq_hls::ArrayConfig<W, 1, B, 32>;
  long long checked = 0;
  for (int id = 0; id < qsq::kNumCodebooks; ++id) {
    const auto& cb = qsq::codebook(static_cast<qsq::CodebookId>(id), B);
    for (std::uint32_t s = 0; s <= qsq::max_scale(W); ++s) {
      for (std::uint32_t code = 0; code < (1u << B); ++code) {
        const auto got = qsq_hls::decode_weight<C>(code, s, id);
        ASSERT_EQ(static_cast<long long>(got), cb.decode(code, s))
            << "W=" << W << " " << cb.name() << " code=" << code << " scale=" << s;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 3LL * (qsq::max_scale(W) + 1) * (1 << B));
}

TEST(Decoder, ExhaustiveW8) {
  check_all_codes_and_scales<8, 2>();
  check_all_codes_and_scales<8, 3>();
  check_all_codes_and_scales<8, 4>();
}

TEST(Decoder, ExhaustiveW5) {
  check_all_codes_and_scales<5, 2>();
  check_all_codes_and_scales<5, 3>();
  check_all_codes_and_scales<5, 4>();
}

// Independent of the model: the default 3-bit pow2 code's documented magnitudes 0, S>>2, S>>1, S.
TEST(Decoder, Pow2ThreeBitDocumentedLevels) {
  using C = qsq_hls::DefaultConfig;
  EXPECT_EQ(static_cast<long long>(qsq_hls::decode_weight<C>(0b011, 100, qsq_hls::kPow2)), 100);
  EXPECT_EQ(static_cast<long long>(qsq_hls::decode_weight<C>(0b110, 100, qsq_hls::kPow2)), -50);
  EXPECT_EQ(static_cast<long long>(qsq_hls::decode_weight<C>(0b001, 101, qsq_hls::kPow2)), 25);  // (101+2)>>2
  EXPECT_EQ(static_cast<long long>(qsq_hls::decode_weight<C>(0b100, 101, qsq_hls::kPow2)), 0);
  EXPECT_EQ(static_cast<long long>(qsq_hls::decode_weight<C>(0b100, 101, qsq_hls::kPow2x)), 13);  // +(101+4)>>3
}

// cfg_codebook_i = 3 is not a codebook; the RTL decodes it as pow2, and so does the HLS decoder.
TEST(Decoder, UnusedCodebookIdDecodesAsPow2) {
  using C = qsq_hls::DefaultConfig;
  const auto& cb = qsq::codebook(qsq::CodebookId::pow2, 3);
  for (std::uint32_t s = 0; s <= qsq::max_scale(8); ++s)
    for (std::uint32_t code = 0; code < 8; ++code)
      ASSERT_EQ(static_cast<long long>(qsq_hls::decode_weight<C>(code, s, 3)), cb.decode(code, s)) << code << " " << s;
}

// The N-lane decoder applies the shared scale to every lane independently.
TEST(Decoder, ChunkDecodesEveryLane) {
  using C = qsq_hls::DefaultConfig;
  const auto& cb = qsq::codebook(qsq::CodebookId::shift, 3);
  C::code_t codes[C::lanes];
  C::weight_t w[C::lanes];
  for (int i = 0; i < C::lanes; ++i) codes[i] = i;
  qsq_hls::decode_chunk<C>(codes, 77, qsq_hls::kShift, w);
  for (int i = 0; i < C::lanes; ++i) EXPECT_EQ(static_cast<long long>(w[i]), cb.decode(i, 77)) << i;
}

}  // namespace
