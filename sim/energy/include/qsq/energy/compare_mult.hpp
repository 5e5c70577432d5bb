// Description: `qsq compare-mult`: any combinational W x W multiplier in Verilog (two W-bit
// inputs, one 2W-bit output) goes through the same registered wrapper, synthesis, gate-level
// simulation and energy evaluation as qsq's own lane; its error metrics are measured
// exhaustively on the gate-level netlist (W <= 10; sampled above) with the definitions of
// `qsq metrics`. A plain multiplier of the same width and signedness in the same wrapper gives
// exact_pj_per_op.
// Usage:
//   qsq::energy::CompareMultOptions o;  o.file = "mul8.v";  o.top = "mul8";  o.is_signed = true;
//   qsq::energy::CompareMultResult r = qsq::energy::compare_mult(o);
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "qsq/metrics.hpp"
#include "qsq/params.hpp"
#include "qsq/energy/energy_flow.hpp"

namespace qsq::energy {

namespace fs = std::filesystem;

struct CompareMultOptions {
  fs::path file;             // the user's Verilog (ignored with lane)
  std::string top;
  bool is_signed = false;
  std::string a_port, b_port, p_port;  // empty: found by convention (two inputs in order, one output)
  bool lane = false;         // measure qsq's own lane (N = 1) at level lane_q instead of a file
  Quality lane_q{0, 0};      // q = 0: exact level
  int lane_width = 8;
  std::string workload = "random";
  std::uint64_t seed = 1;
  std::uint64_t cycles = 10000;
  double clock_ns = 10.0;
  std::string liberty;
  fs::path work = "out/work/energy";
  Delays delays = Delays::zero;  // sdf: the timed simulation, zero delay beside it
  PulseFilter pulse_filter = PulseFilter::inertial;
};

struct CompareMultResult {
  std::string label;
  int width = 0;
  bool is_signed = false;
  bool exhaustive = true;
  std::uint64_t pairs = 0;
  double mae = 0, wce = 0, mred = 0, ep = 0, mse = 0, bias = 0;
  double area_um2 = 0, exact_area_um2 = 0;
  double pj_per_op = 0, exact_pj_per_op = 0;
  double toggles_per_op = 0, exact_toggles_per_op = 0;
  nlohmann::json split;  // power split per op of the measured multiplier
  nlohmann::json zero_delay, glitch_share;  // with delays == sdf: the zero-delay figures beside the timed ones
  nlohmann::json to_json(const CompareMultOptions& o, const std::string& library) const;
};

CompareMultResult compare_mult(const CompareMultOptions& o);

}  // namespace qsq::energy
