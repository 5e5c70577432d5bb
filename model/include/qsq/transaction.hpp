// Description: the golden transaction model of the N-lane weight-stationary array: the array's
// transactions (a weight load, a dot beat) and the result it must return for each beat, defined
// once from the golden model's functions (Codebook::decode, qs_weight, wrap_acc). Everything that
// checks or drives hardware predicts results through this file: the RTL co-simulation and
// run_layer (sim/rtlsim), the energy flow's stimulus (sim/energy), the lock-step scoreboard and
// the contract check (testbench/), and the operand traces (flow/, net/). They are thin bridges
// between their ports or files and these types, the way a C reference model is kept apart from
// the verification code that calls it.
//
//   LOAD  lane i holds decoded_i = decode(code_i, scale) (or plain_i with bypass) and multiplies by
//         held_i = qs_weight(decoded_i, q)  (the on-chip CSD recoder keeps q digits, drops below p)
//   DOT   result = wrap_AccW(psum + sum_i a_i * held_i)
//
// The lane kinds are the array's RTL parameters: ExactLane holds decoded_i whatever the level,
// BoundLane (an instrument of the energy flow, not a multiplier) holds (decoded_i != 0), and the
// grid's signed bound (BoundLane and SignedBound) holds the weight's sign, -1, 0 or +1.
// Usage:
//   qsq::ArrayModel m(8, 8, 3, 32);                      // W, N, code bits, AccW
//   m.load({.quality = {2, 0}, .codes = {...8 codes...}, .scale = 100});
//   std::int64_t r = m.dot({{1, 2, 3, 4, 5, 6, 7, 8}, /*psum=*/0});
//   for (qsq::Quality q : qsq::all_levels(8)) ...        // q = 1..Qmax(W)
#pragma once
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "qsq/layer.hpp"
#include "qsq/params.hpp"

namespace qsq {

// The quality levels of a width: q = 1..max_digits(width) with the given p.
std::vector<Quality> all_levels(int width, int p = 0);

// What each lane of the array computes (qsq_array's RTL parameters ExactLane and BoundLane).
enum class LaneKind : std::uint8_t {
  csd,    // the quality-scalable lane: a * qs_weight(w, q)
  exact,  // ExactLane = 1, the exact baseline: a * w whatever the level
  bound,  // ExactLane = BoundLane = 1, a measuring instrument: a for a non-zero weight, else 0
  signed_bound,  // the grid's BoundLane = SignedBound = 1 as well: a with the weight's sign (-a, 0 or a)
};

// One weight-chunk load: `lanes` codes decoded with `scale` and `codebook`, or, with bypass,
// `lanes` plain W-bit weights. The level applies to every beat after the load (q = 0: exact).
struct WeightLoad {
  Quality quality{};
  CodebookId codebook = CodebookId::pow2;
  bool bypass = false;
  std::vector<std::uint8_t> codes;   // lanes entries (ignored with bypass)
  std::uint32_t scale = 0;           // 0..max_scale(W)
  std::vector<std::int32_t> plain;   // lanes entries (bypass only)
};

// One N-term dot product: `lanes` W-bit signed activations and an AccW-bit partial sum.
struct DotBeat {
  std::vector<std::int32_t> a;
  std::int64_t psum = 0;
};

// One transfer into the array, in stream order.
using Transaction = std::variant<WeightLoad, DotBeat>;

// The decoder's output for a load: codebook(load.codebook, code_bits).decode(code_i, scale),
// or the plain weights with bypass.
std::vector<std::int32_t> decode_load(const WeightLoad& load, int code_bits);

// The weight a lane multiplies by after the recoder, for a decoded weight at a resolved level
// (q >= 1): qs_weight(w, q) (csd), w (exact) or (w != 0) (bound).
std::int32_t lane_weight(std::int32_t decoded, Quality q, LaneKind lane = LaneKind::csd);

// The array's result for a beat with the weights the lanes hold: wrap_AccW(psum + sum a_i * held_i).
std::int64_t dot_result(std::span<const std::int32_t> held, const DotBeat& beat, int acc_width);

// The predicted result of a beat under decoded weights at a resolved level q (q >= 1):
// dot_result of lane_weight(decoded_i, q, lane).
std::int64_t predict_dot(std::span<const std::int32_t> decoded, const DotBeat& beat, Quality q, int acc_width,
                         LaneKind lane = LaneKind::csd);

// The array as a transaction-level state machine: the weights it holds (all zero after reset)
// and the result of every beat. Loads and beats are range-checked against the geometry
// (qsq::Error), with the ranges of the array's ports: q in 0..Qmax(W) (0 = exact), p in 0..W.
class ArrayModel {
 public:
  ArrayModel(int width, int lanes, int code_bits, int acc_width, LaneKind lane = LaneKind::csd);

  void reset();                                  // the bank clears to all-zero weights
  void load(const WeightLoad& load);             // decoder (or bypass), then the recoder
  std::int64_t dot(const DotBeat& beat) const;   // the result the array must return

  const std::vector<std::int32_t>& held() const { return held_; }  // per lane, after the recoder
  int width() const { return width_; }
  int lanes() const { return lanes_; }
  int code_bits() const { return code_bits_; }
  int acc_width() const { return acc_width_; }
  LaneKind lane() const { return lane_; }

 private:
  int width_, lanes_, code_bits_, acc_width_;
  LaneKind lane_;
  std::vector<std::int32_t> held_;
};

// The transactions of a layer in the schedule of schedule.hpp, for `lanes` lanes.
// The load of (filter, chunk) at level q: the chunk's codes, the filter's scale and the layer's
// codebook (coded), or its plain weights through the bypass (plain); zero past fan_in().
WeightLoad chunk_load(const Layer& layer, int filter, int chunk, int lanes, Quality q);
// The beat of (filter, position, chunk): the chunk's activations of `input` and the given
// partial sum. The overload without the filter refuses depthwise layers (their beats differ per filter).
DotBeat chunk_beat(const Layer& layer, std::span<const std::int32_t> input, int filter, int position, int chunk,
                   int lanes, std::int64_t psum);
DotBeat chunk_beat(const Layer& layer, std::span<const std::int32_t> input, int position, int chunk, int lanes,
                   std::int64_t psum);

}  // namespace qsq
