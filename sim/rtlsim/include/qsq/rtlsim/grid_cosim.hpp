// Description: co-simulation of the Verilated 2-D grid (qsq_grid) against the golden grid model,
// `qsq cosim --preset grid|grid-small|grid-large`. Three parts, each scored result by result:
//   grid_lane_pairs    every (a, w) pair at every level through every lane of every row (plain
//                      weights, decoder bypassed): row r holds its weight in one lane only, every
//                      lane carries the same activation, so each row's result is one product,
//                      checked against qsq::qs_mul (a random sample unless exhaustive)
//   grid_random        random whole-grid traffic: loads of random rows with random codes, scales,
//                      codebooks, levels, p, bypass and row masks (rows off), beats with random
//                      activations (30 % zeros), slots, first and last flags, against qsq::GridModel
//   grid_backpressure  the same under heavy back-pressure (res_ready low 70 % of cycles, gaps 30 %)
// Usage: CosimReport r = run_grid_cosim(options);   (run_cosim dispatches grid presets here)
#pragma once
#include "qsq/rtlsim/cosim.hpp"

namespace qsq::rtlsim {

// True for a preset of the contract that is a qsq_grid (rows > 0).
bool is_grid_preset(const std::string& preset);

CosimReport run_grid_cosim(const CosimOptions& options);

}  // namespace qsq::rtlsim
