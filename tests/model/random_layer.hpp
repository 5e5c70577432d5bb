// Test helper: seeded random layers and inputs covering conv/linear, padding, stride, pooling,
// every codebook and code width, coded and plain weights.
#pragma once
#include <random>
#include <string>

#include "qsq/layer.hpp"

namespace qsq_test {

// A fully connected layer of `in` inputs and `out` outputs with plain W-bit weights filled by
// weight(i) (the fixture every file and layer test starts from).
template <class Weight>
qsq::Layer plain_linear(const std::string& name, int in, int out, Weight weight) {
  qsq::Layer l;
  l.name = name;
  l.kind = qsq::LayerKind::linear;
  l.in = {in, 1, 1};
  l.out_channels = out;
  l.format = qsq::WeightFormat::plain;
  for (int i = 0; i < in * out; ++i) l.plain.push_back(weight(i));
  return l;
}

inline qsq::Layer random_layer(std::mt19937_64& rng, int width, bool linear) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  qsq::Layer l;
  l.name = linear ? "fc" : "conv";
  l.kind = linear ? qsq::LayerKind::linear : qsq::LayerKind::conv2d;
  if (linear) {
    l.in = {pick(1, 40), 1, 1};
  } else {
    l.kernel = pick(1, 4);
    l.stride = pick(1, 2);
    l.pad = pick(0, l.kernel - 1);
    l.in = {pick(1, 3), pick(l.kernel, 9), pick(l.kernel, 9)};
    if (pick(0, 1)) {
      const auto cs = l.conv_shape();
      if (cs.h >= 2 && cs.w >= 2) l.pool = {2, 2};
    }
  }
  l.out_channels = pick(1, 5);
  const auto n = static_cast<std::size_t>(l.num_weights());
  if (pick(0, 3) == 0) {
    l.format = qsq::WeightFormat::plain;
    for (std::size_t i = 0; i < n; ++i) l.plain.push_back(pick(qsq::min_value(width), qsq::max_value(width)));
  } else {
    l.format = qsq::WeightFormat::coded;
    l.codebook = static_cast<qsq::CodebookId>(pick(0, qsq::kNumCodebooks - 1));
    l.code_bits = pick(2, 4);
    for (int f = 0; f < l.out_channels; ++f) l.scales.push_back(static_cast<std::uint32_t>(pick(0, static_cast<int>(qsq::max_scale(width)))));
    for (std::size_t i = 0; i < n; ++i) l.codes.push_back(static_cast<std::uint8_t>(pick(0, (1 << l.code_bits) - 1)));
  }
  for (int f = 0; f < l.out_channels; ++f) l.bias.push_back(pick(-5000, 5000));
  l.requant = qsq::requant_for_ratio(std::uniform_real_distribution<double>(0.001, 0.05)(rng), pick(0, 1));
  return l;
}

inline std::vector<std::int32_t> random_input(std::mt19937_64& rng, const qsq::Layer& l, int width) {
  std::uniform_int_distribution<int> d(qsq::min_value(width), qsq::max_value(width));
  std::vector<std::int32_t> x(static_cast<std::size_t>(l.in.size()));
  for (auto& v : x) v = d(rng);
  return x;
}

}  // namespace qsq_test
