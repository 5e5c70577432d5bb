// Description: co-simulation of the Verilated RTL against the golden model. Three parts:
//   lane_exhaustive  every (a, w) pair of W = 8 through qsq_lane, at every level q (p = 0) and
//                    every p at the exact level (random pairs unless exhaustive)
//   array_bypass     every (a, w) pair through every lane of qsq_array with plain weights
//                    (decoder bypassed), at every level, random psums (a random subset unless
//                    exhaustive)
//   array_random     random N-term dot products: random codebooks, scales, codes, plain weights,
//                    levels, p, psums, activations (30 % zeros), a new load every 1..64 beats
// All array traffic runs under random back-pressure and valid gaps. Every result is scored.
// Usage:
//   qsq::rtlsim::CosimOptions o;  o.preset = "small";  o.vectors = 5000;
//   qsq::rtlsim::CosimReport r = qsq::rtlsim::run_cosim(o);
//   if (r.mismatches() != 0) ...   // r.first_mismatches holds readable descriptions
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "qsq/rtlsim/array_sim.hpp"

namespace qsq::rtlsim {

struct CosimOptions {
  std::string preset = "default";   // "default" | "small"
  bool gate_en = true;
  bool serial = false;              // grid presets: the digit-serial lanes (qsq_grid Serial = 1)
  bool exhaustive = false;
  std::uint64_t vectors = 20000;    // random dot products (at least 100 000 when exhaustive)
  std::uint64_t seed = 1;
  double res_stall = 0.25;          // probability of res_ready_i low in a cycle
  double valid_gap = 0.10;          // probability of an idle cycle before an operation
  std::string trace;                // FST file for the array parts ("" = none)
};

struct PartResult {
  std::string name;
  std::uint64_t vectors = 0;
  std::uint64_t mismatches = 0;
  std::uint64_t cycles = 0;         // array clock cycles (0 for the combinational lane)
  double seconds = 0;
};

struct LevelResult {
  int q = 0;
  std::uint64_t vectors = 0;
  std::uint64_t mismatches = 0;
};

struct CosimReport {
  CosimOptions options;
  Geometry geometry;
  std::vector<PartResult> parts;
  std::vector<LevelResult> levels;  // q = 1..Qmax(W), summed over the parts
  std::vector<std::string> first_mismatches;  // up to 10, human readable
  std::uint64_t vectors() const;
  std::uint64_t mismatches() const;
};

CosimReport run_cosim(const CosimOptions& options);

}  // namespace qsq::rtlsim
