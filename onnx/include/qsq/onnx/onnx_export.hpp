// Description: writes a quantized network (.qsq) as an ONNX model other tools read: the float
// network the file stands for (net::float_network_of: decoded weights times 2^-e, biases in real
// units) as Conv / Gemm (after a Flatten) / Relu / MaxPool at opset 13, input "input" N x C x H x W,
// output "logits". Weights are either plain float initializers, or QONNX: each weight initializer
// feeds a Quant node (domain qonnx.custom_op.general) with scale 2^-e, zero point 0 and the bit
// width of the decoded integers, so QONNX/FINN tools see integer weights on a power-of-two grid.
// Both forms re-import (qsq/onnx/onnx_import.hpp) to exactly the same float network.
// Usage:
//   std::string bytes = qsq::onnx_io::onnx_bytes(net, qsq::Quality{}, qsq::onnx_io::OnnxWeights::qonnx);
//   qsq::onnx_io::write_onnx("out.onnx", net, qsq::Quality{}, qsq::onnx_io::OnnxWeights::dequantized);
#pragma once
#include <string>

#include "qsq/network.hpp"

namespace qsq::onnx_io {

enum class OnnxWeights { qonnx, dequantized };
OnnxWeights parse_onnx_weights(const std::string& s);  // "qonnx" or "float"; throws Error

std::string onnx_bytes(const Network& net, Quality q, OnnxWeights mode);
// Atomically (temporary sibling + rename). Throws Error naming the path.
void write_onnx(const std::string& path, const Network& net, Quality q, OnnxWeights mode);

}  // namespace qsq::onnx_io
