// Description: float -> integer network (see build.hpp).
#include "qsq/net/build.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "qsq/csd.hpp"
#include "qsq/error.hpp"

namespace qsq::net {

std::string QuantizeOptions::describe() const {
  return std::string(codebook_name(codebook)) + "/" + std::to_string(code_bits) + " scale=" +
         std::string(scale_method_name(scale)) + (keep_ends ? " first+last layers plain" : " all layers coded") +
         " W=" + std::to_string(width) + " AccW=" + std::to_string(acc_width);
}

LayerWeights quantize_layer_weights(const FloatLayer& l, bool plain, const QuantizeOptions& o) {
  LayerWeights lw;
  if (plain) {
    lw.format = WeightFormat::plain;
    PlainWeights pw = quantize_plain(l.weight, o.width);
    lw.exponent = pw.exponent;
    lw.decoded = std::move(pw.values);
    return lw;
  }
  Params p;
  p.width = o.width;
  p.code_bits = o.code_bits;
  p.codebook = o.codebook;
  p.acc_width = o.acc_width;
  p.validate();
  QuantizedWeights q = quantize_weights(l.weight, l.out_channels, p, o.scale);
  lw.format = WeightFormat::coded;
  lw.exponent = q.exponent;
  lw.decoded = q.decoded();
  lw.scales = std::move(q.scales);
  lw.codes = std::move(q.codes);
  return lw;
}

Network build_network(const FloatNet& fnet, std::span<const float> act_max, const QuantizeOptions& o) {
  const int n = static_cast<int>(fnet.layers.size());
  if (static_cast<int>(act_max.size()) < n - 1)
    throw Error("build_network: " + std::to_string(act_max.size()) + " activation ranges for " + std::to_string(n) + " layers");
  Network net;
  net.name = fnet.name;
  net.width = o.width;
  net.acc_width = o.acc_width;
  net.input = fnet.input;
  const double qmax = max_value(o.width);
  net.input_quant.mean = 0.0f;
  if (!(o.input_max > 0) || !std::isfinite(o.input_max)) throw Error("build_network: input range must be finite and > 0");
  net.input_quant.scale = static_cast<float>(static_cast<double>(o.input_max) / qmax);
  double s_in = net.input_quant.scale;  // the value actually stored, so the chain is consistent
  std::vector<double> s_outs;           // every layer's output scale, for the second input of an add
  for (int i = 0; i < n; ++i) {
    const FloatLayer& fl = fnet.layers[static_cast<std::size_t>(i)];
    Layer L;
    L.name = fl.name;
    L.kind = fl.kind;
    L.in = fl.in;
    L.out_channels = fl.out_channels;
    L.kernel = fl.kernel;
    L.stride = fl.stride;
    L.pad = fl.pad;
    L.pool = fl.pool;
    L.second_input = fl.second_input;
    if (fl.kind == LayerKind::avgpool) {
      // The mean keeps its input's scale: nothing to calibrate.
      L.format = WeightFormat::none;
      L.code_bits = 0;
      L.requant = {false, 1, 0, false, 0, 0};
      s_outs.push_back(s_in);
      net.layers.push_back(std::move(L));
      continue;
    }
    if (fl.kind == LayerKind::add) {
      if (i == n - 1) throw Error("build_network: layer " + fl.name + ": an add cannot be the last layer (logits are raw accumulators)");
      // a*s_a + b*s_b = y*s_out: both ratios on one shift, the larger multiplier in [2^14, 2^15).
      const double s_b = fl.second_input < 0 ? static_cast<double>(net.input_quant.scale) : s_outs[static_cast<std::size_t>(fl.second_input)];
      const double s_out = std::max(static_cast<double>(act_max[static_cast<std::size_t>(i)]), 1e-6) / qmax;
      L.format = WeightFormat::none;
      L.code_bits = 0;
      L.requant = requant_for_ratio(std::max(s_in, s_b) / s_out, fl.relu);
      const double k = std::ldexp(1.0, L.requant.shift);
      L.requant.multiplier = static_cast<std::int32_t>(std::clamp(std::nearbyint(s_in / s_out * k), 1.0, 2147483647.0));
      L.requant.multiplier_b = static_cast<std::int32_t>(std::clamp(std::nearbyint(s_b / s_out * k), 1.0, 2147483647.0));
      if (fl.clip > 0) L.requant.clip = static_cast<std::int32_t>(std::min(qmax, std::nearbyint(fl.clip / s_out)));
      s_in = s_out;
      s_outs.push_back(s_out);
      net.layers.push_back(std::move(L));
      continue;
    }
    LayerWeights lw = quantize_layer_weights(fl, layer_is_plain(i, n, o), o);
    L.format = lw.format;
    L.codebook = o.codebook;
    L.code_bits = o.code_bits;
    L.exponent = lw.exponent;
    if (lw.format == WeightFormat::coded) {
      L.scales = std::move(lw.scales);
      L.codes = std::move(lw.codes);
    } else {
      L.plain = std::move(lw.decoded);
    }
    const double unit = s_in * std::ldexp(1.0, -L.exponent);  // real value of one accumulator step
    L.bias.resize(static_cast<std::size_t>(fl.out_channels));
    const double acc_lim = std::ldexp(1.0, o.acc_width - 2);
    for (std::size_t f = 0; f < L.bias.size(); ++f) {
      const double b = std::nearbyint(fl.bias[f] / unit);
      if (std::fabs(b) > acc_lim)
        throw Error("layer " + fl.name + ": bias " + std::to_string(fl.bias[f]) + " does not fit the accumulator");
      L.bias[f] = static_cast<std::int32_t>(b);
    }
    if (i == n - 1) {
      L.requant.enabled = false;
      L.requant.relu = false;
    } else {
      const double amax = std::max(static_cast<double>(act_max[static_cast<std::size_t>(i)]), 1e-6);
      const double s_out = amax / qmax;
      const double m = unit / s_out;
      int shift = 22 - static_cast<int>(std::floor(std::log2(m)));
      shift = std::clamp(shift, 0, 62);
      double mult = std::nearbyint(std::ldexp(m, shift));
      mult = std::clamp(mult, 1.0, static_cast<double>(std::numeric_limits<std::int32_t>::max()));
      L.requant.enabled = true;
      L.requant.multiplier = static_cast<std::int32_t>(mult);
      L.requant.shift = shift;
      L.requant.relu = fl.relu;
      // ReLU6: the integer that stands for the bound at the output scale (never above the width's top).
      if (fl.clip > 0) L.requant.clip = static_cast<std::int32_t>(std::max(1.0, std::min(qmax, std::nearbyint(fl.clip / s_out))));
      s_in = s_out;
    }
    s_outs.push_back(s_in);
    net.layers.push_back(std::move(L));
  }
  net.validate();
  return net;
}

FloatNet dequantized(const FloatNet& fnet, const Network& net, Quality q) {
  FloatNet out = fnet;
  const Quality rq = resolve_quality(q, net.width);
  for (std::size_t i = 0; i < out.layers.size(); ++i) {
    const Layer& L = net.layers[i];
    if (!is_mac(L.kind)) continue;
    const std::vector<std::int32_t> w = L.decoded_weights();
    const double k = std::ldexp(1.0, -L.exponent);
    auto& dst = out.layers[i].weight;
    for (std::size_t t = 0; t < w.size(); ++t) dst[t] = static_cast<float>(qs_weight(w[t], rq) * k);
  }
  return out;
}

FloatNet float_network_of(const Network& net, Quality q) {
  if (net.input_quant.mean != 0.0f)
    throw Error("network " + net.name + ": input mean " + std::to_string(net.input_quant.mean) +
                " is not representable as a float network of its layers alone");
  FloatNet out;
  out.name = net.name;
  out.input = net.input;
  const Quality rq = resolve_quality(q, net.width);
  double s_in = net.input_quant.scale;
  for (const Layer& L : net.layers) {
    FloatLayer fl;
    fl.second_input = L.second_input;
    fl.name = L.name;
    fl.kind = L.kind;
    fl.in = L.in;
    fl.out_channels = L.out_channels;
    fl.kernel = L.kernel;
    fl.stride = L.stride;
    fl.pad = L.pad;
    fl.pool = L.pool;
    fl.relu = L.requant.enabled && L.requant.relu;
    if (!is_mac(L.kind)) {
      // avgpool keeps the scale; an add's output scale follows from its first multiplier
      // (a * s_in = a * multiplier / 2^shift * s_out). Its float form is the plain sum.
      if (L.kind == LayerKind::add) {
        const double s_out = s_in * std::ldexp(1.0, L.requant.shift) / L.requant.multiplier;
        if (L.requant.clip > 0) fl.clip = static_cast<float>(L.requant.clip * s_out);
        s_in = s_out;
      }
      out.layers.push_back(std::move(fl));
      continue;
    }
    const double step = std::ldexp(1.0, -L.exponent);
    const std::vector<std::int32_t> w = L.decoded_weights();
    fl.weight.resize(w.size());
    for (std::size_t t = 0; t < w.size(); ++t) fl.weight[t] = static_cast<float>(qs_weight(w[t], rq) * step);
    const double unit = s_in * step;  // real value of one accumulator step
    fl.bias.resize(L.bias.size());
    for (std::size_t f = 0; f < L.bias.size(); ++f) fl.bias[f] = static_cast<float>(L.bias[f] * unit);
    if (L.requant.enabled) s_in = unit * std::ldexp(1.0, L.requant.shift) / L.requant.multiplier;
    if (L.requant.enabled && L.requant.clip > 0) fl.clip = static_cast<float>(L.requant.clip * s_in);
    out.layers.push_back(std::move(fl));
  }
  return out;
}

}  // namespace qsq::net
