// Description: the QONNX "Quant" operator (domains qonnx.custom_op.general, finn.custom_op.general
// and their short forms) applied to a constant: q = clamp(round(x / scale + zero_point), lo, hi),
// y = (q - zero_point) * scale, with lo/hi from the bit width and the signed and narrow
// attributes. Used to read weights that already carry QONNX quantization, and by the tests to
// check the exporter's Quant nodes. scale and zero_point may be scalars or per output channel
// (dimension 0 of x, the other dimensions 1).
// Usage:
//   Const w = qsq::onnx_io::apply_quant(x, scale, zp, bits, {true, false, "ROUND"}, "node 'q1' (Quant)");
#pragma once
#include <string>

#include "onnx_tensor.hpp"

namespace qsq::onnx_io {

bool is_qonnx_domain(const std::string& domain);

struct QuantAttrs {
  bool is_signed = true;
  bool narrow = false;
  std::string rounding = "ROUND";  // ROUND (half to even, as numpy), CEIL, FLOOR, ROUND_TO_ZERO
};

// Throws Error(where + ": ...") for what qsq cannot represent: a non-integer or out-of-range bit
// width, a zero, negative or non-finite scale, a scale/zero point shaped other than above, an
// unknown rounding mode.
Const apply_quant(const Const& x, const Const& scale, const Const& zero_point, const Const& bits, const QuantAttrs& a,
                  const std::string& where);

}  // namespace qsq::onnx_io
