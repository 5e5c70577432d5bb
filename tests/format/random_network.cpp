// Description: see random_network.hpp.
// Usage: linked into qsq_format_tests.
#include "random_network.hpp"

#include <bit>
#include <sstream>

namespace qsq_test {

namespace {

int uniform(std::mt19937_64& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

std::string random_name(std::mt19937_64& rng) {
  std::string s;
  const int n = uniform(rng, 0, 12);
  for (int i = 0; i < n; ++i) s += static_cast<char>(uniform(rng, 1, 255));  // any byte but NUL
  return s;
}

void fill_weights(std::mt19937_64& rng, qsq::Layer& l, int width, bool plain) {
  const auto n = static_cast<std::size_t>(l.num_weights());
  if (plain) {
    l.format = qsq::WeightFormat::plain;
    for (std::size_t i = 0; i < n; ++i) l.plain.push_back(uniform(rng, qsq::min_value(width), qsq::max_value(width)));
  } else {
    l.format = qsq::WeightFormat::coded;
    l.codebook = static_cast<qsq::CodebookId>(uniform(rng, 0, qsq::kNumCodebooks - 1));
    l.code_bits = uniform(rng, 2, 4);
    for (int f = 0; f < l.out_channels; ++f)
      l.scales.push_back(static_cast<std::uint32_t>(uniform(rng, 0, static_cast<int>(qsq::max_scale(width)))));
    // Skewed towards code 0 (as real codes are) so the deflate path sees realistic data.
    for (std::size_t i = 0; i < n; ++i)
      l.codes.push_back(static_cast<std::uint8_t>(uniform(rng, 0, 3) == 0 ? uniform(rng, 0, (1 << l.code_bits) - 1) : 0));
  }
  l.exponent = uniform(rng, -64, 64);
  for (int f = 0; f < l.out_channels; ++f) l.bias.push_back(uniform(rng, -100000, 100000));
  l.requant.multiplier = uniform(rng, 1, 1 << 30);
  l.requant.shift = uniform(rng, 0, 62);
  l.requant.relu = uniform(rng, 0, 1) == 1;
  if (l.requant.relu && uniform(rng, 0, 3) == 0) l.requant.clip = uniform(rng, 1, qsq::max_value(width));
}

void weightless(qsq::Layer& l, qsq::LayerKind kind, const qsq::Shape3& cur) {
  l.kind = kind;
  l.in = cur;
  l.out_channels = cur.c;
  l.format = qsq::WeightFormat::none;
  l.code_bits = 0;
}

// An add, avgpool or depthwise layer on `cur` when one fits (false: none was made).
bool new_kind_layer(std::mt19937_64& rng, qsq::Layer& l, int width, const qsq::Network& net, const qsq::Shape3& cur) {
  switch (uniform(rng, 0, 2)) {
    case 0: {  // add: the second input is the network input or an earlier output of the same shape
      std::vector<int> same;
      if (net.input == cur) same.push_back(-1);
      for (std::size_t j = 0; j < net.layers.size(); ++j)
        if (net.layers[j].out_shape() == cur) same.push_back(static_cast<int>(j));
      if (same.empty()) return false;
      weightless(l, qsq::LayerKind::add, cur);
      l.second_input = same[static_cast<std::size_t>(uniform(rng, 0, static_cast<int>(same.size()) - 1))];
      l.requant = {true, uniform(rng, 1, 1 << 30), uniform(rng, 0, 62), uniform(rng, 0, 1) == 1, 0, uniform(rng, 1, 1 << 30)};
      if (l.requant.relu && uniform(rng, 0, 1) == 1) l.requant.clip = uniform(rng, 1, qsq::max_value(width));
      return true;
    }
    case 1:  // avgpool, windowed or global
      if (cur.h < 2 || cur.w < 2) return false;
      weightless(l, qsq::LayerKind::avgpool, cur);
      l.requant = {false, 1, 0, false, 0, 0};
      if (uniform(rng, 0, 1) == 1) {
        l.kernel = 0;
        l.stride = 0;
      } else {
        l.kernel = uniform(rng, 1, std::min(3, std::min(cur.h, cur.w)));
        l.stride = uniform(rng, 1, 2);
      }
      return true;
    default:  // depthwise
      if (cur.h < 2) return false;
      l.kind = qsq::LayerKind::depthwise;
      l.in = cur;
      l.out_channels = cur.c;
      l.kernel = uniform(rng, 1, std::min(3, std::min(cur.h, cur.w)));
      l.pad = uniform(rng, 0, l.kernel - 1);
      l.stride = uniform(rng, 1, 2);
      fill_weights(rng, l, width, uniform(rng, 0, 2) == 0);
      return true;
  }
}

}  // namespace

qsq::Network random_network(std::mt19937_64& rng, const RandomNetworkOptions& opt) {
  qsq::Network net;
  net.name = random_name(rng);
  const int widths[] = {4, 5, 8, 12, 16};
  net.width = widths[uniform(rng, 0, 4)];
  net.acc_width = 48;  // room for any worst case of these small layers
  net.input = {uniform(rng, 1, 3), uniform(rng, 4, 12), uniform(rng, 4, 12)};
  net.input_quant.mean = std::uniform_real_distribution<float>(-1, 1)(rng);
  net.input_quant.scale = std::uniform_real_distribution<float>(1e-3f, 2)(rng);
  qsq::Shape3 cur = net.input;
  const int n_layers = uniform(rng, 1, opt.max_layers);
  for (int i = 0; i < n_layers; ++i) {
    qsq::Layer l;
    l.name = random_name(rng);
    // Not the last layer: a network ends in a conv/linear layer like every network qsq builds.
    if (opt.new_kinds && i + 1 < n_layers && uniform(rng, 0, 1) == 1 && new_kind_layer(rng, l, net.width, net, cur)) {
      if (l.kind == qsq::LayerKind::depthwise) l.requant.enabled = true;
      cur = l.out_shape();
      net.layers.push_back(std::move(l));
      continue;
    }
    const bool conv = opt.allow_conv && cur.h > 1 && uniform(rng, 0, 1) == 1;
    if (conv) {
      l.kind = qsq::LayerKind::conv2d;
      l.in = cur;
      l.kernel = uniform(rng, 1, std::min(3, std::min(cur.h, cur.w)));
      l.pad = uniform(rng, 0, l.kernel - 1);
      l.stride = uniform(rng, 1, 2);
      l.out_channels = uniform(rng, 1, 5);
      const qsq::Shape3 c = l.conv_shape();
      if (uniform(rng, 0, 1) == 1 && c.h >= 2 && c.w >= 2) l.pool = {2, uniform(rng, 1, 2)};
    } else {
      l.kind = qsq::LayerKind::linear;
      l.in = {static_cast<int>(cur.size()), 1, 1};
      l.out_channels = uniform(rng, 1, 12);
    }
    fill_weights(rng, l, net.width, opt.allow_plain && uniform(rng, 0, 2) == 0);
    l.requant.enabled = i + 1 < n_layers || uniform(rng, 0, 1) == 1;
    if (!l.requant.enabled) l.requant.clip = 0;
    cur = l.out_shape();
    net.layers.push_back(std::move(l));
  }
  return net;
}

std::string first_difference(const qsq::Network& a, const qsq::Network& b) {
  std::ostringstream d;
  auto cmp = [&](const std::string& what, auto x, auto y) {
    if (d.tellp() == 0 && !(x == y)) d << what << " differs";
  };
  cmp("name", a.name, b.name);
  cmp("width", a.width, b.width);
  cmp("acc_width", a.acc_width, b.acc_width);
  cmp("input shape", a.input, b.input);
  cmp("input mean (bits)", std::bit_cast<std::uint32_t>(a.input_quant.mean), std::bit_cast<std::uint32_t>(b.input_quant.mean));
  cmp("input scale (bits)", std::bit_cast<std::uint32_t>(a.input_quant.scale), std::bit_cast<std::uint32_t>(b.input_quant.scale));
  cmp("layer count", a.layers.size(), b.layers.size());
  for (std::size_t i = 0; i < std::min(a.layers.size(), b.layers.size()); ++i) {
    const auto& x = a.layers[i];
    const auto& y = b.layers[i];
    const std::string p = "layer " + std::to_string(i) + " ";
    cmp(p + "name", x.name, y.name);
    cmp(p + "kind", x.kind, y.kind);
    cmp(p + "in", x.in, y.in);
    cmp(p + "out_channels", x.out_channels, y.out_channels);
    cmp(p + "kernel", x.kernel, y.kernel);
    cmp(p + "stride", x.stride, y.stride);
    cmp(p + "pad", x.pad, y.pad);
    cmp(p + "pool.kernel", x.pool.kernel, y.pool.kernel);
    cmp(p + "pool.stride", x.pool.stride, y.pool.stride);
    cmp(p + "requant.enabled", x.requant.enabled, y.requant.enabled);
    cmp(p + "requant.multiplier", x.requant.multiplier, y.requant.multiplier);
    cmp(p + "requant.shift", x.requant.shift, y.requant.shift);
    cmp(p + "requant.relu", x.requant.relu, y.requant.relu);
    cmp(p + "requant.clip", x.requant.clip, y.requant.clip);
    cmp(p + "requant.multiplier_b", x.requant.multiplier_b, y.requant.multiplier_b);
    cmp(p + "second_input", x.second_input, y.second_input);
    cmp(p + "format", x.format, y.format);
    cmp(p + "codebook", x.codebook, y.codebook);
    cmp(p + "code_bits", x.code_bits, y.code_bits);
    cmp(p + "exponent", x.exponent, y.exponent);
    cmp(p + "scales", x.scales, y.scales);
    cmp(p + "codes", x.codes, y.codes);
    cmp(p + "plain", x.plain, y.plain);
    cmp(p + "bias", x.bias, y.bias);
  }
  return d.str();
}

}  // namespace qsq_test
