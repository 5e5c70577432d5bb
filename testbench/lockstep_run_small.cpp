// Description: the lock-step runs of the "small" preset (its own translation unit so that the two
// presets' template code compiles in parallel).
// Usage: qsq_tb::run_lockstep_small(options)   (called by qsq_lockstep.cpp)
#include "lockstep_run.hpp"
#include "qsq_hls_config.hpp"

#include "Vqsq_array_small.h"

namespace qsq_tb {

LockstepResult run_lockstep_small(const LockstepOptions& o) {
  if (o.no_rtl) return run_bench<qsq_hls::SmallConfig, void>(o);
  return run_bench<qsq_hls::SmallConfig, Vqsq_array_small>(o);
}

}  // namespace qsq_tb
