// Description: the configuration struct every qsq HLS kernel takes as its template parameter
// (hls4ml style), the two named presets from config/params.json, and the widths derived from
// them, so that every kernel names its types the same way.
// Usage:
//   using C = qsq_hls::ArrayConfig<8, 8, 3, 32>;      // or qsq_hls::DefaultConfig / SmallConfig
//   typename C::act_t a = -3;  typename C::acc_t r = 0;
#pragma once
#include "qsq/defaults.hpp"
#include "qsq_hls_types.hpp"

namespace qsq_hls {

// Codebook ids, as qsq::CodebookId and the RTL's cfg_codebook_i.
enum : int { kPow2 = 0, kShift = 1, kPow2x = 2 };

// Largest number of non-zero non-adjacent-form digits of a W-bit two's complement value:
// -2^(W-1) + 2^(W-3) - ... alternates every second position, so it is ceil(W / 2) (4 for W = 8).
constexpr int max_digits(int width) { return (width + 1) / 2; }

template <int Width, int Lanes, int CodeBits, int AccWidth>
struct ArrayConfig {
  static_assert(Width >= qsq::limits::kWidthMin && Width <= qsq::limits::kWidthMax, "W out of range");
  static_assert(Lanes >= qsq::limits::kLanesMin && Lanes <= qsq::limits::kLanesMax, "N out of range");
  static_assert(CodeBits >= qsq::limits::kCodeBitsMin && CodeBits <= qsq::limits::kCodeBitsMax,
                "code bits out of range");
  static_assert(AccWidth >= qsq::limits::kAccWidthMin && AccWidth <= qsq::limits::kAccWidthMax,
                "AccW out of range");

  static constexpr int width = Width;
  static constexpr int lanes = Lanes;
  static constexpr int code_bits = CodeBits;
  static constexpr int acc_width = AccWidth;
  static constexpr int qmax = max_digits(Width);

  using act_t = int_t<Width>;             // activation
  using weight_t = int_t<Width>;          // decoded (or plain) weight
  using scale_t = uint_t<Width - 1>;      // filter scale S_f
  using code_t = uint_t<CodeBits>;        // one shift-and-scale code
  using digits_t = uint_t<Width>;         // one bit per CSD position (digits lie in 0..W-1)
  using qsw_t = int_t<Width + 1>;         // truncated weight: 127 at q = 1 becomes 128
  using prod_t = int_t<2 * Width + 1>;    // lane product a * qsw
  using acc_t = int_t<AccWidth>;          // wrapping accumulator
  using q_t = uint_t<4>;                  // cfg_q_i
  using p_t = uint_t<5>;                  // cfg_p_i
  using codebook_t = uint_t<2>;           // cfg_codebook_i
};

using DefaultConfig = ArrayConfig<qsq::presets::kDefault.width, qsq::presets::kDefault.lanes,
                                  qsq::presets::kDefault.code_bits, qsq::presets::kDefault.acc_width>;
using SmallConfig = ArrayConfig<qsq::presets::kSmall.width, qsq::presets::kSmall.lanes,
                                qsq::presets::kSmall.code_bits, qsq::presets::kSmall.acc_width>;

}  // namespace qsq_hls
