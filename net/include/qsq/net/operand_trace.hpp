// Description: operand traces of real network layers for the energy flow, in the qsq-trace 1
// format of docs/energy.md (the `real` workload of `qsq energy`, default path out/operands.trace),
// written with the format's one writer (qsq::flow::TraceWriter, qsq/flow/operand_trace.hpp):
//   qsq-trace 1 / shape W N b / codebook NAME, then in qsq::for_each_step order per layer:
//   L scale c0..cN-1       weight load of a coded layer (codes, code 0 past fan_in)
//   P w0..wN-1             weight load of a plain (bypass) layer
//   A psum a0..aN-1        activation beat: the chunk's activations (0 in padding / past fan_in);
//                          psum = bias for chunk 0, else the previous chunk's result at the same
//                          position computed at the exact level (wrapped to AccW)
// The activations are the real inputs of each layer, computed bit-exactly at the exact level.
// Usage:
//   std::string t = qsq::net::operand_trace(engine, inputs, {8, 1, {0, 1}});
#pragma once
#include <string>
#include <vector>

#include "qsq/net/int_engine.hpp"

namespace qsq::net {

struct TraceOptions {
  int lanes = defaults::kLanes;
  int images = 1;           // first images of the inputs
  std::vector<int> layers;  // layer indices; empty = every conv layer (and, on the one-row array, every depthwise layer)
};

std::string operand_trace(const IntEngine& engine, const QuantizedInputs& inputs, const TraceOptions& o);

// The same layers of one or more networks (one after the other; o.lanes is ignored) in the 2-D
// grid's schedule (qsq::for_each_grid_step of `grid`, a grid shape whose width and lanes the
// networks' layers are cut for), as a grid trace: G / GP loads and B beats with each beat's MACs
// (the `real` workload of `qsq energy --preset grid*`).
struct TraceSource {
  const IntEngine* engine;
  const QuantizedInputs* inputs;
};
std::string grid_operand_trace(const std::vector<TraceSource>& nets, const Shape& grid, const TraceOptions& o);

}  // namespace qsq::net
