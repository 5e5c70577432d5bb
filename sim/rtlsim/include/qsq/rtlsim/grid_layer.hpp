// Description: runs one integer layer through the Verilated grid in the golden grid schedule
// (qsq::for_each_grid_step, qsq/grid.hpp): per group of M filters and tile of `slots` positions,
// per chunk, one load per filter row, then one beat per position of the tile (first beats start
// the slots, last beats return the M filters' values). The bias is added outside the grid, as in
// qsq::grid_layer_accumulators, so the result equals qsq::scheduled_accumulators bit for bit.
// Unlike the one-row array (run_layer) nothing drains between chunks: the partial sums stay in the rows.
// Usage:
//   auto sim = qsq::rtlsim::GridSim::create("grid");
//   auto r = qsq::rtlsim::run_grid_layer(*sim, layer, input, {2, 0});
//   r.acc == qsq::scheduled_accumulators(layer, input, 8, 32, {2, 0});   r.macs_per_cycle()
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "qsq/layer.hpp"
#include "qsq/rtlsim/grid_sim.hpp"

namespace qsq::rtlsim {

struct GridLayerRun {
  std::vector<std::int64_t> acc;  // [filter][position], bias included, wrapped to AccW
  std::uint64_t cycles = 0;       // clock cycles the grid spent on the layer (with the final drain)
  std::uint64_t loads = 0, beats = 0;
  std::uint64_t macs = 0;         // the layer's multiply-accumulates
  std::uint64_t stalls = 0;       // cycles an offered load or beat waited (digit-serial steps, back-pressure)
  double macs_per_cycle() const { return cycles ? static_cast<double>(macs) / static_cast<double>(cycles) : 0.0; }
};

// The layer must use the grid's code width (coded) or be plain W-bit (bypass); throws qsq::Error otherwise.
GridLayerRun run_grid_layer(GridSim& sim, const Layer& layer, std::span<const std::int32_t> input, Quality q);

}  // namespace qsq::rtlsim
