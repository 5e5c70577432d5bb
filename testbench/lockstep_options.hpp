// Description: what the lock-step program's parts exchange, free of SystemC: the options of one
// run, the counters the bench keeps, and the per-preset entry points (each compiled in its own
// translation unit, lockstep_run_<preset>.cpp, so the heavy template code builds in parallel).
// Usage:
//   qsq_tb::LockstepOptions o; o.cycles = 100000;
//   qsq_tb::LockstepResult r = qsq_tb::run_lockstep_default(o);
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace qsq_tb {

struct LockstepOptions {
  long long cycles = 100000;
  std::uint64_t seed = 1;
  std::string preset = "default";
  int reset_every = 3000;    // mean cycles between resets, 0: never
  bool no_rtl = false;       // drive the SystemC model alone
  std::string trace;         // VCD file, empty: none
  std::string fault = "none";  // none | data | stall (deliberate model bugs)
};

struct LockstepStats {
  long long cycles = 0, loads = 0, beats = 0, results = 0, resets = 0;
  long long lockstep_mismatches = 0;     // SystemC model vs RTL, per cycle
  long long score_mismatches = 0;        // result vs golden model (of the driven device)
  long long model_score_mismatches = 0;  // SystemC model's own results vs golden (with an RTL)
  long long stalled_cycles = 0;          // cycles with res_valid_o high and res_ready_i low
  std::vector<std::string> messages;     // the first few mismatches, for the log
};

struct LockstepResult {
  LockstepStats stats;
  double seconds = 0;       // wall time of the simulation
  double clock_ns = 0;      // simulated clock period
  bool with_rtl = false;
};

// Both throw std::runtime_error when the RTL is requested but was not built in.
LockstepResult run_lockstep_default(const LockstepOptions& o);
LockstepResult run_lockstep_small(const LockstepOptions& o);
// The 2-D grid presets (lockstep_run_grid.cpp): QsqGridModel against the Verilated qsq_grid.
LockstepResult run_lockstep_grid_small(const LockstepOptions& o);
LockstepResult run_lockstep_grid(const LockstepOptions& o);

}  // namespace qsq_tb
