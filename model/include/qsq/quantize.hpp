// Description: decoder-aware quantization of float filter weights into per-filter scales and
// b-bit codes, with a per-layer power-of-two exponent so that decoded weights are plain W-bit
// integers: weight ~= decoded * 2^-exponent.
// Usage:
//   qsq::QuantizedWeights q = qsq::quantize_weights(w, /*filters=*/6, params, qsq::ScaleMethod::search);
//   q.decoded(params.width)  // the integers the hardware decoder will produce
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "qsq/codebook.hpp"
#include "qsq/params.hpp"

namespace qsq {

enum class ScaleMethod : std::uint8_t {
  max_abs = 0,  // S_f = round(max|w_f| * 2^exponent)
  search = 1,   // S_f minimises the squared error of the decoded filter (decoder-aware)
};
std::string_view scale_method_name(ScaleMethod m);
ScaleMethod parse_scale_method(std::string_view name);  // "max" | "search"

struct QuantizedWeights {
  CodebookId codebook = CodebookId::pow2;
  int code_bits = 3;
  int exponent = 0;                  // weight ~= decoded * 2^-exponent
  std::vector<std::uint32_t> scales; // one per filter, each <= max_scale(W)
  std::vector<std::uint8_t> codes;   // one per weight, filter-major, unpacked

  std::vector<std::int32_t> decoded() const;  // filter-major decoded integers
};

// Largest exponent e (in -64..64) with round(max|w| * 2^e) <= max_scale(width); 0 for an all-zero tensor.
int choose_exponent(std::span<const float> w, int width);

// Plain W-bit weights for layers kept at higher precision (the bypass): exponent from
// choose_exponent, then clamp(round(w * 2^exponent)) to the W-bit range.
struct PlainWeights {
  int exponent = 0;
  std::vector<std::int32_t> values;
};
PlainWeights quantize_plain(std::span<const float> w, int width);

// Quantizes a tensor of `filters` equally sized filters (filter-major, e.g. PyTorch [out][in][kh][kw]).
QuantizedWeights quantize_weights(std::span<const float> w, int filters, const Params& params,
                                  ScaleMethod method);

// Error-minimising scale for one filter whose weights are already in integer units.
std::uint32_t search_scale(const Codebook& cb, std::span<const double> targets, std::uint32_t max_s);

struct QuantStats {
  double zeros_before = 0;  // fraction of float weights that are exactly 0
  double zeros_after = 0;   // fraction of decoded weights that are 0
  double mse = 0;           // mean squared error of dequantized vs float weights
  double rel_rmse = 0;      // sqrt(mse) / rms(w)
};
QuantStats quant_stats(std::span<const float> w, const QuantizedWeights& q);

}  // namespace qsq
