// run_layer: a layer's transactions (qsq::chunk_load / chunk_beat) in the schedule of
// qsq::for_each_step, through the Verilated array.
#include "qsq/rtlsim/layer_run.hpp"

#include "qsq/error.hpp"
#include "qsq/schedule.hpp"
#include "qsq/transaction.hpp"

namespace qsq::rtlsim {

LayerRun run_layer(ArraySim& sim, const Layer& layer, std::span<const std::int32_t> input, Quality q) {
  const Geometry& g = sim.geometry();
  layer.validate(g.width);
  const bool plain = layer.format == WeightFormat::plain;
  if (!plain && layer.code_bits != g.code_bits)
    throw Error("layer " + layer.name + " uses " + std::to_string(layer.code_bits) +
                "-bit codes, the RTL model was built for " + std::to_string(g.code_bits));
  const int n = g.lanes;
  const int positions = num_positions(layer);
  LayerRun r;
  r.acc.assign(static_cast<std::size_t>(layer.out_channels) * positions, 0);
  const std::uint64_t start = sim.cycles();
  // Chunk j's psums are the array's results of chunk j-1: each chunk's results are collected
  // (the array drained) before the next load is pushed.
  int filter = -1;
  auto collect = [&] {
    if (filter < 0) return;
    const auto res = sim.run();
    if (static_cast<int>(res.size()) != positions) throw Error("rtlsim: wrong number of results from the array");
    for (int pos = 0; pos < positions; ++pos) r.acc[static_cast<std::size_t>(filter) * positions + pos] = res[pos];
  };
  for_each_step(layer, n, [&](const Step& s) {
    if (s.kind == Step::Kind::load) {
      collect();
      filter = s.filter;
      sim.push_load(chunk_load(layer, s.filter, s.chunk, n, q));
      ++r.loads;
      return;
    }
    const auto slot = static_cast<std::size_t>(s.filter) * positions + s.position;
    const std::int64_t psum = s.chunk == 0 ? wrap_acc(layer.bias[s.filter], g.acc_width) : r.acc[slot];
    sim.push_dot(chunk_beat(layer, input, s.position, s.chunk, n, psum));
    ++r.dots;
  });
  collect();
  r.cycles = sim.cycles() - start;
  return r;
}

}  // namespace qsq::rtlsim
