// Description: runs one integer layer through the Verilated array in the golden model's
// schedule (qsq/schedule.hpp): for every (filter, chunk) one weight load followed by one dot
// product per output position, the psum of chunk j being the array's own result of chunk j-1
// (the bias for j = 0). The driver drains the array between chunks, because chunk j's psums
// come from chunk j-1's results; `cycles` therefore includes those drain cycles.
// Usage:
//   auto sim = qsq::rtlsim::ArraySim::create("default");
//   auto r = qsq::rtlsim::run_layer(*sim, layer, input, {2, 0});
//   r.acc == qsq::scheduled_accumulators(layer, input, 8, 32, {2, 0})   // what cosim checks
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "qsq/layer.hpp"
#include "qsq/rtlsim/array_sim.hpp"

namespace qsq::rtlsim {

struct LayerRun {
  std::vector<std::int64_t> acc;  // [filter][position], wrapped to AccW, as scheduled_accumulators
  std::uint64_t cycles = 0;       // clock cycles the array spent on the layer
  std::uint64_t loads = 0;        // weight-chunk loads
  std::uint64_t dots = 0;         // N-term dot products (= cycles in a perfect stream)
};

// The layer's weights must use the model's code width (coded) or be plain W-bit (bypass).
// Throws qsq::Error when the layer does not fit the model's geometry.
LayerRun run_layer(ArraySim& sim, const Layer& layer, std::span<const std::int32_t> input, Quality q);

}  // namespace qsq::rtlsim
