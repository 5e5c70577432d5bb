// Description: the run-time shape computations PyTorch exports for x.view(x.size(0), -1) and
// x.flatten(1) on symbolic batch sizes: Shape -> Gather -> Unsqueeze -> Concat (with a constant
// -1) -> Reshape. qsq's networks have one image per forward pass and a fixed image shape, so these
// chains are evaluated symbolically: each value is a short vector of dimensions that are the batch
// size, a constant, or some other dimension of a computed tensor (unknown here). The importer
// folds a Reshape whose shape is [batch, -1] (or a constant-only equivalent) into a Flatten.
// Usage:
//   ShapeChains sc;  if (sc.take(node, constants, fail)) continue;   // a shape node, recorded
//   if (const auto* s = sc.find(reshape.input(1))) ... sc.is_flatten(*s) ...
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "onnx_tensor.hpp"

namespace qsq::onnx_io {

struct SymDim {
  enum class Kind { batch, constant, unknown } kind = Kind::unknown;
  std::int64_t value = 0;  // constant only
};
using SymShape = std::vector<SymDim>;

class ShapeChains {
 public:
  using Fail = std::function<void(const std::string&)>;
  // If n computes on shapes (Shape of a computed tensor; Gather, Unsqueeze, Squeeze, Concat or
  // Cast with a symbolic input and constant other inputs), records its output and returns true.
  // Forms it cannot evaluate call `fail` with the reason (which throws).
  bool take(const onnx::NodeProto& n, const std::map<std::string, Const>& consts, const Fail& fail);
  const SymShape* find(const std::string& name) const;
  // A shape that flattens N x ... into N x features: [batch or 0 or 1 or -1, -1 or k > 0], with
  // at most one -1.
  static bool is_flatten(const SymShape& s);

 private:
  std::map<std::string, SymShape> values_;
};

}  // namespace qsq::onnx_io
