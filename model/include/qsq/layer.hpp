// Description: the integer layer, the arithmetic the hardware performs and the network
// evaluation uses, defined once:
//   1. acc[f][y][x] = wrap_AccW( bias[f] + sum_t a[t] * qs_weight(w[f][t], quality) )
//      with zero padding; the accumulator wraps modulo 2^AccW, so any adder order is bit-exact.
//   2. if requant.enabled: y = clamp( (acc * multiplier + 2^(shift-1)) >> shift )   (round half up,
//      arithmetic shift in 64 bits; shift = 0 means no rounding term), clamped to
//      [0, 2^(W-1)-1] when relu is set, else to [-2^(W-1), 2^(W-1)-1];
//      otherwise the layer outputs the raw accumulator (the logits of the last layer).
//   3. optional max pooling (kernel, stride, no padding, floor).
// Besides convolution and linear layers (the MAC layers), a network holds
//   depthwise : a convolution with one K x K filter per channel (out_channels == in.c); filter f
//               reads channel f only, so its dot product has K*K terms, t = ky*K + kx;
//   avgpool   : average over K x K windows (K = 0: the whole plane, global average pooling),
//               y = floor((2*sum + n) / (2*n)) with n = the window's size: the mean rounded half
//               up, the same rounding as step 2; no requantization (the output keeps the input's
//               scale) and no weights;
//   add       : the residual sum of the previous layer's output a and an earlier layer's output b
//               (`second_input`; -1 = the network input), each at its own scale, brought to the
//               output scale by y = clamp((a*multiplier + b*multiplier_b + 2^(shift-1)) >> shift)
//               in 64 bits with step 2's clamp (ReLU, clip); no weights.
// Any layer that requantizes may also clip (ReLU6): with `clip` > 0 the upper clamp bound is
// min(clip, 2^(W-1)-1), clip being the integer that stands for 6.0 at the output scale.
// Tensors are CHW, flattened channel-major (c, y, x), the PyTorch order; a linear layer reads
// its input in that flatten order.
//
// Usage:
//   qsq::Tensor out = qsq::forward_layer(layer, in, /*width=*/8, /*acc=*/32, {2, 0});
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "qsq/params.hpp"

namespace qsq {

// Limits Layer::validate() and Network::validate() enforce. docs/format.md ("Limits a reader
// enforces") states each of them; tests/format/doc_sync_test.cpp fails when the two disagree.
namespace layer_limits {
inline constexpr int kMaxDim = (1 << 16) - 1;   // every dimension >= 1 and <= this: the container's u16
inline constexpr int kMaxKernel = 64;           // conv kernel, stride, pool kernel and pool stride: 1..64
inline constexpr int kMaxStride = 64;
inline constexpr int kMaxPool = 64;
inline constexpr std::int64_t kMaxFanIn = std::int64_t{1} << 24;       // C * K * K per filter
inline constexpr std::int64_t kMaxWeights = std::int64_t{1} << 28;    // per layer
inline constexpr std::int64_t kMaxInputValues = std::int64_t{1} << 24; // network input C * H * W
inline constexpr int kMaxLayers = 1024;
inline constexpr int kMaxShift = 62;                                   // requantization shift
inline constexpr int kMinExponent = -64, kMaxExponent = 64;
inline constexpr int kMaxAvgKernel = 64;                               // avgpool window; 0 = global
}  // namespace layer_limits

enum class LayerKind : std::uint8_t { conv2d = 1, linear = 2, depthwise = 3, avgpool = 4, add = 5 };
// Layers with weights, which run on the array's lanes; avgpool and add have neither weights nor MACs.
inline constexpr bool is_mac(LayerKind k) {
  return k == LayerKind::conv2d || k == LayerKind::linear || k == LayerKind::depthwise;
}
const char* layer_kind_name(LayerKind k);  // "conv2d", "linear", "depthwise", "avgpool", "add"
enum class WeightFormat : std::uint8_t {
  none = 0,   // avgpool and add layers: no weights
  coded = 1,  // b-bit codes + per-filter scales, through the shift-and-scale decoder
  plain = 2,  // plain W-bit integers (layers kept at higher precision), through the bypass
};

struct Shape3 {
  int c = 0, h = 0, w = 0;
  std::int64_t size() const { return std::int64_t{c} * h * w; }
  bool operator==(const Shape3&) const = default;
};

struct Requant {
  bool enabled = true;
  std::int32_t multiplier = 1;  // >= 1
  int shift = 0;                // 0..62
  bool relu = true;
  std::int32_t clip = 0;          // > 0: upper clamp bound (ReLU6); needs relu; 0: none
  std::int32_t multiplier_b = 0;  // add layers only: the second input's multiplier, >= 1
};

struct Pool {
  int kernel = 0;  // 0: no pooling
  int stride = 0;
};

// The output shape of a convolution (square kernel, stride, zero padding; depthwise alike), a
// linear layer, an average pooling (kernel 0: 1 x 1) or an add before max pooling, and after a
// max pooling (kernel, stride, no padding, floor; none for kernel 0). One definition for the
// integer Layer and the float layers of net/.
Shape3 conv_output_shape(LayerKind kind, const Shape3& in, int out_channels, int kernel, int stride, int pad);
Shape3 pooled_shape(const Shape3& conv, const Pool& pool);

struct Layer {
  std::string name;
  LayerKind kind = LayerKind::conv2d;
  Shape3 in;                      // linear: {K, 1, 1}
  int out_channels = 0;           // filters (depthwise, avgpool, add: in.c)
  int kernel = 1;                 // square kernel (1 for linear and add; avgpool: 0 = global)
  int stride = 1;
  int pad = 0;
  Pool pool;
  Requant requant;
  int second_input = -1;          // add only: index of the earlier layer whose output it adds; -1: the network input

