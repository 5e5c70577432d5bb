// Description: gate-level simulation of a synthesized netlist: Verilator builds the netlist with
// cell models generated from the same liberty and the stimulus player (driver/energy_driver.cpp),
// with toggle coverage on the netlist's nets only. Builds are cached by the hash of netlist,
// cell models, driver and tool version, so a sweep that changes only the workload reuses them.
// Usage:
//   auto sim = qsq::energy::build_gate_sim(asic, qsq::energy::DriverKind::array, lib, work);
//   auto blocks = qsq::energy::run_gate_sim(sim, work / "stim.txt", work / "run");
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "qsq/energy/synth.hpp"

namespace qsq::energy {

enum class DriverKind { array, mult, grid };

struct GateSim {
  fs::path exe;
  std::string top;
  std::string hash;
  bool cached = false;        // reused an earlier build
  double build_seconds = 0;   // 0 when cached
};
// Functional Verilog models of every cell of the liberty, written by Yosys (`scripts/cells.ys.in`),
// cached under work/cache/cells-<key>/osu_cells.v; the Verilated simulators and the Icarus check
// both start from them.
fs::path liberty_cell_models(const std::string& liberty, const fs::path& work);

GateSim build_gate_sim(const AsicResult& a, DriverKind kind, const std::string& liberty, const fs::path& work);

struct BlockResult {
  std::string name;
  std::uint64_t cycles = 0, beats = 0, loads = 0, results = 0, mismatches = 0;
  std::string first_mismatch;
  fs::path coverage;  // coverage_<i>.dat
  fs::path outputs;   // mult driver: outputs_<i>.txt (one product per cycle)
};
// One "block <index> <name> cycles ... mismatches ... [first ...]" line of the players' blocks.txt;
// false for any other line.
bool parse_block_line(const std::string& line, BlockResult& b, int& index);
// Runs the stimulus; throws Error if the simulator fails. Mismatches are reported, not thrown.
std::vector<BlockResult> run_gate_sim(const GateSim& sim, const fs::path& stimulus, const fs::path& out_dir);

}  // namespace qsq::energy
