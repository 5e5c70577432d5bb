#include "qsq/schedule.hpp"

#include "qsq/transaction.hpp"

namespace qsq {

void for_each_step(const Layer& layer, int lanes, const std::function<void(const Step&)>& fn) {
  require_range("lanes", lanes, limits::kLanesMin, limits::kLanesMax);
  if (!is_mac(layer.kind))
    throw Error("layer '" + layer.name + "': an " + layer_kind_name(layer.kind) + " layer has no MACs to schedule on the lanes");
  const int chunks = num_chunks(layer, lanes), positions = num_positions(layer);
  for (int f = 0; f < layer.out_channels; ++f) {
    for (int j = 0; j < chunks; ++j) {
      fn(Step{Step::Kind::load, f, j, -1});
      for (int pos = 0; pos < positions; ++pos) fn(Step{Step::Kind::dot, f, j, pos});
    }
  }
}

void chunk_weights(const Layer& layer, std::span<const std::int32_t> decoded, int filter, int chunk,
                   std::span<std::int32_t> out) {
  const int fan = layer.fan_in(), n = static_cast<int>(out.size());
  for (int i = 0; i < n; ++i) {
    const int t = chunk * n + i;
    out[i] = t < fan ? decoded[static_cast<std::size_t>(filter) * fan + t] : 0;
  }
}

void chunk_codes(const Layer& layer, int filter, int chunk, std::span<std::uint8_t> out) {
  const int fan = layer.fan_in(), n = static_cast<int>(out.size());
  for (int i = 0; i < n; ++i) {
    const int t = chunk * n + i;
    out[i] = t < fan ? layer.codes[static_cast<std::size_t>(filter) * fan + t] : 0;
  }
}

void chunk_activations(const Layer& layer, std::span<const std::int32_t> input, int filter, int pos, int chunk,
                       std::span<std::int32_t> out) {
  const int fan = layer.fan_in(), n = static_cast<int>(out.size());
  for (int i = 0; i < n; ++i) {
    const int t = chunk * n + i;
    out[i] = t < fan ? gather(layer, input, filter, pos, t) : 0;
  }
}

void chunk_activations(const Layer& layer, std::span<const std::int32_t> input, int pos, int chunk,
                       std::span<std::int32_t> out) {
  if (layer.kind == LayerKind::depthwise)
    throw Error("layer '" + layer.name + "': a depthwise layer's activations depend on the filter");
  chunk_activations(layer, input, 0, pos, chunk, out);
}

Layer depthwise_channel(const Layer& layer, int channel) {
  if (layer.kind != LayerKind::depthwise) throw Error("layer '" + layer.name + "': depthwise_channel of a " + layer_kind_name(layer.kind) + " layer");
  require_range("channel", channel, 0, layer.out_channels - 1);
  Layer c = layer;
  c.name = layer.name + "[" + std::to_string(channel) + "]";
  c.kind = LayerKind::conv2d;
  c.in.c = 1;
  c.out_channels = 1;
  const auto fan = static_cast<std::size_t>(layer.fan_in()), from = static_cast<std::size_t>(channel) * fan;
  auto row = [&](const auto& v) { return v.empty() ? v : std::decay_t<decltype(v)>(v.begin() + from, v.begin() + from + fan); };
  c.codes = row(layer.codes);
  c.plain = row(layer.plain);
  if (!layer.scales.empty()) c.scales = {layer.scales[static_cast<std::size_t>(channel)]};
  c.bias = {layer.bias[static_cast<std::size_t>(channel)]};
  return c;
}

std::vector<std::int32_t> channel_plane(const Layer& layer, std::span<const std::int32_t> input, int channel) {
  const auto plane = static_cast<std::size_t>(layer.in.h) * layer.in.w;
  if (input.size() != static_cast<std::size_t>(layer.in.size())) throw Error("layer '" + layer.name + "': input size does not match");
  require_range("channel", channel, 0, layer.in.c - 1);
  const auto first = input.begin() + static_cast<std::ptrdiff_t>(plane * static_cast<std::size_t>(channel));
  return {first, first + static_cast<std::ptrdiff_t>(plane)};
}

std::vector<std::int64_t> scheduled_accumulators(const Layer& layer, std::span<const std::int32_t> input,
                                                 int lanes, int acc_width, Quality q) {
  if (q.q < 1) throw Error("scheduled_accumulators: the quality level must be resolved (q >= 1)");
  const auto decoded = layer.decoded_weights();
  const int positions = num_positions(layer);
  std::vector<std::int64_t> acc(static_cast<std::size_t>(layer.out_channels) * positions);
  std::vector<std::int32_t> w(lanes), held(lanes);
  for_each_step(layer, lanes, [&](const Step& s) {
    if (s.kind == Step::Kind::load) {
      chunk_weights(layer, decoded, s.filter, s.chunk, w);
      for (int i = 0; i < lanes; ++i) held[i] = lane_weight(w[i], q);
      return;
    }
    auto& slot = acc[static_cast<std::size_t>(s.filter) * positions + s.position];
    const std::int64_t psum = s.chunk == 0 ? wrap_acc(layer.bias[s.filter], acc_width) : slot;
    slot = dot_result(held, chunk_beat(layer, input, s.filter, s.position, s.chunk, lanes, psum), acc_width);
  });
  return acc;
}

}  // namespace qsq
