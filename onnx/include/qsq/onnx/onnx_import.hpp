// Description: reads an ONNX model (libonnx's protobuf classes) into qsq's float network, the same
// FloatNet a TorchScript model becomes, so the quantizer and container writer run unchanged.
// The graph must be a chain from its one data input to its one output; constants (initializers,
// Constant nodes, Identity of a constant, QONNX Quant of a constant) are folded first. Ops:
//   Conv -> conv, Gemm / MatMul (+ Add of a constant) -> linear, Relu and Clip(min 0, no max) ->
//   ReLU, MaxPool -> max pooling, Flatten(axis 1) / Reshape to 2-D -> flatten, BatchNormalization
//   -> folded into the Conv/Gemm before it, Identity and Dropout -> nothing.
// Everything else (and unsupported attributes) is refused with one line naming the file, the
// node and the op (docs/onnx.md has the table).
// Usage:
//   qsq::net::FloatNet net = qsq::onnx_io::read_onnx("model.onnx");            // throws qsq::Error
//   qsq::net::FloatNet net = qsq::onnx_io::parse_onnx(bytes, "mem", Shape3{1, 28, 28});
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "qsq/net/float_net.hpp"

namespace qsq::onnx_io {

// `input`: the input shape when the caller knows it (a data directory's images). The model's own
// static input shape wins and must agree; when the model's shape is symbolic and none is given,
// 1x28x28 is assumed (as for TorchScript models).
net::FloatNet read_onnx(const std::string& path, std::optional<Shape3> input = std::nullopt);
net::FloatNet parse_onnx(std::string_view bytes, const std::string& label, std::optional<Shape3> input = std::nullopt);

// Whether `path` is to be read as ONNX: a .onnx extension, or content that is not a zip archive
// (TorchScript files are zips) and starts like an ONNX ModelProto (field 1, ir_version).
bool looks_like_onnx(const std::string& path);

}  // namespace qsq::onnx_io
