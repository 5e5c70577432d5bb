// Description: fast bit-exact evaluation of an integer network over a whole data set. It computes
// exactly what qsq::forward (the golden model) computes, but precomputes each layer's
// quality-truncated weights (qs_weight) once per level, lays convolutions out as im2col rows of
// 16-bit operands (when W <= 15 and AccW <= 32, where validate()'s worst-case bound guarantees that
// 32-bit sums never overflow, so wrapping is the identity) and splits the images over threads.
// Depthwise layers use the same im2col rows of channel 0, offset by the filter's plane; average
// pooling and residual adds are the golden model's own functions (forward_layer, forward_add),
// with every layer's output kept while an image runs so that an add can read an earlier one.
// Tests compare it with qsq::forward and with the N-lane schedule.
// Usage:
//   qsq::net::IntEngine eng(net);
//   qsq::net::QuantizedInputs x = qsq::net::quantize_inputs(net, test);
//   double acc = eng.accuracy(x, std::vector<qsq::Quality>{{2, 0}}, /*threads=*/2);
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "qsq/network.hpp"
#include "qsq/net/dataset.hpp"

namespace qsq::net {

// A data set with its images quantized by the network's input quantization.
struct QuantizedInputs {
  int count = 0;
  int size = 0;                       // values per image
  std::vector<std::int32_t> values;   // count * size
  std::vector<std::uint8_t> labels;
  std::span<const std::int32_t> image(int i) const {
    return {values.data() + static_cast<std::size_t>(i) * size, static_cast<std::size_t>(size)};
  }
};
QuantizedInputs quantize_inputs(const Network& net, const Dataset& d);

class IntEngine {
 public:
  explicit IntEngine(Network net);  // validates the network
  const Network& network() const { return net_; }

  // Logits for one input; per_layer has one entry (applied to all layers) or one per layer.
  Tensor forward(std::span<const std::int32_t> x, std::span<const Quality> per_layer) const;
  // The input of every layer followed by the final logits (size layers + 1).
  std::vector<Tensor> activations(std::span<const std::int32_t> x, std::span<const Quality> per_layer) const;
  // Top-1 accuracy (fraction) over the inputs, images split over `threads` threads.
  double accuracy(const QuantizedInputs& x, std::span<const Quality> per_layer, int threads) const;
  // Number of correctly classified images (same as accuracy * count).
  int correct(const QuantizedInputs& x, std::span<const Quality> per_layer, int threads) const;

 private:
  const std::vector<std::int16_t>& weights16(int layer, Quality q) const;
  const std::vector<std::int32_t>& weights32(int layer, Quality q) const;
  std::vector<Quality> resolve(std::span<const Quality> per_layer) const;
  // `second` is an add layer's second input (nullptr for every other kind).
  void run_layer(int i, Quality q, const std::vector<std::int32_t>& in, const std::vector<std::int32_t>* second,
                 std::vector<std::int32_t>& out, std::vector<std::int16_t>& scratch16,
                 std::vector<std::int32_t>& scratch32) const;

  Network net_;
  bool fast_ = true;
  std::vector<std::vector<std::int32_t>> decoded_;   // per layer
  std::vector<std::vector<std::int32_t>> im2col_;    // per conv layer: input index or -1, [pos][t_padded]
  std::vector<int> fan_padded_;                      // fan_in rounded up to a multiple of 16
  mutable std::mutex mu_;
  mutable std::map<std::pair<int, std::pair<int, int>>, std::vector<std::int16_t>> w16_;
  mutable std::map<std::pair<int, std::pair<int, int>>, std::vector<std::int32_t>> w32_;
};

}  // namespace qsq::net
