// Codebooks: decoding against an independent floating-point statement of each codebook, and the
// encode/decode round trip for every codebook, code width and scale.
#include <gtest/gtest.h>

#include <cmath>

#include "qsq/codebook.hpp"

namespace {

using qsq::CodebookId;

// floor(S / 2^k + 1/2): round half up, computed in floating point (exact for these sizes).
long long ref_level(unsigned s, int k) { return static_cast<long long>(std::floor(s / std::ldexp(1.0, k) + 0.5)); }

long long ref_decode(CodebookId id, int bits, unsigned code, unsigned s) {
  const int M = (1 << (bits - 1)) - 1;
  const bool neg = code >> (bits - 1);
  const int m = static_cast<int>(code) & M;
  long long mag = 0;
  if (id == CodebookId::pow2) mag = m == 0 ? 0 : ref_level(s, M - m);
  if (id == CodebookId::shift) mag = ref_level(s, M - m);
  if (id == CodebookId::pow2x) {
    if (m == 0) return neg ? ref_level(s, M) : 0;
    mag = ref_level(s, M - m);
  }
  return neg ? -mag : mag;
}

TEST(Codebook, DecodeMatchesFloatingPointReference) {
  for (int id = 0; id < qsq::kNumCodebooks; ++id)
    for (int bits = 2; bits <= 4; ++bits) {
      const auto& cb = qsq::codebook(static_cast<CodebookId>(id), bits);
      for (int w : {5, 8, 12, 16})
        for (unsigned s = 0; s <= qsq::max_scale(w); s += (w > 12 ? 97 : 1))
          for (unsigned c = 0; c < (1u << bits); ++c) {
            const auto v = cb.decode(c, s);
            ASSERT_EQ(v, ref_decode(static_cast<CodebookId>(id), bits, c, s)) << cb.name() << " s=" << s << " c=" << c;
            ASSERT_GE(v, qsq::min_value(w));
            ASSERT_LE(v, qsq::max_value(w));
          }
    }
}

TEST(Codebook, DefaultThreeBitCodeIsSignAndShift) {
  const auto& cb = qsq::codebook(CodebookId::pow2, 3);
  EXPECT_EQ(cb.decode(0b000, 100), 0);
  EXPECT_EQ(cb.decode(0b001, 100), 25);
  EXPECT_EQ(cb.decode(0b010, 100), 50);
  EXPECT_EQ(cb.decode(0b011, 100), 100);
  EXPECT_EQ(cb.decode(0b100, 100), 0);
  EXPECT_EQ(cb.decode(0b101, 100), -25);
  EXPECT_EQ(cb.decode(0b110, 101), -51);  // (101 + 1) >> 1
  EXPECT_EQ(cb.decode(0b111, 127), -127);
}

TEST(Codebook, RoundTripEveryCodebook) {
  for (int id = 0; id < qsq::kNumCodebooks; ++id)
    for (int bits = 2; bits <= 4; ++bits) {
      const auto& cb = qsq::codebook(static_cast<CodebookId>(id), bits);
      for (unsigned s = 0; s <= 127; ++s)
        for (unsigned c = 0; c < (1u << bits); ++c) {
          const auto v = cb.decode(c, s);
          const auto back = cb.encode_nearest(s, v);
          ASSERT_EQ(cb.decode(back, s), v) << cb.name() << " s=" << s << " c=" << c;
        }
    }
}

TEST(Codebook, EncoderPicksTheNearestDecodedValue) {
  for (int id = 0; id < qsq::kNumCodebooks; ++id)
    for (int bits = 2; bits <= 4; ++bits) {
      const auto& cb = qsq::codebook(static_cast<CodebookId>(id), bits);
      for (unsigned s : {1u, 7u, 50u, 127u})
        for (double t = -140.0; t <= 140.0; t += 0.37) {
          const double got = std::fabs(cb.decode(cb.encode_nearest(s, t), s) - t);
          for (unsigned c = 0; c < (1u << bits); ++c) ASSERT_LE(got, std::fabs(cb.decode(c, s) - t) + 1e-12);
        }
    }
}

TEST(Codebook, ZeroCodes) {
  EXPECT_TRUE(qsq::codebook(CodebookId::pow2, 3).is_zero_code(0b100));
  EXPECT_FALSE(qsq::codebook(CodebookId::pow2x, 3).is_zero_code(0b100));
  EXPECT_FALSE(qsq::codebook(CodebookId::shift, 3).has_zero());
  for (int id = 0; id < qsq::kNumCodebooks; ++id)
    for (int bits = 2; bits <= 4; ++bits) {
      const auto& cb = qsq::codebook(static_cast<CodebookId>(id), bits);
      for (unsigned c = 0; c < (1u << bits); ++c) {
        if (!cb.is_zero_code(c)) continue;
        for (unsigned s = 0; s < 128; ++s) ASSERT_EQ(cb.decode(c, s), 0);
      }
    }
}

TEST(Codebook, RejectsBadParameters) {
  EXPECT_THROW(qsq::codebook(CodebookId::pow2, 5), qsq::Error);
  EXPECT_THROW(qsq::codebook(CodebookId::pow2, 1), qsq::Error);
  EXPECT_THROW(qsq::parse_codebook("nope"), qsq::Error);
  EXPECT_EQ(qsq::parse_codebook("pow2x"), CodebookId::pow2x);
}

}  // namespace
