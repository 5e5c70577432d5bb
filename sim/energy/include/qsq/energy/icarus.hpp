// Description: the independent check of the timed gate-level simulation: Icarus Verilog 11 runs
// the same netlist with the same SDF (OpenSTA's, its (min::max) triples collapsed to the max
// value, because Icarus reads the empty typical field as "no delay", and written in integer ps
// with TIMESCALE 1ps, because Icarus 11 ignores the SDF's TIMESCALE and rounds each value to the
// annotated module's time unit: 0.132 "ns" became 0 ps) on the same primary-input waveform,
// with cell models generated from the liberty (function from the liberty via Yosys, specify
// blocks with one path per liberty timing arc so that `$sdf_annotate` has a path to annotate).
// The run is dumped as VCD and measured with vcd.hpp. Every cell arc of the SDF must have been
// annotated and every delay arc of every instance must have an SDF delay; otherwise this
// throws, naming the instance, the cell and the arc. Delays act inertially (Icarus 11: a
// pulse shorter than the path delay disappears; docs/energy.md, "The Icarus check").
// Usage:
//   qsq::energy::IcarusRun r;  r.netlist = "qsq_array.v";  r.top = "qsq_array";  r.sdf = "a.sdf";
//   r.liberty = lib;  r.inputs_vcd = "inputs.vcd";  r.begin_ps = 50000;  r.end_ps = 2050000;
//   qsq::energy::Activity a = qsq::energy::run_icarus_timed(r, "out/work/icarus");
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

#include "qsq/energy/activity.hpp"

namespace qsq::energy {

struct IcarusRun {
  std::filesystem::path netlist;     // Yosys gate-level netlist of OSU cells
  std::string top;
  std::filesystem::path sdf;         // OpenSTA write_sdf output for that netlist
  std::string liberty;               // the liberty the netlist and SDF were made with
  std::filesystem::path inputs_vcd;  // primary-input waveform to replay (timescale 1 ps), every input port
  std::uint64_t begin_ps = 0, end_ps = 0;  // measured window
};

// Activity of every net of the top module (bit-level netlist names) in [begin_ps, end_ps).
Activity run_icarus_timed(const IcarusRun& run, const std::filesystem::path& work);

}  // namespace qsq::energy
