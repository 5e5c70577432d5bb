#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "qsq/quantize.hpp"
#include "qsq/synthetic.hpp"

namespace {

std::vector<float> random_weights(std::size_t n, std::uint64_t seed, double sd = 0.1) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(0, sd);
  std::vector<float> w(n);
  for (auto& x : w) x = static_cast<float>(d(rng));
  return w;
}

TEST(Quantize, ExponentMapsTheLargestWeightIntoTheScaleRange) {
  const auto w = random_weights(1000, 1);
  for (int width : {5, 8, 12}) {
    const int e = qsq::choose_exponent(w, width);
    double mx = 0;
    for (float x : w) mx = std::max(mx, std::fabs(static_cast<double>(x)));
    EXPECT_LE(std::nearbyint(std::ldexp(mx, e)), qsq::max_scale(width));
    EXPECT_GT(std::nearbyint(std::ldexp(mx, e + 1)), qsq::max_scale(width)) << "exponent not the largest";
  }
}

TEST(Quantize, EveryCodeIsTheNearestForItsScale) {
  const auto w = random_weights(6 * 25, 2);
  for (int cb = 0; cb < qsq::kNumCodebooks; ++cb)
    for (int bits = 2; bits <= 4; ++bits)
      for (auto m : {qsq::ScaleMethod::max_abs, qsq::ScaleMethod::search}) {
        qsq::Params p;
        p.codebook = static_cast<qsq::CodebookId>(cb);
        p.code_bits = bits;
        const auto q = qsq::quantize_weights(w, 6, p, m);
        const auto& book = qsq::codebook(p.codebook, bits);
        const auto dec = q.decoded();
        for (std::size_t i = 0; i < w.size(); ++i) {
          const double t = std::ldexp(static_cast<double>(w[i]), q.exponent);
          const unsigned s = q.scales[i / 25];
          ASSERT_LE(s, qsq::max_scale(8));
          for (int c = 0; c < (1 << bits); ++c)
            ASSERT_LE(std::fabs(dec[i] - t), std::fabs(book.decode(c, s) - t) + 1e-9);
        }
      }
}

TEST(Quantize, SearchNeverLosesToMaxAbs) {
  const auto w = random_weights(16 * 150, 3);
  for (int bits = 2; bits <= 4; ++bits) {
    qsq::Params p;
    p.code_bits = bits;
    const auto a = qsq::quant_stats(w, qsq::quantize_weights(w, 16, p, qsq::ScaleMethod::max_abs));
    const auto b = qsq::quant_stats(w, qsq::quantize_weights(w, 16, p, qsq::ScaleMethod::search));
    EXPECT_LE(b.mse, a.mse * (1 + 1e-12)) << bits;
  }
}

TEST(Quantize, MoreBitsGiveSmallerError) {
  const auto w = random_weights(16 * 150, 4);
  double prev = 1e30;
  for (int bits = 2; bits <= 4; ++bits) {
    qsq::Params p;
    p.code_bits = bits;
    const auto st = qsq::quant_stats(w, qsq::quantize_weights(w, 16, p, qsq::ScaleMethod::search));
    EXPECT_LT(st.mse, prev);
    prev = st.mse;
  }
}

TEST(Quantize, RejectsBadInput) {
  qsq::Params p;
  std::vector<float> w(10, 0.1f);
  EXPECT_THROW(qsq::quantize_weights(w, 3, p, qsq::ScaleMethod::max_abs), qsq::Error);
  w[3] = NAN;
  EXPECT_THROW(qsq::quantize_weights(w, 2, p, qsq::ScaleMethod::max_abs), qsq::Error);
}

TEST(Quantize, ZeroFractionsAreCounted) {
  std::vector<float> w{0.0f, 0.5f, -0.5f, 0.01f, 0.0f, 1.0f};
  const auto q = qsq::quantize_weights(w, 1, qsq::Params{}, qsq::ScaleMethod::max_abs);
  const auto st = qsq::quant_stats(w, q);
  EXPECT_DOUBLE_EQ(st.zeros_before, 2.0 / 6);
  EXPECT_DOUBLE_EQ(st.zeros_after, 3.0 / 6);  // 0.01 of a 1.0 filter rounds to zero
}

TEST(Quantize, SyntheticNetworkIsValidAndDeterministic) {
  const auto a = qsq::synthetic_lenet5(5, qsq::Params{});
  const auto b = qsq::synthetic_lenet5(5, qsq::Params{});
  EXPECT_NO_THROW(a.validate());
  ASSERT_EQ(a.layers.size(), 5u);
  EXPECT_EQ(a.layers[0].codes, b.layers[0].codes);
  EXPECT_EQ(a.layers[4].out_shape().size(), 10);
  const auto k = qsq::synthetic_lenet5(5, qsq::Params{}, qsq::ScaleMethod::search, true);
  EXPECT_EQ(k.layers[0].format, qsq::WeightFormat::plain);
  EXPECT_EQ(k.layers[4].format, qsq::WeightFormat::plain);
  EXPECT_EQ(k.layers[2].format, qsq::WeightFormat::coded);
}

}  // namespace

namespace {

TEST(Quantize, PlainWeightsRoundAndClampAtTheChosenExponent) {
  const std::vector<float> w{0.5f, -0.25f, 0.0f, 0.126f, -0.5f};
  const auto p = qsq::quantize_plain(w, 8);
  EXPECT_EQ(p.exponent, qsq::choose_exponent(w, 8));
  ASSERT_EQ(p.exponent, 7);  // 0.5 * 2^8 = 128 > 127, 0.5 * 2^7 = 64
  EXPECT_EQ(p.values, (std::vector<std::int32_t>{64, -32, 0, 16, -64}));
}

}  // namespace
