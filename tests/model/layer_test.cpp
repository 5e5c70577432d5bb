// The integer layer against a direct, independent statement of its definition.
#include <gtest/gtest.h>

#include <cmath>

#include "qsq/csd.hpp"
#include "qsq/network.hpp"
#include "qsq/synthetic.hpp"
#include "random_layer.hpp"

namespace {

// Reference: explicit 6-deep loops over the definition, no shared helpers but qs_weight.
std::vector<std::int32_t> reference(const qsq::Layer& l, const std::vector<std::int32_t>& x, int width, int acc,
                                    qsq::Quality q) {
  const auto w = l.decoded_weights();
  const int k = l.kernel;
  const int oh = l.kind == qsq::LayerKind::linear ? 1 : (l.in.h + 2 * l.pad - k) / l.stride + 1;
  const int ow = l.kind == qsq::LayerKind::linear ? 1 : (l.in.w + 2 * l.pad - k) / l.stride + 1;
  std::vector<std::int32_t> y(static_cast<std::size_t>(l.out_channels) * oh * ow);
  for (int f = 0; f < l.out_channels; ++f)
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox) {
        long long s = l.bias[f];
        for (int c = 0; c < l.in.c; ++c)
          for (int ky = 0; ky < k; ++ky)
            for (int kx = 0; kx < k; ++kx) {
              const int iy = oy * l.stride + ky - l.pad, ix = ox * l.stride + kx - l.pad;
              if (iy < 0 || ix < 0 || iy >= l.in.h || ix >= l.in.w) continue;
              const long long a = x[(static_cast<std::size_t>(c) * l.in.h + iy) * l.in.w + ix];
              s += a * qsq::qs_weight(w[((static_cast<std::size_t>(f) * l.in.c + c) * k + ky) * k + kx], q);
            }
        // wrap to acc bits via unsigned arithmetic
        const unsigned long long mask = acc == 64 ? ~0ull : ((1ull << acc) - 1);
        unsigned long long u = static_cast<unsigned long long>(s) & mask;
        long long wrapped = (u >> (acc - 1)) ? static_cast<long long>(u) - (1LL << acc) : static_cast<long long>(u);
        long long r = wrapped;
        if (l.requant.enabled) {
          __int128 prod = static_cast<__int128>(wrapped) * l.requant.multiplier;
          if (l.requant.shift > 0) prod += static_cast<__int128>(1) << (l.requant.shift - 1);
          // floor division by 2^shift
          __int128 d = static_cast<__int128>(1) << l.requant.shift;
          __int128 fl = prod / d;
          if ((prod % d) != 0 && prod < 0) fl -= 1;
          const long long lo = l.requant.relu ? 0 : qsq::min_value(width), hi = qsq::max_value(width);
          r = static_cast<long long>(fl < lo ? lo : (fl > hi ? hi : fl));
        }
        y[(static_cast<std::size_t>(f) * oh + oy) * ow + ox] = static_cast<std::int32_t>(r);
      }
  if (l.pool.kernel == 0) return y;
  const int ph = (oh - l.pool.kernel) / l.pool.stride + 1, pw = (ow - l.pool.kernel) / l.pool.stride + 1;
  std::vector<std::int32_t> p(static_cast<std::size_t>(l.out_channels) * ph * pw);
  for (int f = 0; f < l.out_channels; ++f)
    for (int i = 0; i < ph; ++i)
      for (int j = 0; j < pw; ++j) {
        std::int32_t m = y[(static_cast<std::size_t>(f) * oh + i * l.pool.stride) * ow + j * l.pool.stride];
        for (int a = 0; a < l.pool.kernel; ++a)
          for (int b = 0; b < l.pool.kernel; ++b)
            m = std::max(m, y[(static_cast<std::size_t>(f) * oh + i * l.pool.stride + a) * ow + j * l.pool.stride + b]);
        p[(static_cast<std::size_t>(f) * ph + i) * pw + j] = m;
      }
  return p;
}

TEST(Layer, ForwardMatchesReferenceOnRandomLayers) {
  std::mt19937_64 rng(7);
  for (int it = 0; it < 400; ++it) {
    const int width = it % 3 == 0 ? 5 : 8;
    const int acc = it % 4 == 0 ? 16 : 32;  // 16 bits forces wrap-around
    auto l = qsq_test::random_layer(rng, width, it % 2);
    ASSERT_NO_THROW(l.validate(width));
    const auto x = qsq_test::random_input(rng, l, width);
    const qsq::Quality q{1 + it % qsq::max_digits(width), it % 3};
    ASSERT_EQ(qsq::forward_layer(l, x, width, acc, q), reference(l, x, width, acc, q)) << "iteration " << it;
  }
}

TEST(Layer, RequantizeRoundsHalfUpAndClamps) {
  qsq::Requant r{true, 1, 1, false};
  EXPECT_EQ(qsq::requantize(3, r, 8), 2);    // 1.5 -> 2
  EXPECT_EQ(qsq::requantize(-3, r, 8), -1);  // -1.5 -> -1 (half up)
  EXPECT_EQ(qsq::requantize(1000, r, 8), 127);
  EXPECT_EQ(qsq::requantize(-1000, r, 8), -128);
  r.relu = true;
  EXPECT_EQ(qsq::requantize(-3, r, 8), 0);
  r.enabled = false;
  EXPECT_EQ(qsq::requantize(-123456, r, 8), -123456);
}

TEST(Layer, RequantForRatioIsAccurate) {
  for (double ratio : {1e-6, 0.0033, 0.25, 1.0, 3.7}) {
    const auto r = qsq::requant_for_ratio(ratio, true);
    EXPECT_GE(r.multiplier, 1 << 14);
    EXPECT_LT(r.multiplier, 1 << 15);
    EXPECT_NEAR(std::ldexp(r.multiplier, -r.shift) / ratio, 1.0, 1.0 / (1 << 14));
  }
  EXPECT_THROW(qsq::requant_for_ratio(0, true), qsq::Error);
}

TEST(Layer, ValidateNamesTheLayerAndTheProblem) {
  std::mt19937_64 rng(1);
  auto l = qsq_test::random_layer(rng, 8, false);
  l.name = "conv9";
  l.bias.pop_back();
  try {
    l.validate(8);
    FAIL();
  } catch (const qsq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("conv9"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("biases"), std::string::npos);
  }
}

TEST(Network, RefusesALayerWhoseWorstCaseExceedsTheAccumulator) {
  qsq::Network net;
  net.width = 8;
  net.acc_width = 16;
  net.input = {64, 1, 1};
  qsq::Layer l = qsq_test::plain_linear("fc", 64, 1, [](int) { return 127; });
  l.bias = {0};
  l.requant.enabled = false;
  net.layers.push_back(l);
  EXPECT_THROW(net.validate(), qsq::Error);  // 64 * 128 * 128 > 2^15
  net.acc_width = 24;
  EXPECT_NO_THROW(net.validate());
}

TEST(Network, PreparedForwardEqualsLayerByLayer) {
  const auto net = qsq::synthetic_lenet5(3, qsq::Params{});
  const auto x = qsq::synthetic_input(net, 11);
  for (int q = 1; q <= 4; ++q) {
    std::vector<std::int32_t> cur = x;
    for (const auto& l : net.layers) cur = qsq::forward_layer(l, cur, net.width, net.acc_width, {q, 0});
    EXPECT_EQ(qsq::forward(net, x, qsq::Quality{q, 0}), cur);
  }
}

}  // namespace
