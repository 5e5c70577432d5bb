// Description: the operand-trace file format (qsq-trace 1, docs/energy.md), its one writer and
// its one reader. A trace is the input side of the N-lane array as golden-model transactions
// (qsq/transaction.hpp): weight loads and dot beats in stream order. `qsq export --trace` writes
// one (net/core/operand_trace.cpp), the energy flow's `real` workload replays one
// (sim/energy/src/stimulus.cpp).
//
//   qsq-trace 1
//   shape <W> <N> <code_bits>          must come before the first beat
//   codebook pow2|shift|pow2x          decoder codebook of every L line (default pow2)
//   L <scale> <code_0> ... <code_N-1>  weight load through the decoder
//   P <w_0> ... <w_N-1>                weight load through the bypass (plain W-bit weights)
//   A <psum> <a_0> ... <a_N-1>         dot beat
//   # ...                              comment (anywhere on a line)
// Usage:
//   qsq::flow::TraceWriter w({8, 8, 3}, qsq::CodebookId::pow2, "network lenet5");
//   w.comment("layer conv1");  w.load(load);  w.beat(beat);   // w.text() is the file
//   qsq::flow::OperandTrace t = qsq::flow::read_operand_trace("out/operands.trace", &shape);
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "qsq/params.hpp"
#include "qsq/transaction.hpp"

namespace qsq::flow {

struct TraceShape {
  int width = defaults::kWidth;
  int lanes = defaults::kLanes;
  int code_bits = defaults::kCodeBits;
  bool operator==(const TraceShape&) const = default;
};

struct OperandTrace {
  TraceShape shape;
  CodebookId codebook = CodebookId::pow2;
  // In file order. Every load carries the trace's codebook and quality {} (the level is the
  // replaying array's); L lines give bypass = false, codes and scale; P lines bypass = true, plain.
  std::vector<Transaction> transactions;
};

class TraceWriter {
 public:
  // Starts the text: "qsq-trace 1", `comment` as a comment line (none if empty), shape, codebook.
  TraceWriter(const TraceShape& shape, CodebookId codebook, std::string_view comment = {});
  void comment(std::string_view line);  // "# line"
  void load(const WeightLoad& load);    // "L scale codes..." or, with bypass, "P weights..."
  void beat(const DotBeat& beat);       // "A psum activations..."
  const std::string& text() const { return text_; }

 private:
  TraceShape shape_;
  std::string text_;
};

// Reads a trace. Throws qsq::Error naming the file and line on anything malformed: values out of
// the range of the trace's shape, a wrong number of values, an unknown tag, a beat before the
// shape; and, when `expect` is given, a shape different from it.
OperandTrace read_operand_trace(const std::string& path, const TraceShape* expect = nullptr);

}  // namespace qsq::flow
