// Description: the scripted implementation flow: Yosys to the OSU 0.18 um cells (area, kGE,
// cell counts), OpenSTA timing under constraints/qsq.sdc (worst slack, critical path, fmax),
// Yosys synth_ice40 + nextpnr-ice40 (LUTs, flip-flops, fmax) and synth_xilinx resource counts.
// Every step is cached in the work directory by the hash of its inputs.
// Usage:
//   qsq::energy::Design d = qsq::energy::rtl_array_design({{"GateEn", "1"}});
//   qsq::energy::AsicResult a = qsq::energy::synth_asic(d, work, lib);
//   qsq::energy::TimingResult t = qsq::energy::sta_timing(a, lib, 10.0, work);
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qsq/energy/stimulus.hpp"

namespace qsq::energy {

namespace fs = std::filesystem;

struct Design {
  std::string label;                          // e.g. "qsq_array GateEn=1"
  std::string top;
  std::vector<fs::path> sources;              // read in order
  std::map<std::string, std::string> params;  // top-level parameter overrides
  std::string clock_port = "clk_i";
  // > 0: ABC buffers high-fanout nets and sizes gates for this clock period (`abc -D -constr`:
  // buffer, upsize, dnsize), as a timing-driven flow would; 0: plain mapping, no buffers (nets
  // with a large fanout then have slews of several ns, which inflates their loads' internal energy).
  double buffer_clock_ns = 0;
};

// The files of an RTL file list rtl/<name>.f (generated with the hardware contract by
// cmake/gen_params.cmake), in its order: "qsq" is the whole RTL, "qsq_lane" the lane alone.
// Throws Error if the list or a listed file is missing.
std::vector<fs::path> rtl_file_list(const std::string& name);
// qsq_array from rtl/qsq.f (the whole RTL, package first) with parameter overrides.
Design rtl_array_design(const std::map<std::string, std::string>& params);
// The RTL files of qsq_lane (the multiplier alone): rtl/qsq_lane.f.
std::vector<fs::path> rtl_lane_sources();

struct AsicResult {
  std::string label, top, hash;
  fs::path netlist;
  double area_um2 = 0;
  double kge = 0;             // area / area(NAND2X1)
  int cells = 0, flops = 0, latches = 0, clock_gates = 0;
  std::map<std::string, int> histogram;
  nlohmann::json to_json() const;
};
AsicResult synth_asic(const Design& d, const fs::path& work, const std::string& liberty);

struct TimingResult {
  double clock_ns = 0, worst_slack_ns = 0, fmax_mhz = 0, arrival_ns = 0;
  double gating_slack_ns = 0;  // clock-gating setup checks (0 without clock gates)
  std::string startpoint, endpoint;
  nlohmann::json to_json() const;
};
TimingResult sta_timing(const AsicResult& a, const std::string& liberty, double clock_ns, const fs::path& work);

struct FpgaResult {
  std::string family;  // "ice40" or "xilinx"
  std::map<std::string, int> cells;
  int luts = 0, flops = 0, carries = 0, dsps = 0, brams = 0;
  double fmax_mhz = 0;  // ice40 only (nextpnr); 0 when not placed
  std::string device;
  nlohmann::json to_json() const;
};
FpgaResult synth_ice40(const Design& d, const fs::path& work, bool place_and_route);
FpgaResult synth_xilinx(const Design& d, const fs::path& work);

// Hash of everything a synthesis depends on (sources, parameters, scripts, tool versions).
// qsq_array of shape `s` with clock gating on or off and the given lanes (the RTL parameters
// GateEn, ExactLane, BoundLane): the designs run_energy measures and qsq synth reports.
Design array_variant(const ArrayShape& s, bool gate, LaneKind lane);
// qsq_grid of a grid shape (s.grid()): the same lane kinds, the signed bound (SignedBound = 1), and
// the digit-serial rows (Serial = 1). array_variant refuses the signed bound.
// synth_asic synthesizes it hierarchically (scripts/asic_grid.ys.in: the row once, M instances).
Design grid_variant(const ArrayShape& s, bool gate, LaneKind lane, bool serial = false);
// The digit-serial grid's lane cells carry this prefix in the flat netlist (the lane is kept as a
// module through abc and its cells named, asic_grid.ys.in): classify_nets charges the nets they
// drive to the lanes.
inline constexpr const char* kLaneCellPrefix = "qsq_lane_cell_";

std::string design_hash(const Design& d, const std::string& extra);

}  // namespace qsq::energy
