// Description: the lock-step runs of the grid presets grid-small and grid (the SystemC grid model
// against the Verilated qsq_grid, scored by qsq::GridModel), in their own translation unit.
// Usage: qsq_tb::run_lockstep_grid_small(options), qsq_tb::run_lockstep_grid(options)
#include <chrono>
#include <stdexcept>

#include "grid_lockstep_bench.hpp"
#include "lockstep_options.hpp"
#include "qsq_hls_config.hpp"

#include "Vqsq_grid_grid.h"
#include "Vqsq_grid_grid_small.h"

namespace qsq_tb {

namespace {

template <class G, class Rtl>
LockstepResult run_grid_bench(const LockstepOptions& o) {
  if (!o.trace.empty()) throw std::runtime_error("--trace is implemented for the one-row array presets only");
  GridLockstepBench<G, Rtl> tb("tb", o.seed, o.reset_every);
  using Fault = typename qsq_sc::QsqGridModel<G>::Fault;
  tb.model().fault = o.fault == "data" ? Fault::data : o.fault == "stall" ? Fault::stall : Fault::none;
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start(static_cast<double>(o.cycles) * tb.period());
  LockstepResult r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.stats = tb.stats();
  r.clock_ns = tb.period().to_seconds() * 1e9;
  r.with_rtl = !std::is_void_v<Rtl>;
  return r;
}

}  // namespace

LockstepResult run_lockstep_grid_small(const LockstepOptions& o) {
  if (o.no_rtl) return run_grid_bench<qsq_hls::GridSmallConfig, void>(o);
  return run_grid_bench<qsq_hls::GridSmallConfig, Vqsq_grid_grid_small>(o);
}

LockstepResult run_lockstep_grid(const LockstepOptions& o) {
  if (o.no_rtl) return run_grid_bench<qsq_hls::GridConfig, void>(o);
  return run_grid_bench<qsq_hls::GridConfig, Vqsq_grid_grid>(o);
}

}  // namespace qsq_tb
