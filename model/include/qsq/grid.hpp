// Description: the golden transaction model and schedule of the 2-D M x N quality-scalable grid
// (rtl/qsq_grid.sv): M filter rows of N lanes. Every activation beat (N activations) is broadcast
// to all M rows; each row holds its own filter's chunk (weight-stationary, loaded one row at a
// time through the one on-chip decoder and recoder) and accumulates in place, in one of `slots`
// accumulators per row (output-stationary over the chunks of a dot product); the results of the
// last chunk leave as one M-wide result.
//
//   LOAD r  row r holds held[r][i] = lane_weight(decode(code_i, scale), q) (qsq::ArrayModel's
//           load), and the rows that hold a filter become `rows_on` (rows that are off are
//           clock-gated: they keep their accumulators and return no result)
//   BEAT    for every row r that is on: v = (first ? 0 : acc[r][slot]) + sum_i a_i * held[r][i],
//           wrapped to AccW; last: v is row r's result and acc[r][slot] becomes undefined (the next
//           beat of the slot must be a first one), else acc[r][slot] = v
//
// The schedule of a layer (for_each_grid_step) tiles it by M filters and `slots` positions:
//
//   for group g (filters g*M .. g*M+M-1), for tile t (positions t*S .. t*S+S-1), for chunk j:
//     LOAD  row r <- chunk j of filter g*M + r, for every filter of the group (rows_on: the group's)
//     BEAT  for every position p of the tile: a = chunk j's activations at p, slot = p - t*S,
//           first = (j == 0), last = (j == chunks - 1)
//
// The bias is not in the grid: a layer's accumulator is wrap(bias + result), which equals
// scheduled_accumulators (wrapping is modular, so the order of the sum does not matter).
// Cycles: a load or a beat takes one cycle and a load blocks beats (grid_stream_cycles); with the
// digit-serial lane organisation a beat takes serial_beat_cycles (one cycle per kept digit).
// Usage:
//   qsq::GridModel g(qsq::presets::kGrid);
//   g.load({.row = 0, .rows_on = 1, .weights = ld});
//   auto r = g.beat({.a = {...N...}, .slot = 0, .first = true, .last = true});   // r->values[0]
//   auto acc = qsq::grid_layer_accumulators(layer, input, qsq::presets::kGrid, {2, 0});
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "qsq/contract.hpp"
#include "qsq/layer.hpp"
#include "qsq/transaction.hpp"

namespace qsq {

// One row's weight load. rows_on (bit r: row r holds a filter) replaces the grid's mask.
struct GridLoad {
  int row = 0;
  std::uint64_t rows_on = 0;
  WeightLoad weights;  // N codes (or N plain weights) of the row's chunk, its level and codebook
};

// One activation beat, broadcast to every row.
struct GridBeat {
  std::vector<std::int32_t> a;  // N signed W-bit activations
  int slot = 0;                 // the accumulator (output position of the tile) of every row
  bool first = false;           // start the slot from 0 (the first chunk of its dot products)
  bool last = false;            // the last chunk: the rows' values leave as a result
};

// The result of a last beat: one value per row, wrapped to AccW; rows that are off report 0 and
// have their bit clear in rows_on (the RTL's result of such a row is undefined).
struct GridResult {
  std::vector<std::int64_t> values;
  std::uint64_t rows_on = 0;
  bool operator==(const GridResult&) const = default;
};

// The lane organisation of a grid row (the RTL parameter Serial): digit-parallel gated rows (one
// partial-product row per digit pair, a beat per cycle) or digit-serial lanes (one kept digit per
// lane per cycle: a beat takes serial_beat_cycles).
enum class LaneOrg : std::uint8_t { parallel, serial };

class GridModel {
 public:
  explicit GridModel(const Shape& shape, LaneKind lane = LaneKind::csd);

  void reset();                                        // zero weights, every row off, slots undefined
  // Throws Error for a beat that continues (first = false) a slot of an on row that is undefined:
  // never started since reset, or ended by a last beat.
  void load(const GridLoad& load);                     // throws Error on a bad row or weights
  std::optional<GridResult> beat(const GridBeat& b);   // the result of a last beat
  // The result a last beat would return, without changing any accumulator.
  GridResult peek(const GridBeat& b) const;

  const Shape& shape() const { return shape_; }
  std::uint64_t rows_on() const { return rows_on_; }
  const std::vector<std::int32_t>& held(int row) const { return rows_[static_cast<std::size_t>(row)].model.held(); }
  // Kept CSD digits of the weight row `row` lane `lane` holds (the digit-serial cycles it needs).
  int kept_digits(int row, int lane) const;

 private:
  struct Row {
    ArrayModel model;                  // the row's weights (decoder, recoder, lane kind)
    std::vector<int> digits;           // kept digits per lane
    std::vector<std::int64_t> acc;     // slots
    std::vector<bool> defined;         // slot written since reset
  };
  void check_beat(const GridBeat& b) const;
  Shape shape_;
  LaneKind lane_;
  std::uint64_t rows_on_ = 0;
  std::vector<Row> rows_;
};

// Cycles a beat takes with digit-serial lanes: the most kept digits any on row holds in a column
// whose activation is non-zero (every lane steps through its digits at once), at least 1.
int serial_beat_cycles(const GridModel& g, std::span<const std::int32_t> a);

// One step of a layer's grid schedule (the order documented above).
struct GridStep {
  enum class Kind : std::uint8_t { load, beat } kind;
  int group;     // filters group*M ..
  int tile;      // positions tile*S ..
  int chunk;
  int row;       // load: the row loaded (its filter is group*M + row); beat: -1
  int position;  // beat: the output position; load: -1
  int slot;      // beat: position - tile*S
  bool first, last;
  std::uint64_t rows_on;  // the group's rows
};

void for_each_grid_step(const Layer& layer, const Shape& shape, const std::function<void(const GridStep&)>& fn);

// The layer's transactions: a GridLoad of a load step, a GridBeat of a beat step.
GridLoad grid_step_load(const Layer& layer, const Shape& shape, const GridStep& s, Quality q);
GridBeat grid_step_beat(const Layer& layer, std::span<const std::int32_t> input, const Shape& shape, const GridStep& s);

// The layer's own multiply-accumulates in a beat step: every row of the group times the lanes of
// the chunk that are inside the dot product (the last chunk's padded lanes and the rows without a
// filter are not MACs). Over the whole schedule they sum to layer.macs().
std::uint64_t grid_step_macs(const Layer& layer, const Shape& shape, const GridStep& s);

// Counts of the layer's grid schedule.
struct GridCost {
  std::uint64_t loads = 0, beats = 0;
  std::uint64_t macs = 0;         // useful multiply-accumulates (the layer's own MACs)
  std::uint64_t slot_macs = 0;    // MAC slots the beats offer (beats x M x N)
  std::uint64_t cycles = 0;       // a perfect stream: loads + beat cycles (1 per beat unless serial)
  double macs_per_cycle() const { return cycles ? static_cast<double>(macs) / static_cast<double>(cycles) : 0.0; }
};

// Runs the layer through a GridModel in the schedule and returns the accumulators [filter][position]
// (bias included, wrapped to AccW: equal to scheduled_accumulators). With `cost`, also the counts;
// the beat cycles follow `org`.
std::vector<std::int64_t> grid_layer_accumulators(const Layer& layer, std::span<const std::int32_t> input,
                                                  const Shape& shape, Quality q, LaneKind lane = LaneKind::csd,
                                                  GridCost* cost = nullptr, LaneOrg org = LaneOrg::parallel);

}  // namespace qsq