  WeightFormat format = WeightFormat::coded;
  CodebookId codebook = CodebookId::pow2;  // coded only
  int code_bits = 3;                       // coded only
  int exponent = 0;                        // weight ~= decoded * 2^-exponent
  std::vector<std::uint32_t> scales;       // coded: one per filter
  std::vector<std::uint8_t> codes;         // coded: one per weight, [f][c][ky][kx]
  std::vector<std::int32_t> plain;         // plain: one per weight, [f][c][ky][kx]
  std::vector<std::int32_t> bias;          // one per filter, accumulator units

  // Terms per dot product: in.c*K*K (conv), in.c (linear), K*K (depthwise), 0 (avgpool, add).
  int fan_in() const;
  std::int64_t num_weights() const { return std::int64_t{out_channels} * fan_in(); }
  Shape3 conv_shape() const;      // before pooling
  Shape3 out_shape() const;       // after pooling
  std::int64_t macs() const { return conv_shape().size() * fan_in(); }

  // Decoded W-bit weights [f][t] (the decoder output, or the plain weights).
  std::vector<std::int32_t> decoded_weights() const;

  // Structural checks (shapes, sizes of every vector, code and scale ranges against `width`,
  // requant ranges). Throws Error naming the layer and the problem.
  void validate(int width) const;

  // Largest |accumulator| any input in range can produce (bias included), at the exact level;
  // truncated weights can be larger in magnitude, so this uses the largest truncated weight
  // over all levels. Quantization refuses layers where this exceeds 2^(AccW-1) - 1.
  // The largest activation magnitude is 2^(W-1) for every layer, also after a ReLU: the bound
  // is a property of the layer alone, and the array runs a layer on any W-bit activations
  // (docs/format.md states this so that a second reader refuses the same files).
  std::int64_t worst_case_acc(int width) const;
};

using Tensor = std::vector<std::int32_t>;

// One layer on a CHW input of layer.in.size() W-bit values. `weights` are layer.decoded_weights()
// (passed in so callers can cache them). An add layer needs its second input: forward_add.
Tensor forward_layer(const Layer& layer, std::span<const std::int32_t> weights,
                     std::span<const std::int32_t> input, int width, int acc_width, Quality q);
Tensor forward_layer(const Layer& layer, std::span<const std::int32_t> input, int width,
                     int acc_width, Quality q);

// The weights the multiplier really uses at level q: qs_weight of each decoded weight.
std::vector<std::int32_t> truncate_weights(std::span<const std::int32_t> decoded, Quality q);
// forward_layer with weights already truncated (hoists truncate_weights out of a loop over images).
Tensor forward_truncated(const Layer& layer, std::span<const std::int32_t> truncated,
                         std::span<const std::int32_t> input, int width, int acc_width);

// The add layer on its two inputs (a: the previous output, b: the second input), each of
// layer.in.size() values.
Tensor forward_add(const Layer& layer, std::span<const std::int32_t> a, std::span<const std::int32_t> b, int width);
// The average pooling of one window sum over n values: floor((2*sum + n) / (2*n)).
std::int32_t average_rounded(std::int64_t sum, std::int64_t n);

// Requantization of one accumulator value (step 2 above).
std::int32_t requantize(std::int64_t acc, const Requant& r, int width);
// The clamp of step 2 (ReLU, clip) of a value already scaled to the output.
std::int32_t clamp_activation(std::int64_t y, const Requant& r, int width);

// Requantization that multiplies by `ratio` (> 0): multiplier in [2^14, 2^15) and the matching
// shift, so the relative error of the ratio is below 2^-14.
Requant requant_for_ratio(double ratio, bool relu);

// The im2col gather: the activation of term t (t = (c*k + ky)*k + kx) at conv output position
// pos (= oy*conv_w + ox), 0 in the padding. A depthwise filter f reads channel f only
// (t = ky*k + kx), so its gather needs the filter; the overload without it refuses depthwise layers.
std::int32_t gather(const Layer& layer, std::span<const std::int32_t> input, int filter, int pos, int t);
std::int32_t gather(const Layer& layer, std::span<const std::int32_t> input, int pos, int t);

}  // namespace qsq
