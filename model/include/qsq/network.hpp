// Description: a quantized network: input quantization and a chain of integer layers, in which
// an add layer also reads one earlier layer's output (or the network input). This is
// what a .qsq file holds (see container.hpp and docs/format.md).
// Usage:
//   qsq::Tensor x = qsq::quantize_input(net, pixels);   // floats in [0, 1], CHW
//   qsq::Tensor logits = qsq::forward(net, x, qsq::Quality{});   // exact level everywhere
//   int label = qsq::argmax(logits);
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "qsq/layer.hpp"

namespace qsq {

// x_int = clamp(round_half_away((x - mean) / scale), -2^(W-1), 2^(W-1)-1) for every input value x.
struct InputQuant {
  float mean = 0.0f;
  float scale = 1.0f;  // > 0
};

struct Network {
  std::string name;
  int width = defaults::kWidth;
  int acc_width = defaults::kAccWidth;
  Shape3 input;
  InputQuant input_quant;
  std::vector<Layer> layers;

  // Checks the parameters, every layer, that each layer's input is the previous output (a
  // linear layer accepts any input whose size matches, in flatten order), that an add layer's
  // second input is the network input or an earlier layer of the same shape, and that no
  // layer's worst case exceeds the accumulator. Throws Error.
  void validate() const;
};

Tensor quantize_input(const Network& net, std::span<const float> x);

// Runs every layer; `per_layer` gives each layer's quality (size 1 applies to all).
Tensor forward(const Network& net, std::span<const std::int32_t> x, std::span<const Quality> per_layer);
Tensor forward(const Network& net, std::span<const std::int32_t> x, Quality q);

// A network with every layer's weights decoded and truncated for fixed quality levels, for
// evaluating many inputs (forward(net, x, q) re-truncates on every call).
class PreparedNetwork {
 public:
  PreparedNetwork(const Network& net, std::span<const Quality> per_layer);
  Tensor forward(std::span<const std::int32_t> x) const;
  const Network& network() const { return *net_; }

 private:
  const Network* net_;
  std::vector<std::vector<std::int32_t>> truncated_;
};

int argmax(std::span<const std::int32_t> v);  // first index of the largest value

}  // namespace qsq
