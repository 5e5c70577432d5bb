// Description: Python bindings of the N-lane schedule (model/schedule.hpp): the order of LOAD and
// DOT steps of a layer on an N-lane weight-stationary array, the chunks of weights each LOAD
// holds, and the layer's accumulators computed chunk by chunk with wrapping (bit-identical to the
// integer layer).
// Usage: internal to python/src; see docs/python.md.
#include "bindings.hpp"
#include "qsq/schedule.hpp"

namespace qsq::py {
namespace {

void check_lanes(int lanes) { require_range("lanes", lanes, limits::kLanesMin, limits::kLanesMax); }

Layer checked_layer(const pyb::dict& d, int width) {
  Layer l = layer_from_dict(d);
  l.validate(width);
  return l;
}

// Every step as parallel arrays: kind (0 = LOAD, 1 = DOT), filter, chunk, position (-1 for LOAD).
pyb::dict steps(const pyb::dict& layer, int lanes, int width) {
  check_lanes(lanes);
  const Layer l = checked_layer(layer, width);
  std::vector<std::uint8_t> kind;
  std::vector<std::int32_t> filter, chunk, position;
  for_each_step(l, lanes, [&](const Step& s) {
    kind.push_back(s.kind == Step::Kind::load ? 0 : 1);
    filter.push_back(s.filter);
    chunk.push_back(s.chunk);
    position.push_back(s.position);
  });
  const auto n = static_cast<pyb::ssize_t>(kind.size());
  pyb::dict d;
  d["kind"] = to_array(kind, {n});
  d["filter"] = to_array(filter, {n});
  d["chunk"] = to_array(chunk, {n});
  d["position"] = to_array(position, {n});
  d["chunks"] = num_chunks(l, lanes);
  d["positions"] = num_positions(l);
  return d;
}

// Decoded weights of every (filter, chunk): shape (F, chunks, lanes), zero past the fan-in.
Array<std::int32_t> chunks(const pyb::dict& layer, int lanes, int width) {
  check_lanes(lanes);
  const Layer l = checked_layer(layer, width);
  const auto dec = l.decoded_weights();
  const int nc = num_chunks(l, lanes);
  std::vector<std::int32_t> out(static_cast<std::size_t>(l.out_channels) * static_cast<std::size_t>(nc) * static_cast<std::size_t>(lanes));
  for (int f = 0; f < l.out_channels; ++f)
    for (int j = 0; j < nc; ++j)
      chunk_weights(l, dec, f, j, std::span(out).subspan((static_cast<std::size_t>(f) * nc + static_cast<std::size_t>(j)) * static_cast<std::size_t>(lanes),
                                                        static_cast<std::size_t>(lanes)));
  return to_array(out, {l.out_channels, nc, lanes});
}

Array<std::int64_t> accumulators(const pyb::dict& layer, const Array<std::int32_t>& input, int lanes, int width, int acc_width,
                                 int q, int p) {
  check_lanes(lanes);
  require_range("accumulator width", acc_width, limits::kAccWidthMin, limits::kAccWidthMax);
  const Layer l = checked_layer(layer, width);
  if (input.size() != l.in.size())
    throw Error("scheduled_accumulators: input has " + std::to_string(input.size()) + " values, layer '" + l.name +
                "' takes " + std::to_string(l.in.size()));
  for (pyb::ssize_t i = 0; i < input.size(); ++i)
    if (input.data()[i] < min_value(width) || input.data()[i] > max_value(width))
      throw Error("scheduled_accumulators: activation " + std::to_string(input.data()[i]) + " is outside the " +
                  std::to_string(width) + "-bit range");
  const auto acc = scheduled_accumulators(l, to_vector(input), lanes, acc_width, resolve_quality({q, p}, width));
  return to_array(acc, {l.out_channels, num_positions(l)});
}

}  // namespace

void bind_schedule(pyb::module_& m) {
  using namespace pybind11::literals;
  m.def("schedule", &steps, "layer"_a, "lanes"_a = 8, "width"_a = 8,
        "The layer's steps on an N-lane array: dict of arrays kind (0 LOAD, 1 DOT), filter, chunk, position.");
  m.def("chunk_weights", &chunks, "layer"_a, "lanes"_a = 8, "width"_a = 8,
        "Decoded weights each LOAD holds: (filters, chunks, lanes), zero past the fan-in.");
  m.def("scheduled_accumulators", &accumulators, "layer"_a, "input"_a, "lanes"_a = 8, "width"_a = 8, "acc_width"_a = 32,
        "q"_a = 0, "p"_a = 0, "Accumulators [filter][position] computed through the schedule, wrapped to acc_width bits.");
}

}  // namespace qsq::py
