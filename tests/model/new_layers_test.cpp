// The layer kinds beyond conv/linear: depthwise convolution, average pooling, residual add and
// the ReLU6 clip, against hand-worked examples and against independent references (a depthwise
// layer is a conv whose cross-channel weights are zero; a residual network is its layers composed
// by hand), plus the validation messages and the schedule of a depthwise layer.
#include <gtest/gtest.h>

#include <random>

#include "qsq/network.hpp"
#include "qsq/schedule.hpp"
#include "random_layer.hpp"

namespace {

qsq::Layer weightless(qsq::LayerKind kind, const std::string& name, qsq::Shape3 in) {
  qsq::Layer l;
  l.name = name;
  l.kind = kind;
  l.in = in;
  l.out_channels = in.c;
  l.format = qsq::WeightFormat::none;
  l.code_bits = 0;
  if (kind == qsq::LayerKind::avgpool) l.requant = {false, 1, 0, false, 0, 0};
  return l;
}

qsq::Layer add_layer(const std::string& name, qsq::Shape3 in, int second, std::int32_t ma, std::int32_t mb, int shift,
                     bool relu) {
  qsq::Layer l = weightless(qsq::LayerKind::add, name, in);
  l.second_input = second;
  l.requant = {true, ma, shift, relu, 0, mb};
  return l;
}

qsq::Layer random_depthwise(std::mt19937_64& rng, int width) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  qsq::Layer l;
  l.name = "dw";
  l.kind = qsq::LayerKind::depthwise;
  l.kernel = pick(1, 3);
  l.stride = pick(1, 2);
  l.pad = pick(0, l.kernel - 1);
  l.in = {pick(1, 4), pick(l.kernel, 7), pick(l.kernel, 7)};
  l.out_channels = l.in.c;
  l.format = qsq::WeightFormat::plain;
  for (std::int64_t i = 0; i < l.num_weights(); ++i) l.plain.push_back(pick(qsq::min_value(width), qsq::max_value(width)));
  for (int f = 0; f < l.out_channels; ++f) l.bias.push_back(pick(-3000, 3000));
  l.requant = qsq::requant_for_ratio(0.01, pick(0, 1) == 1);
  return l;
}

TEST(NewLayers, AverageRoundsHalfUp) {
  // mean 2.5 -> 3, -2.5 -> -2 (half up, not away from zero), 7/3 -> 2, -7/3 -> -2, 8/3 -> 3, -8/3 -> -3.
  EXPECT_EQ(qsq::average_rounded(5, 2), 3);
  EXPECT_EQ(qsq::average_rounded(-5, 2), -2);
  EXPECT_EQ(qsq::average_rounded(7, 3), 2);
  EXPECT_EQ(qsq::average_rounded(-7, 3), -2);
  EXPECT_EQ(qsq::average_rounded(8, 3), 3);
  EXPECT_EQ(qsq::average_rounded(-8, 3), -3);
  EXPECT_EQ(qsq::average_rounded(0, 49), 0);
}

TEST(NewLayers, AveragePoolHandExample) {
  // One 2x3 plane [1 2 3; 4 5 6]: global mean 21/6 = 3.5 -> 4; 2x2 windows at stride 1:
  // (1+2+4+5)/4 = 3 and (2+3+5+6)/4 = 4.
  const std::vector<std::int32_t> x{1, 2, 3, 4, 5, 6};
  qsq::Layer g = weightless(qsq::LayerKind::avgpool, "gap", {1, 2, 3});
  g.kernel = 0;
  g.stride = 0;
  ASSERT_NO_THROW(g.validate(8));
  EXPECT_EQ(g.out_shape(), (qsq::Shape3{1, 1, 1}));
  EXPECT_EQ(qsq::forward_layer(g, x, 8, 32, {}), (std::vector<std::int32_t>{4}));
  qsq::Layer w = weightless(qsq::LayerKind::avgpool, "ap", {1, 2, 3});
  w.kernel = 2;
  w.stride = 1;
  ASSERT_NO_THROW(w.validate(8));
  EXPECT_EQ(qsq::forward_layer(w, x, 8, 32, {}), (std::vector<std::int32_t>{3, 4}));
}

