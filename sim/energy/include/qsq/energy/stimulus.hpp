// Description: the operand streams the energy flow measures, as golden-model transactions of the
// qsq_array interface (weight loads and dot beats, qsq/transaction.hpp), and their qsq-stim
// rendering with the result of every beat for every quality level, predicted by the golden
// transaction model (qsq::ArrayModel). Workloads:
//   random      seeded uniform codes, scales, activations and psums; a new weight load before
//               every activation beat (both operands change every beat);
//   stationary  seeded random weights held for 64 beats; activations ReLU-like: each lane 0 with
//               probability 1/2, else uniform in 1..2^(W-1)-1; psum 0;
//   real        an operand-trace file (qsq-trace format, docs/energy.md, read by
//               qsq::flow::read_operand_trace), replayed in order.
// Usage:
//   qsq::energy::ArrayShape s;  // W = 8, N = 8, 3-bit codes, 32-bit accumulator
//   auto st = qsq::energy::make_array_stream("stationary", s, 1, 10000, "");
//   std::string text = qsq::energy::array_stimulus(s, st, levels, qsq::energy::LaneKind::csd);
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "qsq/flow/operand_trace.hpp"
#include "qsq/grid.hpp"
#include "qsq/params.hpp"
#include "qsq/transaction.hpp"

namespace qsq::energy {

// The measured array's shape: the contract's (qsq/contract.hpp); defaults to the "default" preset.
using ArrayShape = Shape;

struct ArrayStream {
  std::string workload;
  std::uint64_t seed = 0;
  std::string source;  // trace path for "real"
  // Weight loads (each with its codebook; the level is set per stimulus block) and dot beats.
  std::vector<Transaction> transactions;
  std::uint64_t act_beats() const;
  std::uint64_t loads() const;
};

// Transactions for about `cycles` clock cycles (one per transaction; stalls come on top).
ArrayStream make_array_stream(const std::string& workload, const ArrayShape& s, std::uint64_t seed,
                              std::uint64_t cycles, const std::string& trace_path);

// The operand trace at `path` as a stream; throws Error naming file and line on bad input or a
// shape that is not the array's.
ArrayStream read_trace(const std::string& path, const ArrayShape& s);

// What each lane of the measured qsq_array computes (its RTL parameters ExactLane, BoundLane):
// csd (a * qs_weight(w, q)), exact (a * w), bound (a for a non-zero weight, no multiplier) or, on
// the grid, signed_bound (a with the weight's sign).
using LaneKind = qsq::LaneKind;

// qsq-stim text: one block per level (named "q<q>p<p>"), each starting with its configuration;
// for the exact and bound lanes, whose result does not depend on q, one block named "exact",
// "bound" or "signed_bound".
std::string array_stimulus(const ArrayShape& s, const ArrayStream& st, const std::vector<Quality>& levels,
                           LaneKind lane);

// The 2-D grid's streams (qsq_grid, qsq/grid.hpp): loads of one row and beats broadcast to every
// row, each beat with the layer's own MACs in it (rows without a filter and padded lanes are not
// MACs). Workloads:
//   random      before every beat a load of one random row (random codes and scale; every row on);
//               each beat is a whole dot product (first and last) in a random slot, activations
//               uniform over the full range;
//   stationary  every row loaded with random weights, then 64 beats that cycle through the slots
//               (the first pass starts them, the last one ends them), ReLU-like activations as the
//               one-row array's stationary workload;
//   real        a grid trace (qsq-trace 1 with a `grid M S` line, written by `qsq export
//               --grid-trace` and by `qsq flow` as out/operands-grid.trace), replayed once, whole:
//               `cycles` does not apply.
struct GridStream {
  std::string workload;
  std::uint64_t seed = 0;
  std::string source;
  std::vector<flow::GridTraceItem> items;
  std::uint64_t beats() const;
  std::uint64_t loads() const;
  std::uint64_t macs() const;  // of all beats
};
GridStream make_grid_stream(const std::string& workload, const ArrayShape& grid, std::uint64_t seed, std::uint64_t cycles,
                            const std::string& trace_path);

// qsq-stim text of a grid ("qsq-stim 1 grid"; blocks as array_stimulus): every result predicted by
// qsq::GridModel with the lane kind (the digit-serial rows compute the csd values).
std::string grid_stimulus(const ArrayShape& grid, const GridStream& st, const std::vector<Quality>& levels, LaneKind lane);

// Multiplier wrapper streams: pairs (a, b) per cycle, W-bit two's complement or unsigned.
struct MultCycle {
  bool en_a = true, en_b = true;
  std::int64_t a = 0, b = 0;
};
std::vector<MultCycle> make_mult_stream(const std::string& workload, int width, bool is_signed, std::uint64_t seed,
                                        std::uint64_t cycles);
std::vector<MultCycle> exhaustive_mult_stream(int width, bool is_signed);
std::string mult_stimulus(int width, const std::vector<std::pair<std::string, const std::vector<MultCycle>*>>& blocks);

}  // namespace qsq::energy
