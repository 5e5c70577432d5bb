// Description: the lock-step runs of the "default" preset (its own translation unit so that the two
// presets' template code compiles in parallel).
// Usage: qsq_tb::run_lockstep_default(options)   (called by qsq_lockstep.cpp)
#include <stdexcept>

#include "lockstep_run.hpp"
#include "qsq_hls_config.hpp"

#if QSQ_LOCKSTEP_HAVE_RTL
#include "Vqsq_array_default.h"
#endif

namespace qsq_tb {

LockstepResult run_lockstep_default(const LockstepOptions& o) {
  if (o.no_rtl) return run_bench<qsq_hls::DefaultConfig, void>(o);
#if QSQ_LOCKSTEP_HAVE_RTL
  return run_bench<qsq_hls::DefaultConfig, Vqsq_array_default>(o);
#else
  throw std::runtime_error("built without the Verilated RTL (rtl/qsq_array.sv was missing at configure time); use --no-rtl");
#endif
}

}  // namespace qsq_tb