TEST(NewLayers, AddRequantizesBothInputsHandExample) {
  // (10*3 + 4*5 + 2) >> 2 = 13; (-3*3 + 100*5 + 2) >> 2 = 123; (-40*3 + 1*5 + 2) >> 2 = -29 (floor).
  const qsq::Layer l = add_layer("add", {3, 1, 1}, -1, 3, 5, 2, false);
  ASSERT_NO_THROW(l.validate(8));
  const std::vector<std::int32_t> a{10, -3, -40}, b{4, 100, 1};
  EXPECT_EQ(qsq::forward_add(l, a, b, 8), (std::vector<std::int32_t>{13, 123, -29}));
  qsq::Layer r = l;
  r.requant.relu = true;
  r.requant.clip = 100;  // ReLU6 at an output scale where 6.0 is 100
  EXPECT_EQ(qsq::forward_add(r, a, b, 8), (std::vector<std::int32_t>{13, 100, 0}));
  r.requant.clip = 0;  // saturates at 2^(W-1)-1 = 7 for W = 4
  EXPECT_EQ(qsq::forward_add(r, a, b, 4), (std::vector<std::int32_t>{7, 7, 0}));
}

TEST(NewLayers, ClipIsReluSix) {
  qsq::Requant r{true, 1, 0, true, 6, 0};
  EXPECT_EQ(qsq::requantize(-5, r, 8), 0);
  EXPECT_EQ(qsq::requantize(5, r, 8), 5);
  EXPECT_EQ(qsq::requantize(6, r, 8), 6);
  EXPECT_EQ(qsq::requantize(90, r, 8), 6);
  r.clip = 1000;  // above 2^(W-1)-1: the width saturates first
  EXPECT_EQ(qsq::requantize(1000, r, 8), 127);
}

TEST(NewLayers, DepthwiseEqualsConvWithZeroCrossChannelWeights) {
  std::mt19937_64 rng(7);
  for (int it = 0; it < 200; ++it) {
    const int width = 8;
    const qsq::Layer dw = random_depthwise(rng, width);
    ASSERT_NO_THROW(dw.validate(width));
    qsq::Layer conv = dw;
    conv.kind = qsq::LayerKind::conv2d;
    const int k2 = dw.kernel * dw.kernel, c = dw.in.c;
    conv.plain.assign(static_cast<std::size_t>(c) * c * k2, 0);
    for (int f = 0; f < c; ++f)
      for (int t = 0; t < k2; ++t) conv.plain[(static_cast<std::size_t>(f) * c + f) * k2 + t] = dw.plain[static_cast<std::size_t>(f) * k2 + t];
    const auto x = qsq_test::random_input(rng, conv, width);
    const qsq::Quality q{1 + it % 4, 0};
    EXPECT_EQ(qsq::forward_layer(dw, x, width, 32, q), qsq::forward_layer(conv, x, width, 32, q)) << "iteration " << it;
  }
}

TEST(NewLayers, DepthwiseScheduleIsKByKPerChannel) {
  std::mt19937_64 rng(11);
  for (int it = 0; it < 100; ++it) {
    qsq::Layer dw = random_depthwise(rng, 8);
    EXPECT_EQ(dw.fan_in(), dw.kernel * dw.kernel);
    const auto x = qsq_test::random_input(rng, dw, 8);
    qsq::Layer raw = dw;
    raw.requant.enabled = false;
    const qsq::Quality q{1 + it % 4, 0};
    const auto direct = qsq::forward_layer(raw, x, 8, 16, q);
    for (int lanes : {1, 3, 8}) EXPECT_EQ(qsq::scheduled_accumulators(dw, x, lanes, 16, q),
                                          std::vector<std::int64_t>(direct.begin(), direct.end()));
    std::vector<std::int32_t> a(4);
    EXPECT_THROW(qsq::chunk_activations(dw, x, 0, 0, a), qsq::Error);  // the filter is needed
  }
  const qsq::Layer gap = weightless(qsq::LayerKind::avgpool, "gap", {2, 2, 2});
  EXPECT_THROW(qsq::for_each_step(gap, 8, [](const qsq::Step&) {}), qsq::Error);
}

