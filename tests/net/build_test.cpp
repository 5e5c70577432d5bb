// Unit tests: BatchNorm folding and grouping of float models, and the float -> integer network
// build checked against an independent float reference written here (label unit).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "qsq/csd.hpp"
#include "qsq/net/build.hpp"
#include "qsq/net/float_net.hpp"
#include "qsq/net/int_engine.hpp"

namespace qn = qsq::net;

namespace {

// Plain float reference of a grouped network (loops, no shared code with the library).
std::vector<double> reference_forward(const qn::FloatNet& net, std::vector<double> x, std::vector<double>* maxima = nullptr) {
  for (std::size_t li = 0; li < net.layers.size(); ++li) {
    const auto& l = net.layers[li];
    const auto cs = l.conv_shape();
    std::vector<double> y(static_cast<std::size_t>(cs.size()));
    for (int f = 0; f < cs.c; ++f)
      for (int oy = 0; oy < cs.h; ++oy)
        for (int ox = 0; ox < cs.w; ++ox) {
          double s = l.bias[static_cast<std::size_t>(f)];
          if (l.kind == qsq::LayerKind::linear) {
            for (int t = 0; t < l.in.c; ++t) s += l.weight[static_cast<std::size_t>(f * l.in.c + t)] * x[static_cast<std::size_t>(t)];
          } else {
            for (int c = 0; c < l.in.c; ++c)
              for (int ky = 0; ky < l.kernel; ++ky)
                for (int kx = 0; kx < l.kernel; ++kx) {
                  const int iy = oy * l.stride - l.pad + ky, ix = ox * l.stride - l.pad + kx;
                  if (iy < 0 || ix < 0 || iy >= l.in.h || ix >= l.in.w) continue;
                  s += l.weight[static_cast<std::size_t>(((f * l.in.c + c) * l.kernel + ky) * l.kernel + kx)] *
                       x[static_cast<std::size_t>((c * l.in.h + iy) * l.in.w + ix)];
                }
          }
          y[static_cast<std::size_t>((f * cs.h + oy) * cs.w + ox)] = l.relu ? std::max(0.0, s) : s;
        }
    if (l.pool.kernel > 0) {
      const auto os = l.out_shape();
      std::vector<double> p(static_cast<std::size_t>(os.size()), -1e300);
      for (int c = 0; c < os.c; ++c)
        for (int oy = 0; oy < os.h; ++oy)
          for (int ox = 0; ox < os.w; ++ox)
            for (int dy = 0; dy < l.pool.kernel; ++dy)
              for (int dx = 0; dx < l.pool.kernel; ++dx) {
                auto& d = p[static_cast<std::size_t>((c * os.h + oy) * os.w + ox)];
                d = std::max(d, y[static_cast<std::size_t>((c * cs.h + oy * l.pool.stride + dy) * cs.w + ox * l.pool.stride + dx)]);
              }
      y = p;
    }
    if (maxima) {
      double m = 0;
      for (double v : y) m = std::max(m, l.relu ? v : std::fabs(v));
      (*maxima)[li] = std::max((*maxima)[li], m);
    }
    x = y;
  }
  return x;
}

qn::RawOp raw_op(qn::OpKind kind, const char* name) {
  qn::RawOp op;
  op.kind = kind;
  op.name = name;
  return op;
}

std::vector<qn::RawOp> small_model(std::uint64_t seed, bool with_bn) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> n(0.0f, 0.4f);
  qn::RawOp conv = raw_op(qn::OpKind::conv2d, "conv");
  conv.in = 1;
  conv.out = 4;
  conv.kernel = 3;
  conv.pad = 1;
  for (int i = 0; i < 36; ++i) conv.weight.push_back(n(rng));
  for (int i = 0; i < 4; ++i) conv.bias.push_back(0.1f * n(rng));
  std::vector<qn::RawOp> ops{conv};
  if (with_bn) {
    qn::RawOp bn = raw_op(qn::OpKind::batchnorm, "bn");
    bn.in = 4;
    bn.weight = {1.5f, 0.5f, 1.0f, 2.0f};
    bn.bias = {0.1f, -0.2f, 0.0f, 0.3f};
    bn.mean = {0.05f, -0.1f, 0.2f, 0.0f};
    bn.var = {0.5f, 2.0f, 1.0f, 0.25f};
    ops.push_back(bn);
  }
  const qn::RawOp relu = raw_op(qn::OpKind::relu, "relu");
  qn::RawOp pool = raw_op(qn::OpKind::maxpool, "pool");
  pool.kernel = 2;
  pool.stride = 2;
  const qn::RawOp flat = raw_op(qn::OpKind::flatten, "flatten");
  qn::RawOp fc = raw_op(qn::OpKind::linear, "fc");
  fc.in = 4 * 4 * 4;
  fc.out = 5;
  for (int i = 0; i < 5 * 64; ++i) fc.weight.push_back(0.3f * n(rng));
  for (int i = 0; i < 5; ++i) fc.bias.push_back(0.1f * n(rng));
  ops.insert(ops.end(), {relu, pool, flat, fc});
  return ops;
}

std::vector<double> random_image(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> x(64);
  for (auto& v : x) v = u(rng) < 0.4 ? 0.0 : std::round(u(rng) * 255) / 255;
  return x;
}

}  // namespace

