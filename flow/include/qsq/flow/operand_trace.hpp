// Description: the operand-trace file format (qsq-trace 1, docs/energy.md), its one writer and
// its one reader. A trace is the input side of the N-lane array as golden-model transactions
// (qsq/transaction.hpp): weight loads and dot beats in stream order. `qsq export --trace` writes
// one (net/core/operand_trace.cpp), the energy flow's `real` workload replays one
// (sim/energy/src/stimulus.cpp).
//
//   qsq-trace 1
//   shape <W> <N> <code_bits>          must come before the first beat
//   codebook pow2|shift|pow2x          decoder codebook of the L lines that follow (default pow2)
//   L <scale> <code_0> ... <code_N-1>  weight load through the decoder
//   P <w_0> ... <w_N-1>                weight load through the bypass (plain W-bit weights)
//   A <psum> <a_0> ... <a_N-1>         dot beat
//   # ...                              comment (anywhere on a line)
// A grid trace (the 2-D qsq_grid's schedule, qsq/grid.hpp) names its rows and slots after the
// shape and holds G, GP and B lines instead of L, P and A:
//   grid <M> <S>                                 rows and accumulator slots per row
//   G <row> <rows_on> <scale> <code_0> ... <code_N-1>   load of one row through the decoder
//   GP <row> <rows_on> <w_0> ... <w_N-1>         load of one row through the bypass
//   B <slot> <first> <last> <macs> <a_0> ... <a_N-1>    beat broadcast to every row; macs: the
//                                                layer's own MACs in it (qsq::grid_step_macs)
// Usage:
//   qsq::flow::TraceWriter w({8, 8, 3}, qsq::CodebookId::pow2, "network lenet5");
//   w.comment("layer conv1");  w.load(load);  w.beat(beat);   // w.text() is the file
//   qsq::flow::OperandTrace t = qsq::flow::read_operand_trace("out/operands.trace", &shape);
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "qsq/grid.hpp"
#include "qsq/params.hpp"
#include "qsq/transaction.hpp"

namespace qsq::flow {

struct TraceShape {
  int width = defaults::kWidth;
  int lanes = defaults::kLanes;
  int code_bits = defaults::kCodeBits;
  bool operator==(const TraceShape&) const = default;
};

// The grid of a grid trace; rows = 0 for a trace of the one-row array.
struct TraceGrid {
  int rows = 0, slots = 0;
  bool operator==(const TraceGrid&) const = default;
};

// A beat of a grid trace and the layer's own MACs in it.
struct GridTraceBeat {
  GridBeat beat;
  std::uint64_t macs = 0;
};
using GridTraceItem = std::variant<GridLoad, GridTraceBeat>;

struct OperandTrace {
  TraceShape shape;
  CodebookId codebook = CodebookId::pow2;  // the last codebook line's
  // In file order. Every load carries the codebook named before it and quality {} (the level is the
  // replaying array's); L lines give bypass = false, codes and scale; P lines bypass = true, plain.
  std::vector<Transaction> transactions;
  TraceGrid grid;                         // rows > 0: a grid trace, whose items are in `grid_items`
  std::vector<GridTraceItem> grid_items;  // loads carry the codebook and quality {} as above
};

class TraceWriter {
 public:
  // Starts the text: "qsq-trace 1", `comment` as a comment line (none if empty), shape, codebook.
  // With grid.rows > 0, a grid trace ("grid M S" follows the shape).
  TraceWriter(const TraceShape& shape, CodebookId codebook, std::string_view comment = {}, TraceGrid grid = {});
  void comment(std::string_view line);  // "# line"
  void codebook(CodebookId codebook);   // "codebook NAME": the decoder of the loads that follow
  void load(const WeightLoad& load);    // "L scale codes..." or, with bypass, "P weights..."
  void beat(const DotBeat& beat);       // "A psum activations..."
  void grid_load(const GridLoad& load);                        // "G row rows_on scale codes..." or "GP ..."
  void grid_beat(const GridBeat& beat, std::uint64_t macs);    // "B slot first last macs activations..."
  const std::string& text() const { return text_; }

 private:
  TraceShape shape_;
  TraceGrid grid_;
  std::string text_;
};

// Reads a trace. Throws qsq::Error naming the file and line on anything malformed: values out of
// the range of the trace's shape, a wrong number of values, an unknown tag, a beat before the
// shape; and, when `expect` is given, a shape different from it.
OperandTrace read_operand_trace(const std::string& path, const TraceShape* expect = nullptr);

}  // namespace qsq::flow