TEST(NewLayers, DepthwiseRunsAsOneFilterConvolutionsPerChannel) {
  std::mt19937_64 rng(13);
  for (int it = 0; it < 100; ++it) {
    qsq::Layer dw = random_depthwise(rng, 8);
    if (it % 2) {  // coded weights too: the scale of each channel travels with it
      dw.format = qsq::WeightFormat::coded;
      dw.plain.clear();
      for (std::int64_t i = 0; i < dw.num_weights(); ++i) dw.codes.push_back(static_cast<std::uint8_t>(i * 5 % 8));
      for (int f = 0; f < dw.out_channels; ++f) dw.scales.push_back(static_cast<std::uint32_t>(40 + 17 * f));
    }
    const auto x = qsq_test::random_input(rng, dw, 8);
    const qsq::Quality q{1 + it % 4, 0};
    const int lanes = 1 + it % 8;
    const auto whole = qsq::scheduled_accumulators(dw, x, lanes, 32, q);
    const int positions = qsq::num_positions(dw);
    for (int c = 0; c < dw.out_channels; ++c) {
      const qsq::Layer one = qsq::depthwise_channel(dw, c);
      ASSERT_NO_THROW(one.validate(8));
      const auto part = qsq::scheduled_accumulators(one, qsq::channel_plane(dw, x, c), lanes, 32, q);
      ASSERT_EQ(part.size(), static_cast<std::size_t>(positions));
      for (int p = 0; p < positions; ++p) EXPECT_EQ(part[static_cast<std::size_t>(p)], whole[static_cast<std::size_t>(c * positions + p)]);
    }
  }
}

// conv(relu) -> conv(relu) -> add(second input: layer 0) -> global average -> linear, against the
// layers composed by hand.
TEST(NewLayers, ResidualNetworkEqualsHandComposition) {
  std::mt19937_64 rng(3);
  qsq::Network net;
  net.name = "res";
  net.input = {2, 5, 5};
  auto conv = [&](const std::string& name) {
    qsq::Layer l;
    l.name = name;
    l.kind = qsq::LayerKind::conv2d;
    l.in = {2, 5, 5};
    l.out_channels = 2;
    l.kernel = 3;
    l.pad = 1;
    l.format = qsq::WeightFormat::plain;
    for (int i = 0; i < 36; ++i) l.plain.push_back(std::uniform_int_distribution<int>(-100, 100)(rng));
    l.bias = {50, -70};
    l.requant = qsq::requant_for_ratio(0.004, true);
    return l;
  };
  net.layers.push_back(conv("c1"));
  net.layers.push_back(conv("c2"));
  net.layers.push_back(add_layer("add", {2, 5, 5}, 0, 20000, 12000, 15, true));
  net.layers.back().requant.clip = 90;
  qsq::Layer gap = weightless(qsq::LayerKind::avgpool, "gap", {2, 5, 5});
  gap.kernel = 0;
  gap.stride = 0;
  net.layers.push_back(gap);
  qsq::Layer fc = qsq_test::plain_linear("fc", 2, 3, [](int i) { return 7 * i - 20; });
  fc.bias = {1, 2, 3};
  fc.requant.enabled = false;
  fc.requant.relu = false;
  net.layers.push_back(fc);
  ASSERT_NO_THROW(net.validate());
  for (int it = 0; it < 20; ++it) {
    const auto x = qsq_test::random_input(rng, net.layers[0], 8);
    const auto h1 = qsq::forward_layer(net.layers[0], x, 8, 32, {});
    const auto h2 = qsq::forward_layer(net.layers[1], h1, 8, 32, {});
    // The add by its definition, written out: y = clamp((a*Ma + b*Mb + 2^14) >> 15, 0, min(90, 127)).
    std::vector<std::int32_t> h3(h2.size());
    for (std::size_t i = 0; i < h2.size(); ++i) {
      const std::int64_t s = std::int64_t{h2[i]} * 20000 + std::int64_t{h1[i]} * 12000 + (1 << 14);
      h3[i] = static_cast<std::int32_t>(std::clamp<std::int64_t>(s >> 15, 0, 90));
    }
    std::vector<std::int32_t> h4(2);
    for (int c = 0; c < 2; ++c) {
      std::int64_t sum = 0;
      for (int p = 0; p < 25; ++p) sum += h3[static_cast<std::size_t>(c * 25 + p)];
      h4[static_cast<std::size_t>(c)] = static_cast<std::int32_t>((2 * sum + 25) / 50);  // sums are >= 0 here
    }
    const auto logits = qsq::forward_layer(net.layers[4], h4, 8, 32, {});
    EXPECT_EQ(qsq::forward(net, x, qsq::Quality{}), logits);
  }
}

