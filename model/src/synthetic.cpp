#include "qsq/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>

namespace qsq {

namespace {

struct Spec {
  const char* name;
  LayerKind kind;
  Shape3 in;
  int out, kernel, pad, pool;
};

// LeNet-5 as usually adapted to 28x28 MNIST: the first convolution pads by 2 so that the
// 5x5 kernels see the 32x32 frame of the original design.
constexpr Spec kLeNet5[] = {
    {"conv1", LayerKind::conv2d, {1, 28, 28}, 6, 5, 2, 2},
    {"conv2", LayerKind::conv2d, {6, 14, 14}, 16, 5, 0, 2},
    {"fc1", LayerKind::linear, {400, 1, 1}, 120, 1, 0, 0},
    {"fc2", LayerKind::linear, {120, 1, 1}, 84, 1, 0, 0},
    {"fc3", LayerKind::linear, {84, 1, 1}, 10, 1, 0, 0},
};

// Laplace(0, b) by inversion: trained CNN weights are closer to Laplace than to Gauss.
float laplace(std::mt19937_64& rng, double b) {
  const double u = std::uniform_real_distribution<double>(-0.5, 0.5)(rng);
  return static_cast<float>(-b * (u < 0 ? -1.0 : 1.0) * std::log1p(-2.0 * std::fabs(u)));
}

}  // namespace

std::vector<std::vector<float>> synthetic_lenet5_float_weights(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<float>> out;
  for (const Spec& s : kLeNet5) {
    const int fan = s.in.c * s.kernel * s.kernel;
    const double b = std::sqrt(2.0 / fan) / std::sqrt(2.0);  // Laplace std = b*sqrt(2): He scaling
    std::vector<float> w(static_cast<std::size_t>(s.out) * fan);
    for (auto& x : w) x = laplace(rng, b);
    out.push_back(std::move(w));
  }
  return out;
}

Tensor synthetic_input(const Network& net, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int32_t> dist(min_value(net.width), max_value(net.width));
  Tensor x(static_cast<std::size_t>(net.input.size()));
  for (auto& v : x) v = std::max(0, dist(rng));
  return x;
}

Network synthetic_lenet5(std::uint64_t seed, const Params& params, ScaleMethod method, bool keep_ends) {
  params.validate();
  const auto weights = synthetic_lenet5_float_weights(seed);
  Network net;
  net.name = "synthetic-lenet5";
  net.width = params.width;
  net.acc_width = params.acc_width;
  net.input = {1, 28, 28};
  net.input_quant = {0.0f, 1.0f / static_cast<float>(max_value(params.width))};
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ull);
  const std::size_t n_layers = std::size(kLeNet5);
  for (std::size_t i = 0; i < n_layers; ++i) {
    const Spec& s = kLeNet5[i];
    Layer l;
    l.name = s.name;
    l.kind = s.kind;
    l.in = s.in;
    l.out_channels = s.out;
    l.kernel = s.kernel;
    l.pad = s.pad;
    if (s.pool) l.pool = {s.pool, s.pool};
    const bool plain = keep_ends && (i == 0 || i + 1 == n_layers);
    if (plain) {
      l.format = WeightFormat::plain;
      PlainWeights pw = quantize_plain(weights[i], params.width);
      l.exponent = pw.exponent;
      l.plain = std::move(pw.values);
    } else {
      QuantizedWeights q = quantize_weights(weights[i], s.out, params, method);
      l.format = WeightFormat::coded;
      l.codebook = q.codebook;
      l.code_bits = q.code_bits;
      l.exponent = q.exponent;
      l.scales = std::move(q.scales);
      l.codes = std::move(q.codes);
    }
    // Biases of a few weight-times-activation units, so they matter but never dominate.
    std::uniform_int_distribution<std::int32_t> bias(-4 * max_value(params.width), 4 * max_value(params.width));
    l.bias.resize(static_cast<std::size_t>(s.out));
    for (auto& b : l.bias) b = bias(rng);
    l.requant.enabled = i + 1 != n_layers;
    net.layers.push_back(std::move(l));
  }
  // Calibrate each requantization on seeded inputs so the largest accumulator seen maps to the
  // top of the activation range.
  std::vector<Tensor> acts;
  for (std::uint64_t k = 0; k < 8; ++k) acts.push_back(synthetic_input(net, seed + 1000 + k));
  for (auto& l : net.layers) {
    if (!l.requant.enabled) break;
    Layer raw = l;
    raw.requant.enabled = false;
    raw.pool = {};
    std::int64_t mx = 1;
    for (const auto& a : acts)
      for (auto v : forward_layer(raw, a, net.width, net.acc_width, Quality{}))
        mx = std::max<std::int64_t>(mx, std::llabs(v));
    l.requant = requant_for_ratio(static_cast<double>(max_value(net.width)) / static_cast<double>(mx), true);
    for (auto& a : acts) a = forward_layer(l, a, net.width, net.acc_width, Quality{});
  }
  net.validate();
  return net;
}

}  // namespace qsq
