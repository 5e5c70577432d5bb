// Description: the lock-step runs of the "default" preset (its own translation unit so that the two
// presets' template code compiles in parallel).
// Usage: qsq_tb::run_lockstep_default(options)   (called by qsq_lockstep.cpp)
#include "lockstep_run.hpp"
#include "qsq_hls_config.hpp"

#include "Vqsq_array_default.h"

namespace qsq_tb {

LockstepResult run_lockstep_default(const LockstepOptions& o) {
  if (o.no_rtl) return run_bench<qsq_hls::DefaultConfig, void>(o);
  return run_bench<qsq_hls::DefaultConfig, Vqsq_array_default>(o);
}

}  // namespace qsq_tb
