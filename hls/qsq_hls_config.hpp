// Description: the configuration struct every qsq HLS kernel takes as its template parameter
// (hls4ml style), built from the hardware contract (qsq/contract.hpp): the array's shape, Qmax
// and the configuration field types come from there, the datapath widths follow from the shape.
// The presets (DefaultConfig, SmallConfig, GridConfig, ...: a GridArrayConfig for a grid preset) and the codebook ids are generated with the
// contract into qsq_hls_params.hpp, included at the end.
// Usage:
//   using C = qsq_hls::ArrayConfig<8, 8, 3, 32>;      // or qsq_hls::DefaultConfig / SmallConfig
//   using D = qsq_hls::ConfigFor<qsq::presets::kSmall>;
//   typename C::act_t a = -3;  typename C::acc_t r = 0;
#pragma once
#include "qsq/contract.hpp"
#include "qsq_hls_types.hpp"

namespace qsq_hls {

template <int Width, int Lanes, int CodeBits, int AccWidth>
struct ArrayConfig {
  static constexpr qsq::Shape shape{Width, Lanes, CodeBits, AccWidth};
  static_assert(shape.valid(), "W, N, code bits or AccW outside the limits of config/params.json");

  static constexpr int width = Width;
  static constexpr int lanes = Lanes;
  static constexpr int code_bits = CodeBits;
  static constexpr int acc_width = AccWidth;
  static constexpr int qmax = shape.qmax();
  // Widths of the configuration fields (cfg_q_i, cfg_p_i, cfg_codebook_i), as the RTL's.
  static constexpr int q_bits = qsq::contract::kQBits;
  static constexpr int p_bits = qsq::contract::kPBits;
  static constexpr int codebook_bits = qsq::contract::kCodebookBits;

  using act_t = int_t<Width>;             // activation
  using weight_t = int_t<Width>;          // decoded (or plain) weight
  using scale_t = uint_t<Width - 1>;      // filter scale S_f
  using code_t = uint_t<CodeBits>;        // one shift-and-scale code
  using digits_t = uint_t<Width>;         // one bit per CSD position (digits lie in 0..W-1)
  using qsw_t = int_t<Width + 1>;         // truncated weight: 127 at q = 1 becomes 128
  using prod_t = int_t<2 * Width + 1>;    // lane product a * qsw
  using acc_t = int_t<AccWidth>;          // wrapping accumulator
  using q_t = uint_t<q_bits>;             // cfg_q_i
  using p_t = uint_t<p_bits>;             // cfg_p_i
  using codebook_t = uint_t<codebook_bits>;  // cfg_codebook_i

  static_assert(bits_of<q_t>() == qsq::contract::kQBits, "q_t disagrees with the contract's cfg_q_i width");
  static_assert(bits_of<p_t>() == qsq::contract::kPBits, "p_t disagrees with the contract's cfg_p_i width");
  static_assert(bits_of<codebook_t>() == qsq::contract::kCodebookBits,
                "codebook_t disagrees with the contract's cfg_codebook_i width");
  static_assert(qmax == qsq::contract::qmax(Width), "qmax disagrees with the contract");
};

// The ArrayConfig of a shape of the contract (a preset, or any constexpr qsq::Shape object).
template <const auto& S>
using ConfigFor = ArrayConfig<S.width, S.lanes, S.code_bits, S.acc_width>;

// A 2-D grid (qsq_grid): Rows filter rows of the row shape ArrayConfig<W, N, b, AccW> (so every
// row kernel takes it as is), each with Slots in-place accumulators.
template <int Width, int Lanes, int CodeBits, int AccWidth, int Rows, int Slots>
struct GridArrayConfig : ArrayConfig<Width, Lanes, CodeBits, AccWidth> {
  static constexpr qsq::Shape grid_shape{Width, Lanes, CodeBits, AccWidth, Rows, Slots};
  static_assert(grid_shape.valid() && grid_shape.grid(), "M or slots outside the limits of config/params.json");
  static constexpr int rows = Rows;
  static constexpr int slots = Slots;
};

// The GridArrayConfig of a grid shape of the contract (a grid preset).
template <const auto& S>
using GridConfigFor = GridArrayConfig<S.width, S.lanes, S.code_bits, S.acc_width, S.rows, S.slots>;

}  // namespace qsq_hls

#include "qsq_hls_params.hpp"  // generated: codebook ids and the presets
