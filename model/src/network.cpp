#include "qsq/network.hpp"

#include <algorithm>
#include <cmath>

namespace qsq {

void Network::validate() const {
  require_range("width", width, limits::kWidthMin, limits::kWidthMax);
  require_range("accumulator width", acc_width, limits::kAccWidthMin, limits::kAccWidthMax);
  if (input.c < 1 || input.h < 1 || input.w < 1 || input.size() > layer_limits::kMaxInputValues)
    throw Error("network input shape is empty or larger than 2^24 values");
  if (!(input_quant.scale > 0) || !std::isfinite(input_quant.scale) || !std::isfinite(input_quant.mean))
    throw Error("network input scale must be a finite positive number");
  if (layers.empty()) throw Error("network has no layers");
  if (layers.size() > static_cast<std::size_t>(layer_limits::kMaxLayers)) throw Error("network has more than 1024 layers");
  Shape3 prev = input;
  std::vector<Shape3> outputs;  // every layer's output shape, for the second input of an add
  const std::int64_t acc_max = (std::int64_t{1} << (acc_width - 1)) - 1;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    l.validate(width);
    const bool fits = l.kind == LayerKind::linear ? l.in.size() == prev.size() : l.in == prev;
    if (!fits)
      throw Error("layer '" + l.name + "': input shape " + std::to_string(l.in.c) + "x" + std::to_string(l.in.h) + "x" +
                  std::to_string(l.in.w) + " does not match the previous output " + std::to_string(prev.c) + "x" +
                  std::to_string(prev.h) + "x" + std::to_string(prev.w));
    if (!l.requant.enabled && is_mac(l.kind) && i + 1 != layers.size())
      throw Error("layer '" + l.name + "': only the last layer may output raw accumulators");
    if (l.kind == LayerKind::add) {
      // The DAG goes no further than this: the second input is an earlier activation, so the
      // layers still run in their stored order.
      if (l.second_input < -1 || l.second_input >= static_cast<int>(i))
        throw Error("layer '" + l.name + "': second input " + std::to_string(l.second_input) +
                    " is not an earlier layer (-1 = the network input, else 0.." + std::to_string(static_cast<int>(i) - 1) + ")");
      const Shape3 other = l.second_input < 0 ? input : outputs[static_cast<std::size_t>(l.second_input)];
      if (!(other == l.in))
        throw Error("layer '" + l.name + "': second input " + std::to_string(other.c) + "x" + std::to_string(other.h) + "x" +
                    std::to_string(other.w) + " does not match its input " + std::to_string(l.in.c) + "x" +
                    std::to_string(l.in.h) + "x" + std::to_string(l.in.w));
    }
    const std::int64_t worst = l.worst_case_acc(width);
    if (worst > acc_max)
      throw Error("layer '" + l.name + "': worst-case accumulator " + std::to_string(worst) + " exceeds the " +
                  std::to_string(acc_width) + "-bit accumulator");
    prev = l.out_shape();
    outputs.push_back(prev);
  }
}

Tensor quantize_input(const Network& net, std::span<const float> x) {
  if (x.size() != static_cast<std::size_t>(net.input.size()))
    throw Error("input has " + std::to_string(x.size()) + " values, the network expects " +
                std::to_string(net.input.size()));
  Tensor out(x.size());
  const double lo = min_value(net.width), hi = max_value(net.width);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double v = std::round((static_cast<double>(x[i]) - net.input_quant.mean) / net.input_quant.scale);
    out[i] = static_cast<std::int32_t>(std::clamp(std::isnan(v) ? 0.0 : v, lo, hi));
  }
  return out;
}

PreparedNetwork::PreparedNetwork(const Network& net, std::span<const Quality> per_layer) : net_(&net) {
  if (per_layer.size() != 1 && per_layer.size() != net.layers.size())
    throw Error("need 1 or " + std::to_string(net.layers.size()) + " quality levels, got " +
                std::to_string(per_layer.size()));
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const Quality q = resolve_quality(per_layer.size() == 1 ? per_layer[0] : per_layer[i], net.width);
    truncated_.push_back(truncate_weights(net.layers[i].decoded_weights(), q));
  }
}

Tensor PreparedNetwork::forward(std::span<const std::int32_t> x) const {
  // Every output is kept: an add layer may read any earlier one.
  std::vector<Tensor> outs;
  const Tensor in(x.begin(), x.end());
  for (std::size_t i = 0; i < net_->layers.size(); ++i) {
    const Layer& l = net_->layers[i];
    const Tensor& cur = i == 0 ? in : outs.back();
    if (l.kind == LayerKind::add) {
      const Tensor& other = l.second_input < 0 ? in : outs[static_cast<std::size_t>(l.second_input)];
      outs.push_back(forward_add(l, cur, other, net_->width));
    } else {
      outs.push_back(forward_truncated(l, truncated_[i], cur, net_->width, net_->acc_width));
    }
  }
  return outs.back();
}

Tensor forward(const Network& net, std::span<const std::int32_t> x, std::span<const Quality> per_layer) {
  return PreparedNetwork(net, per_layer).forward(x);
}

Tensor forward(const Network& net, std::span<const std::int32_t> x, Quality q) {
  return forward(net, x, std::span<const Quality>(&q, 1));
}

int argmax(std::span<const std::int32_t> v) {
  return static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
}

}  // namespace qsq
