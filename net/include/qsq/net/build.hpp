// Description: turns a float network into the integer network the golden model (and the
// hardware) runs: input quantization, per-filter weight codes through the decoder-aware quantizer
// (or plain W-bit weights for layers kept at higher precision), biases in accumulator units, and
// per-layer requantization (multiplier, shift) from calibrated activation ranges.
//
// Scales: the input is x_int = round(x * (2^(W-1)-1)) for pixels in [0, 1] (mean 0, so zero
// padding stays zero). Layer l reads activations of real value a_int * s_in(l) and has weights
// w ~= w_int * 2^-e(l), so acc * s_in * 2^-e is its float pre-activation; its output scale is
// s_out(l) = act_max(l) / (2^(W-1)-1) and requant maps acc -> acc * s_in * 2^-e / s_out, held as
// multiplier / 2^shift with the multiplier in [2^22, 2^23). The last layer outputs raw logits.
// Usage:
//   qsq::net::QuantizeOptions o;  o.codebook = qsq::CodebookId::pow2;  o.keep_ends = false;
//   qsq::Network net = qsq::net::build_network(fnet, act_max, o);
#pragma once
#include <span>
#include <string>
#include <vector>

#include "qsq/network.hpp"
#include "qsq/net/float_net.hpp"
#include "qsq/quantize.hpp"

namespace qsq::net {

struct QuantizeOptions {
  CodebookId codebook = CodebookId::pow2;
  int code_bits = defaults::kCodeBits;
  ScaleMethod scale = ScaleMethod::search;  // measured closer to float than max_abs (docs/results.md)
  bool keep_ends = false;  // first and last layers as plain W-bit integers (bypass)
  int width = defaults::kWidth;
  int acc_width = defaults::kAccWidth;
  // Largest |input value| the input quantization covers: x_int = round(x * (2^(W-1)-1) / input_max).
  // 1 for pixels in [0, 1]; `qsq quantize` sets max(1, largest |value| of the calibration images),
  // so data normalised with --mean/--std (or float32 data beyond [0, 1]) is not clipped.
  float input_max = 1.0f;

  std::string describe() const;  // e.g. "pow2/3 scale=max all layers coded W=8 AccW=32"
};

// Per-layer weights of a float layer as the integer layer will hold them (codes or plain).
// Exposed so that fine-tuning uses exactly the quantizer that build_network uses.
struct LayerWeights {
  WeightFormat format = WeightFormat::coded;
  int exponent = 0;
  std::vector<std::uint32_t> scales;
  std::vector<std::uint8_t> codes;
  std::vector<std::int32_t> decoded;  // W-bit integers, filter-major
};
LayerWeights quantize_layer_weights(const FloatLayer& l, bool plain, const QuantizeOptions& o);
// Whether layer i of n is kept plain under the options.
inline bool layer_is_plain(int i, int n, const QuantizeOptions& o) { return o.keep_ends && (i == 0 || i == n - 1); }

// act_max[l]: largest output value of layer l (after ReLU and pooling) over the calibration set;
// for a layer without ReLU, the largest magnitude. The last entry is unused (logits).
Network build_network(const FloatNet& fnet, std::span<const float> act_max, const QuantizeOptions& o);

// Float weights with the integer network's weights decoded and truncated at quality q,
// dequantized back to float (w_int * 2^-e): the "dequantized" float model.
FloatNet dequantized(const FloatNet& fnet, const Network& net, Quality q);

// The float network a .qsq file stands for, from the file alone (no float model needed): weights
// decoded and truncated at q, times 2^-e; biases bias_int * s_in * 2^-e, with s_in the input
// scale chained through the layers' requantization (s_out = s_in * 2^-e * 2^shift / multiplier);
// ReLU and pooling as in the file. Its forward pass is the integer network's without the
// rounding of activations, and the last layer's output is in real units. `qsq export --onnx`
// writes it. Throws Error for an input quantization with a nonzero mean (not representable as
// these layers alone).
FloatNet float_network_of(const Network& net, Quality q);

}  // namespace qsq::net