TEST(NewLayers, ValidationNamesTheProblem) {
  auto message = [](const auto& fn) {
    try {
      fn();
    } catch (const qsq::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::mt19937_64 rng(1);
  qsq::Layer dw = random_depthwise(rng, 8);
  dw.out_channels = dw.in.c + 1;
  EXPECT_NE(message([&] { dw.validate(8); }).find("one filter per input channel"), std::string::npos);
  qsq::Layer a = add_layer("add", {1, 1, 1}, -1, 1, 1, 0, true);
  a.requant.multiplier_b = 0;
  EXPECT_NE(message([&] { a.validate(8); }).find("second input multiplier = 0"), std::string::npos);
  a.requant.multiplier_b = 1;
  a.requant.relu = false;
  a.requant.clip = 6;
  EXPECT_NE(message([&] { a.validate(8); }).find("clip (ReLU6) needs the ReLU"), std::string::npos);
  qsq::Layer g = weightless(qsq::LayerKind::avgpool, "gap", {1, 4, 4});
  g.kernel = 0;
  g.stride = 0;
  g.requant.relu = true;
  EXPECT_NE(message([&] { g.validate(8); }).find("does not requantize"), std::string::npos);

  qsq::Network net;
  net.input = {1, 1, 1};
  net.layers.push_back(add_layer("add", {1, 1, 1}, 0, 1, 1, 0, true));  // names itself
  EXPECT_NE(message([&] { net.validate(); }).find("second input 0 is not an earlier layer"), std::string::npos);
  net.input = {2, 1, 1};
  net.layers[0] = add_layer("add", {2, 1, 1}, -1, 1, 1, 0, true);
  net.layers.push_back(weightless(qsq::LayerKind::avgpool, "ap", {2, 1, 1}));
  net.layers.back().kernel = 1;
  net.layers.back().stride = 1;
  net.layers.push_back(add_layer("add2", {2, 1, 1}, 1, 1, 1, 0, true));
  EXPECT_NO_THROW(net.validate());
  net.layers[1].kernel = 0;  // global: 2x1x1 -> 2x1x1 still; make the shapes differ instead
  net.layers[1].stride = 0;
  net.input = {2, 2, 1};
  net.layers[0].in = {2, 2, 1};
  net.layers[1].in = {2, 2, 1};
  net.layers[2].second_input = 0;  // 2x2x1 against its input 2x1x1
  EXPECT_NE(message([&] { net.validate(); }).find("second input 2x2x1 does not match its input 2x1x1"), std::string::npos);
}

}  // namespace
