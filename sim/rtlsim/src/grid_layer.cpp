#include "qsq/rtlsim/grid_layer.hpp"

#include "qsq/error.hpp"
#include "qsq/grid.hpp"
#include "qsq/schedule.hpp"

namespace qsq::rtlsim {

GridLayerRun run_grid_layer(GridSim& sim, const Layer& layer, std::span<const std::int32_t> input, Quality q) {
  const Geometry& g = sim.geometry();
  if (layer.format == WeightFormat::coded && layer.code_bits != g.code_bits)
    throw Error("layer " + layer.name + " has " + std::to_string(layer.code_bits) + "-bit codes; the grid decodes " +
                std::to_string(g.code_bits) + "-bit codes");
  GridLayerRun run;
  const int positions = num_positions(layer);
  run.acc.assign(static_cast<std::size_t>(layer.out_channels) * positions, 0);
  // Where each last beat's results go: its group and position.
  std::vector<std::pair<int, int>> dest;
  const std::uint64_t c0 = sim.cycles(), s0 = sim.stalled_cycles();
  for_each_grid_step(layer, g, [&](const GridStep& s) {
    if (s.kind == GridStep::Kind::load) {
      sim.push_load(grid_step_load(layer, g, s, q));
      ++run.loads;
      return;
    }
    sim.push_beat(grid_step_beat(layer, input, g, s));
    ++run.beats;
    if (s.last) dest.emplace_back(s.group, s.position);
  });
  const auto results = sim.run();
  if (results.size() != dest.size()) throw Error("rtlsim: the grid returned a wrong number of results");
  for (std::size_t k = 0; k < results.size(); ++k) {
    const auto [group, pos] = dest[k];
    for (int r = 0; r < g.rows; ++r) {
      const int f = group * g.rows + r;
      if (f >= layer.out_channels || !(results[k].rows_on >> r & 1u)) continue;
      run.acc[static_cast<std::size_t>(f) * positions + pos] =
          wrap_acc(layer.bias[static_cast<std::size_t>(f)] + results[k].values[static_cast<std::size_t>(r)], g.acc_width);
    }
  }
  run.cycles = sim.cycles() - c0;
  run.stalls = sim.stalled_cycles() - s0;
  run.macs = static_cast<std::uint64_t>(layer.macs());
  return run;
}

}  // namespace qsq::rtlsim
