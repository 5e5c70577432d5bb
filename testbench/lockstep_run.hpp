// Description: one lock-step simulation of a given configuration and RTL model (or none): builds
// the bench, applies the options (stimulus, injected fault, VCD trace), runs the clock and
// returns the counters with the wall time. Included by lockstep_run_<preset>.cpp only.
// Usage:
//   return qsq_tb::run_bench<qsq_hls::SmallConfig, Vqsq_array_small>(options);
#pragma once
#include <chrono>
#include <string>

#include <systemc>

#include "lockstep_bench.hpp"
#include "lockstep_options.hpp"

namespace qsq_tb {

template <class C, class Rtl>
LockstepResult run_bench(const LockstepOptions& o) {
  LockstepBench<C, Rtl> tb("tb", o.seed);
  tb.stimulus().reset_every = o.reset_every;
  using Fault = typename QsqArrayModel<C>::Fault;
  tb.model().fault = o.fault == "data" ? Fault::data : o.fault == "stall" ? Fault::stall : Fault::none;
  sc_core::sc_trace_file* tf = nullptr;
  if (!o.trace.empty()) {
    std::string base = o.trace;  // SystemC appends ".vcd" itself
    if (base.size() > 4 && base.ends_with(".vcd")) base.resize(base.size() - 4);
    tf = sc_core::sc_create_vcd_trace_file(base.c_str());
    tf->set_time_unit(1, sc_core::SC_NS);
    tb.trace(tf);
  }
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start(static_cast<double>(o.cycles) * tb.period());
  LockstepResult r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (tf) sc_core::sc_close_vcd_trace_file(tf);
  r.stats = tb.stats();
  r.clock_ns = tb.period().to_seconds() * 1e9;
  r.with_rtl = !std::is_void_v<Rtl>;
  return r;
}

}  // namespace qsq_tb