TEST(FloatNet, FoldsBatchNormIntoTheConvolution) {
  const auto ops = small_model(1, true);
  const qn::FloatNet net = qn::fuse(ops, {1, 8, 8});
  ASSERT_EQ(net.layers.size(), 2u);
  EXPECT_TRUE(net.layers[0].relu);
  EXPECT_EQ(net.layers[0].pool.kernel, 2);
  // Reference: conv without BN, then BN applied by hand to the pre-activation, per channel.
  const qn::FloatNet plain = qn::fuse(small_model(1, false), {1, 8, 8});
  qn::FloatNet conv_only = plain;
  conv_only.layers.resize(1);
  conv_only.layers[0].relu = false;
  conv_only.layers[0].pool = {};
  qn::FloatNet folded = net;
  folded.layers.resize(1);
  folded.layers[0].relu = false;
  folded.layers[0].pool = {};
  std::mt19937_64 rng(3);
  const auto x = random_image(rng);
  const auto a = reference_forward(conv_only, x);
  const auto b = reference_forward(folded, x);
  const auto& bn = ops[1];
  for (int c = 0; c < 4; ++c)
    for (int k = 0; k < 64; ++k) {
      const double want = (a[static_cast<std::size_t>(c * 64 + k)] - bn.mean[c]) / std::sqrt(bn.var[c] + bn.eps) * bn.weight[c] + bn.bias[c];
      EXPECT_NEAR(b[static_cast<std::size_t>(c * 64 + k)], want, 1e-4);
    }
}

TEST(FloatNet, RejectsWhatTheIntegerLayersCannotRun) {
  auto ops = small_model(1, false);
  auto bad = ops;
  bad.insert(bad.begin(), bad[1]);  // ReLU before the first conv
  EXPECT_THROW(qn::fuse(bad, {1, 8, 8}), qsq::Error);
  bad = ops;
  bad[2].pad = 1;  // padded max pool
  EXPECT_THROW(qn::fuse(bad, {1, 8, 8}), qsq::Error);
  bad = ops;
  bad[4].in = 63;  // feature count mismatch
  try {
    qn::fuse(bad, {1, 8, 8});
    FAIL();
  } catch (const qsq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'fc'"), std::string::npos) << e.what();
  }
  bad = ops;
  bad.push_back(bad[1]);  // logits through a ReLU
  EXPECT_THROW(qn::fuse(bad, {1, 8, 8}), qsq::Error);
  EXPECT_THROW(qn::architecture("vgg"), qsq::Error);
}

TEST(FloatNet, BuiltInArchitecturesHaveTheDocumentedSizes) {
  const auto lenet = qn::architecture("lenet5");
  EXPECT_EQ(lenet.num_weights() + lenet.num_biases(), 61706);
  EXPECT_EQ(lenet.macs(), 6 * 28 * 28 * 25 + 16 * 10 * 10 * 150 + 400 * 120 + 120 * 84 + 84 * 10);
  const auto conv = qn::architecture("convnet");
  EXPECT_LE(conv.macs(), 2'000'000);
  EXPECT_EQ(conv.macs(), 16 * 784 * 9 + 32 * 196 * 144 + 1568 * 128 + 128 * 10);
  // unfuse + fuse is the identity on the structure.
  const auto again = qn::fuse(qn::unfuse(lenet), lenet.input);
  ASSERT_EQ(again.layers.size(), lenet.layers.size());
  for (std::size_t i = 0; i < again.layers.size(); ++i) {
    EXPECT_EQ(again.layers[i].out_shape(), lenet.layers[i].out_shape());
    EXPECT_EQ(again.layers[i].relu, lenet.layers[i].relu);
  }
}

TEST(BuildNetwork, IntegerLogitsTrackTheFloatReference) {
  for (bool keep_ends : {false, true}) {
    qn::FloatNet fnet = qn::fuse(small_model(2, true), {1, 8, 8});
    std::mt19937_64 rng(5);
    std::vector<std::vector<double>> images;
    std::vector<double> maxima(fnet.layers.size(), 0.0);
    for (int i = 0; i < 50; ++i) {
      images.push_back(random_image(rng));
      reference_forward(fnet, images.back(), &maxima);
    }
    const std::vector<float> act(maxima.begin(), maxima.end());
    qn::QuantizeOptions o;
    o.keep_ends = keep_ends;
    o.code_bits = 4;  // fine enough that the integer logits must stay close to the float ones
    const qsq::Network net = qn::build_network(fnet, act, o);
    ASSERT_EQ(net.layers.size(), 2u);
    EXPECT_EQ(net.layers[0].format, keep_ends ? qsq::WeightFormat::plain : qsq::WeightFormat::coded);
    EXPECT_FALSE(net.layers[1].requant.enabled);
    // The dequantized float network is the reference for the integer one (weights identical).
    const qn::FloatNet deq = qn::dequantized(fnet, net, qsq::Quality{});
    const qn::IntEngine eng(net);
    // One accumulator step of the last layer in real units: its input scale times 2^-exponent.
    const double s_in1 = act[0] / qsq::max_value(8);
    const double unit = s_in1 * std::ldexp(1.0, -net.layers[1].exponent);
    double worst = 0, range = 0;
    for (const auto& img : images) {
      std::vector<float> f(img.begin(), img.end());
      const auto x = qsq::quantize_input(net, f);
      const auto logits = eng.forward(x, std::vector<qsq::Quality>{{}});
      const auto ref = reference_forward(deq, img);
      for (std::size_t k = 0; k < ref.size(); ++k) {
        worst = std::max(worst, std::fabs(logits[k] * unit - ref[k]));
        range = std::max(range, std::fabs(ref[k]));
      }
    }
    EXPECT_LT(worst, 0.05 * range) << "keep_ends=" << keep_ends;  // only activation rounding separates them
  }
}
