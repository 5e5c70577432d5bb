// Description: ONNX tensors as plain values: a TensorProto (an initializer, or a Constant node's
// value) decoded into its dimensions and values as doubles (exact for float32 and for the integer
// shapes and bit widths qsq reads), and back into a float32 TensorProto for the exporter.
// Usage:
//   qsq::onnx_io::Const c = qsq::onnx_io::decode(tensor, "initializer 'w'");   // throws Error
//   qsq::onnx_io::encode_float(c.dims, floats, "w", graph->add_initializer());
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace qsq::onnx_io {

struct Const {
  std::vector<std::int64_t> dims;
  std::vector<double> values;  // row-major
  std::int64_t size() const { return static_cast<std::int64_t>(values.size()); }
  std::vector<float> floats() const;
  // The values as integers (shapes, indices, paddings), or nullopt when one is not a finite
  // integer within +-2^62: casting such a double to int64 would be undefined behaviour.
  std::optional<std::vector<std::int64_t>> integers() const;
};

// Reads FLOAT, DOUBLE, INT8/16/32/64, UINT8/16/32/64 and BOOL tensors, from raw_data or the typed
// fields; refuses external data, negative dimensions, more than 2^28 elements (a bound against
// hostile files) and a value count that does not match the dimensions. `what` names the tensor.
Const decode(const onnx::TensorProto& t, const std::string& what);

// A FLOAT tensor with the given name, dimensions and values (raw_data, little-endian).
void encode_float(const std::vector<std::int64_t>& dims, const std::vector<float>& values, const std::string& name,
                  onnx::TensorProto* out);

}  // namespace qsq::onnx_io
