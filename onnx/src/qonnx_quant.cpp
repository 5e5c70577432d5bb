// Description: QONNX Quant on constants (see qonnx_quant.hpp).
#include "qonnx_quant.hpp"

#include <algorithm>
#include <cfenv>
#include <cmath>

#include "qsq/error.hpp"

namespace qsq::onnx_io {
namespace {

// The value of a scale or zero point for element i of x: scalar, or one per x's dimension 0.
double per_channel(const Const& p, const Const& x, std::int64_t i, const std::string& where, const char* name) {
  if (p.size() == 1) return p.values[0];
  const std::int64_t channels = x.dims.empty() ? 1 : x.dims[0];
  if (p.size() != channels || x.size() == 0) throw Error(where + ": " + name + " has " + std::to_string(p.size()) +
                                                         " values; qsq reads a scalar or one per output channel");
  return p.values[static_cast<std::size_t>(i / (x.size() / channels))];
}

double round_mode(double v, const std::string& mode) {
  if (mode == "ROUND") return std::nearbyint(v);  // the default environment rounds half to even
  if (mode == "CEIL") return std::ceil(v);
  if (mode == "FLOOR") return std::floor(v);
  return std::trunc(v);  // ROUND_TO_ZERO
}

}  // namespace

bool is_qonnx_domain(const std::string& d) {
  return d == "qonnx" || d == "finn" || d == "qonnx.custom_op.general" || d == "finn.custom_op.general";
}

Const apply_quant(const Const& x, const Const& scale, const Const& zp, const Const& bits, const QuantAttrs& a,
                  const std::string& where) {
  if (a.rounding != "ROUND" && a.rounding != "CEIL" && a.rounding != "FLOOR" && a.rounding != "ROUND_TO_ZERO")
    throw Error(where + ": rounding_mode '" + a.rounding + "' is not supported (ROUND, CEIL, FLOOR, ROUND_TO_ZERO)");
  if (bits.size() != 1) throw Error(where + ": bit width must be a scalar");
  const double b = bits.values[0];
  if (!(b >= 2 && b <= 32) || b != std::floor(b))
    throw Error(where + ": bit width " + std::to_string(b) + " is not an integer in [2, 32]");
  const int nb = static_cast<int>(b);
  double lo, hi;
  if (a.is_signed) {
    lo = -std::ldexp(1.0, nb - 1) + (a.narrow ? 1 : 0);
    hi = std::ldexp(1.0, nb - 1) - 1;
  } else {
    lo = 0;
    hi = std::ldexp(1.0, nb) - 1 - (a.narrow ? 1 : 0);
  }
  for (double s : scale.values)
    if (!(s > 0) || !std::isfinite(s)) throw Error(where + ": scale " + std::to_string(s) + " is not finite and > 0");
  for (double z : zp.values)
    if (!std::isfinite(z) || z != std::floor(z)) throw Error(where + ": zero point " + std::to_string(z) + " is not an integer");
  if (scale.size() == 0 || zp.size() == 0) throw Error(where + ": empty scale or zero point");
  std::fesetround(FE_TONEAREST);
  Const y;
  y.dims = x.dims;
  y.values.resize(x.values.size());
  for (std::int64_t i = 0; i < x.size(); ++i) {
    const double s = per_channel(scale, x, i, where, "scale");
    const double z = per_channel(zp, x, i, where, "zero point");
    const double xv = x.values[static_cast<std::size_t>(i)];
    if (!std::isfinite(xv)) throw Error(where + ": weight " + std::to_string(i) + " is not finite");
    const double q = std::clamp(round_mode(xv / s + z, a.rounding), lo, hi);
    // Rounded to float32 as ONNX runtimes compute it: the float network holds float weights.
    y.values[static_cast<std::size_t>(i)] = static_cast<float>((q - z) * s);
  }
  return y;
}

}  // namespace qsq::onnx_io
