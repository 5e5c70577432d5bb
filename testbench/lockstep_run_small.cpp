// Description: the lock-step runs of the "small" preset (its own translation unit so that the two
// presets' template code compiles in parallel).
// Usage: qsq_tb::run_lockstep_small(options)   (called by qsq_lockstep.cpp)
#include <stdexcept>

#include "lockstep_run.hpp"
#include "qsq_hls_config.hpp"

#if QSQ_LOCKSTEP_HAVE_RTL
#include "Vqsq_array_small.h"
#endif

namespace qsq_tb {

LockstepResult run_lockstep_small(const LockstepOptions& o) {
  if (o.no_rtl) return run_bench<qsq_hls::SmallConfig, void>(o);
#if QSQ_LOCKSTEP_HAVE_RTL
  return run_bench<qsq_hls::SmallConfig, Vqsq_array_small>(o);
#else
  throw std::runtime_error("built without the Verilated RTL (rtl/qsq_array.sv was missing at configure time); use --no-rtl");
#endif
}

}  // namespace qsq_tb
