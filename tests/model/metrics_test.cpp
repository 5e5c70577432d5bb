// The closed-form exhaustive metrics against a plain loop over every operand pair.
#include <gtest/gtest.h>

#include <cmath>

#include "qsq/csd.hpp"
#include "qsq/metrics.hpp"

namespace {

TEST(Metrics, ClosedFormEqualsPairLoop) {
  for (int w = 4; w <= 7; ++w) {
    for (int p : {0, 2}) {
      const auto levels = qsq::all_levels(w, p);
      const auto r = qsq::multiplier_metrics(w, levels, 1, 0);
      ASSERT_TRUE(r.exhaustive);
      ASSERT_EQ(r.pairs, 1ull << (2 * w));
      for (const auto& m : r.levels) {
        qsq::ErrorAccumulator acc;
        double digits = 0;
        for (int b = qsq::min_value(w); b <= qsq::max_value(w); ++b) {
          digits += qsq::qs_rows(b, m.quality);
          for (int a = qsq::min_value(w); a <= qsq::max_value(w); ++a) acc.add(std::int64_t{a} * b, qsq::qs_mul(a, b, m.quality));
        }
        const double tol = 1e-9;
        EXPECT_NEAR(m.mae, acc.mae(), tol * (1 + acc.mae()));
        EXPECT_NEAR(m.mse, acc.mse(), tol * (1 + acc.mse()));
        EXPECT_NEAR(m.bias, acc.bias(), tol * (1 + std::fabs(acc.bias())));
        EXPECT_NEAR(m.mred, acc.mred(), tol);
        EXPECT_NEAR(m.ep, acc.ep(), tol);
        EXPECT_EQ(m.wce, acc.wce());
        EXPECT_NEAR(m.avg_digits, digits / (1 << w), tol);
      }
    }
  }
}

TEST(Metrics, ExactLevelHasNoErrorAndLowerLevelsDo) {
  const auto r = qsq::multiplier_metrics(8, qsq::all_levels(8), 1, 0);
  ASSERT_EQ(r.levels.size(), 4u);
  const auto& exact = r.levels.back();
  EXPECT_EQ(exact.mae, 0);
  EXPECT_EQ(exact.ep, 0);
  EXPECT_EQ(exact.wce, 0);
  for (std::size_t i = 0; i + 1 < r.levels.size(); ++i) {
    EXPECT_GT(r.levels[i].mae, r.levels[i + 1].mae);
    EXPECT_LT(r.levels[i].avg_digits, r.levels[i + 1].avg_digits);
  }
  // Independent count: the average number of NAF digits over all 256 signed 8-bit values.
  double total = 0;
  for (int v = -128; v < 128; ++v) total += qsq::csd_nonzeros(qsq::csd_encode(v));
  EXPECT_DOUBLE_EQ(exact.avg_digits, total / 256);
  // q = 1, 127 -> 128: worst-case error is 1 * 128 for a = -128 ... but larger errors exist
  // (e.g. 85 -> 64 times -128): wce is the max over all pairs, at least 21 * 128.
  EXPECT_GE(r.levels[0].wce, 21 * 128);
}

TEST(Metrics, SampledAboveTwelveBitsIsSeededAndReproducible) {
  const std::vector<qsq::Quality> lv{{1, 0}, {qsq::max_digits(14), 0}};
  const auto a = qsq::multiplier_metrics(14, lv, 42, 20000);
  const auto b = qsq::multiplier_metrics(14, lv, 42, 20000);
  EXPECT_FALSE(a.exhaustive);
  EXPECT_EQ(a.pairs, 20000u);
  EXPECT_EQ(a.levels[0].mae, b.levels[0].mae);
  EXPECT_GT(a.levels[0].mae, 0);
  EXPECT_EQ(a.levels[1].mae, 0);
}

TEST(Metrics, AccumulatorDefinitions) {
  qsq::ErrorAccumulator acc;
  acc.add(10, 12);   // err +2, rel 0.2
  acc.add(-4, -4);   // no error
  acc.add(0, 3);     // err +3, exact 0: not in mred
  acc.add(20, 15);   // err -5, rel 0.25
  EXPECT_DOUBLE_EQ(acc.mae(), 10.0 / 4);
  EXPECT_DOUBLE_EQ(acc.mse(), (4.0 + 9 + 25) / 4);
  EXPECT_DOUBLE_EQ(acc.bias(), 0.0);
  EXPECT_DOUBLE_EQ(acc.wce(), 5);
  EXPECT_DOUBLE_EQ(acc.ep(), 0.75);
  EXPECT_NEAR(acc.mred(), (0.2 + 0 + 0.25) / 3, 1e-15);
}

}  // namespace
