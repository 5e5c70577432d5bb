// CSD recoding checked against an independent brute force: every signed-digit vector over
// {-1, 0, +1}^(W+1) is enumerated, and the NAF must be the unique non-adjacent one and have the
// minimal number of non-zero digits.
#include <gtest/gtest.h>

#include <bit>
#include <map>
#include <vector>

#include "qsq/csd.hpp"

namespace {

struct Best {
  int min_nonzeros = 99;
  int naf_count = 0;  // number of non-adjacent representations (must be exactly 1)
  std::uint32_t naf_pos = 0, naf_neg = 0;
};

// Enumerates all digit vectors of length n (3^n of them) by base-3 counting.
std::map<long long, Best> brute_force(int n) {
  std::map<long long, Best> out;
  std::vector<int> d(n, -1);
  while (true) {
    long long v = 0;
    int nz = 0;
    bool adjacent = false;
    std::uint32_t pos = 0, neg = 0;
    for (int i = 0; i < n; ++i) {
      v += static_cast<long long>(d[i]) << i;
      if (d[i] != 0) {
        ++nz;
        if (i > 0 && d[i - 1] != 0) adjacent = true;
        (d[i] > 0 ? pos : neg) |= 1u << i;
      }
    }
    Best& b = out[v];
    b.min_nonzeros = std::min(b.min_nonzeros, nz);
    if (!adjacent) {
      ++b.naf_count;
      b.naf_pos = pos;
      b.naf_neg = neg;
    }
    int i = 0;
    while (i < n && d[i] == 1) d[i++] = -1;
    if (i == n) break;
    ++d[i];
  }
  return out;
}

TEST(Csd, MatchesBruteForceExhaustivelyUpToTenBits) {
  // W + 1 digit positions cover every W-bit value (and the W+1-bit truncation results).
  for (int w = 4; w <= 10; ++w) {
    const auto bf = brute_force(w + 1);
    for (long long v = -(1LL << (w - 1)); v < (1LL << (w - 1)); ++v) {
      const qsq::Csd c = qsq::csd_encode(static_cast<std::int32_t>(v));
      const Best& b = bf.at(v);
      ASSERT_EQ(qsq::csd_value(c), v) << "W=" << w;
      ASSERT_EQ(c.pos & c.neg, 0u);
      const std::uint32_t nz = c.pos | c.neg;
      ASSERT_EQ(nz & (nz << 1), 0u) << "adjacent non-zero digits in NAF of " << v;
      ASSERT_EQ(qsq::csd_nonzeros(c), b.min_nonzeros) << "not minimal for " << v;
      ASSERT_EQ(b.naf_count, 1) << v;
      ASSERT_EQ(c.pos, b.naf_pos) << v;
      ASSERT_EQ(c.neg, b.naf_neg) << v;
      ASSERT_LT(nz, 1u << w) << "digit beyond position W-1 for " << v;
    }
  }
}

TEST(Csd, MaxDigitsIsTheLargestDigitCount) {
  // Independent count from the brute force table.
  for (int w = 4; w <= 10; ++w) {
    const auto bf = brute_force(w + 1);
    int best = 0;
    for (long long v = -(1LL << (w - 1)); v < (1LL << (w - 1)); ++v) best = std::max(best, bf.at(v).min_nonzeros);
    EXPECT_EQ(qsq::max_digits(w), best) << "W=" << w;
  }
  EXPECT_EQ(qsq::max_digits(8), 4);
}

TEST(Csd, TruncationKeepsTheMostSignificantDigits) {
  EXPECT_EQ(qsq::qs_weight(127, {1, 0}), 128);  // 2^7 - 2^0 -> 2^7
  EXPECT_EQ(qsq::qs_weight(127, {2, 0}), 127);
  EXPECT_EQ(qsq::qs_weight(-128, {1, 0}), -128);
  EXPECT_EQ(qsq::qs_weight(85, {2, 0}), 80);  // 64 + 16 + 4 + 1 -> 64 + 16
  EXPECT_EQ(qsq::qs_weight(85, {4, 3}), 80);  // p = 3 drops 4 and 1
  EXPECT_EQ(qsq::qs_weight(0, {1, 0}), 0);
}

TEST(Csd, TruncationAgainstDigitListReference) {
  // Reference: list the digits from the top, keep q of them, then drop positions below p.
  for (int w = 4; w <= 10; ++w) {
    for (int q = 1; q <= qsq::max_digits(w); ++q) {
      for (int p = 0; p < w; ++p) {
        for (std::int32_t v = qsq::min_value(w); v <= qsq::max_value(w); ++v) {
          const qsq::Csd c = qsq::csd_encode(v);
          long long ref = 0;
          int kept = 0;
          for (int i = 31; i >= 0 && kept < q; --i) {
            const int digit = ((c.pos >> i) & 1) - static_cast<int>((c.neg >> i) & 1);
            if (digit == 0) continue;
            ++kept;
            if (i >= p) ref += static_cast<long long>(digit) * (1LL << i);
          }
          ASSERT_EQ(qsq::qs_weight(v, {q, p}), ref) << "v=" << v << " q=" << q << " p=" << p;
          ASSERT_LE(qsq::qs_rows(v, {q, p}), q);
          // A truncated W-bit weight fits W + 1 signed bits.
          ASSERT_GE(ref, -(1LL << w));
          ASSERT_LT(ref, 1LL << w);
        }
      }
    }
  }
}

TEST(Csd, ExactLevelIsExact) {
  for (int w = 4; w <= 16; ++w) {
    const int qmax = qsq::max_digits(w);
    for (std::int32_t v = qsq::min_value(w); v <= qsq::max_value(w); ++v)
      ASSERT_EQ(qsq::qs_weight(v, {qmax, 0}), v) << "W=" << w;
  }
}

}  // namespace
