#include "qsq/transaction.hpp"

#include <string>

#include "qsq/codebook.hpp"
#include "qsq/csd.hpp"
#include "qsq/schedule.hpp"

namespace qsq {

std::vector<Quality> all_levels(int width, int p) {
  std::vector<Quality> v;
  for (int q = 1; q <= max_digits(width); ++q) v.push_back(Quality{q, p});
  for (const auto& l : v) validate_quality(l, width);
  return v;
}

std::vector<std::int32_t> decode_load(const WeightLoad& load, int code_bits) {
  if (load.bypass) return load.plain;
  const Codebook& cb = codebook(load.codebook, code_bits);
  std::vector<std::int32_t> w(load.codes.size());
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = cb.decode(load.codes[i], load.scale);
  return w;
}

std::int32_t lane_weight(std::int32_t decoded, Quality q, LaneKind lane) {
  switch (lane) {
    case LaneKind::exact: return decoded;
    case LaneKind::bound: return decoded != 0;
    case LaneKind::signed_bound: return (decoded > 0) - (decoded < 0);
    case LaneKind::csd: break;
  }
  return qs_weight(decoded, q);
}

std::int64_t dot_result(std::span<const std::int32_t> held, const DotBeat& beat, int acc_width) {
  if (beat.a.size() != held.size())
    throw Error("dot beat has " + std::to_string(beat.a.size()) + " activations for " + std::to_string(held.size()) +
                " lanes");
  std::int64_t r = beat.psum;
  for (std::size_t i = 0; i < held.size(); ++i) r += static_cast<std::int64_t>(beat.a[i]) * held[i];
  return wrap_acc(r, acc_width);
}

std::int64_t predict_dot(std::span<const std::int32_t> decoded, const DotBeat& beat, Quality q, int acc_width,
                         LaneKind lane) {
  if (lane == LaneKind::csd && q.q < 1) throw Error("predict_dot: the quality level must be resolved (q >= 1)");
  std::vector<std::int32_t> held(decoded.size());
  for (std::size_t i = 0; i < held.size(); ++i) held[i] = lane_weight(decoded[i], q, lane);
  return dot_result(held, beat, acc_width);
}

ArrayModel::ArrayModel(int width, int lanes, int code_bits, int acc_width, LaneKind lane)
    : width_(width), lanes_(lanes), code_bits_(code_bits), acc_width_(acc_width), lane_(lane) {
  require_range("width", width, limits::kWidthMin, limits::kWidthMax);
  require_range("lanes", lanes, limits::kLanesMin, limits::kLanesMax);
  require_range("code bits", code_bits, limits::kCodeBitsMin, limits::kCodeBitsMax);
  require_range("accumulator width", acc_width, limits::kAccWidthMin, limits::kAccWidthMax);
  held_.assign(static_cast<std::size_t>(lanes), 0);
}

void ArrayModel::reset() { held_.assign(static_cast<std::size_t>(lanes_), 0); }

void ArrayModel::load(const WeightLoad& ld) {
  // The ranges of the array's configuration ports: q = 0 is exact, p = W drops every digit.
  require_range("quality level q", ld.quality.q, 0, max_digits(width_));
  require_range("drop position p", ld.quality.p, 0, width_);
  require_range("scale", ld.scale, 0, max_scale(width_));
  const auto n = static_cast<std::size_t>(lanes_);
  if (ld.bypass) {
    if (ld.plain.size() != n) throw Error("bypass load needs one plain weight per lane");
    for (auto w : ld.plain) require_range("plain weight", w, min_value(width_), max_value(width_));
  } else {
    if (ld.codes.size() != n) throw Error("weight load needs one code per lane");
    for (auto c : ld.codes) require_range("weight code", c, 0, (1 << code_bits_) - 1);
  }
  const Quality q{ld.quality.q == 0 ? max_digits(width_) : ld.quality.q, ld.quality.p};
  const auto decoded = decode_load(ld, code_bits_);
  for (std::size_t i = 0; i < n; ++i) held_[i] = lane_weight(decoded[i], q, lane_);
}

std::int64_t ArrayModel::dot(const DotBeat& beat) const { return dot_result(held_, beat, acc_width_); }

WeightLoad chunk_load(const Layer& layer, int filter, int chunk, int lanes, Quality q) {
  WeightLoad ld;
  ld.quality = q;
  ld.codebook = layer.codebook;
  ld.bypass = layer.format == WeightFormat::plain;
  if (ld.bypass) {
    ld.plain.resize(static_cast<std::size_t>(lanes));
    chunk_weights(layer, layer.plain, filter, chunk, ld.plain);
  } else {
    ld.codes.resize(static_cast<std::size_t>(lanes));
    chunk_codes(layer, filter, chunk, ld.codes);
    ld.scale = layer.scales[static_cast<std::size_t>(filter)];
  }
  return ld;
}

DotBeat chunk_beat(const Layer& layer, std::span<const std::int32_t> input, int filter, int position, int chunk,
                   int lanes, std::int64_t psum) {
  DotBeat b;
  b.a.resize(static_cast<std::size_t>(lanes));
  chunk_activations(layer, input, filter, position, chunk, b.a);
  b.psum = psum;
  return b;
}

DotBeat chunk_beat(const Layer& layer, std::span<const std::int32_t> input, int position, int chunk, int lanes,
                   std::int64_t psum) {
  DotBeat b;
  b.a.resize(static_cast<std::size_t>(lanes));
  chunk_activations(layer, input, position, chunk, b.a);
  b.psum = psum;
  return b;
}

}  // namespace qsq
