// generated from config/params.json by cmake/gen_params.cmake: do not edit
//
// Description: the hardware contract of qsq, one typed shape for every part: the presets and
// limits of config/params.json and every value derived from them (Qmax, the widths and valid
// ranges of the quality and codebook fields, the codebook ids, the partial-product rows of a
// lane). The golden model, the HLS C++, the SystemC model, the RTL drivers and the energy flow
// read it; rtl/qsq_pkg.sv gives the RTL the same values, hls/qsq_hls_params.hpp the HLS presets,
// rtl/qsq.f and rtl/qsq_lane.f the RTL file lists (all from the same script). The ctests
// params_in_sync (generated files up to date) and rtl_contract_* (the elaborated RTL's port
// widths and derived parameters equal these) keep them together.
// Standard C++17 with <cstdint> only: HLS tools read it too.
// Usage:
//   #include "qsq/contract.hpp"
//   qsq::Shape s = qsq::presets::kSmall;              // W = 5, N = 3, 3-bit codes, AccW = 20
//   s.qmax();                                         // 3
//   qsq::contract::kQBits;                            // width of cfg_q_i / q_i
//   qsq::contract::p_port_range(8).contains(8);       // true: the RTL defines p = W
#pragma once
#include <cstdint>

namespace qsq {

namespace limits {
inline constexpr int kWidthMin = 4;
inline constexpr int kWidthMax = 16;
inline constexpr int kCodeBitsMin = 2;
inline constexpr int kCodeBitsMax = 4;
inline constexpr int kAccWidthMin = 8;
inline constexpr int kAccWidthMax = 48;
inline constexpr int kLanesMin = 1;
inline constexpr int kLanesMax = 64;
inline constexpr int kRowsMin = 1;    // M of a qsq_grid
inline constexpr int kRowsMax = 64;
inline constexpr int kSlotsMin = 1;  // in-place accumulators per grid row
inline constexpr int kSlotsMax = 64;
}  // namespace limits

// Shift-and-scale codebooks, by id: the value of the RTL's cfg_codebook_i (qsq_pkg::Codebook*)
// and of the HLS kernels' codebook field (qsq_hls::k*). An id beyond the last decodes as pow2
// in the hardware. codebook.hpp has the bit-level decoding of each.
enum class CodebookId : std::uint8_t {
  pow2 = 0,  // sign + magnitude m: 0, S>>(M-1), ..., S>>1, S (default; the spare "-0" decodes to 0)
  shift = 1,  // sign + shift e: S>>M, ..., S>>1, S (no zero level)
  pow2x = 2,  // pow2, with the spare "-0" pattern spent on +(S>>M)
};
inline constexpr int kNumCodebooks = 3;
inline constexpr const char* kCodebookNames[kNumCodebooks] = {"pow2", "shift", "pow2x"};

namespace contract {

// An inclusive range of integers.
struct Range {
  int lo;
  int hi;
  constexpr bool contains(int v) const { return v >= lo && v <= hi; }
};

// Qmax(W): the most non-zero CSD (non-adjacent form) digits of a W-bit two's complement value,
// ceil(W / 2); also the number of digit pairs (2k, 2k+1) of a W-bit weight, so the number of
// partial-product rows of a CSD lane (a pair holds at most one non-zero digit). 0 outside the limits.
inline constexpr int kQmax[] = {2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8};  // W = 4..16
constexpr int qmax(int width) {
  return width >= limits::kWidthMin && width <= limits::kWidthMax ? kQmax[width - limits::kWidthMin] : 0;
}

// Valid values of the quality fields at width W.
// q: 1..Qmax(W) keeps the q most significant non-zero digits; 0 means exact (Qmax).
constexpr Range q_range(int width) { return {0, qmax(width)}; }
// p of a quality level (qsq::validate_quality): digits below position p are dropped, 0..W-1.
constexpr Range p_range(int width) { return {0, width - 1}; }
// p as the RTL and its drivers define it: the quality levels plus p = W, which drops every digit
// (a zero weight); the co-simulation checks that edge too.
constexpr Range p_port_range(int width) { return {0, width}; }

// Widths of the configuration fields (cfg_q_i / q_i, cfg_p_i / p_i, cfg_codebook_i): each holds
// its range at every width the limits allow.
inline constexpr int kQBits = 4;         // q_range(kWidthMax).hi = 8
inline constexpr int kPBits = 5;         // p_port_range(kWidthMax).hi = 16
inline constexpr int kCodebookBits = 2;  // codebook ids 0..2
static_assert((1 << kQBits) > q_range(limits::kWidthMax).hi && (1 << (kQBits - 1)) <= q_range(limits::kWidthMax).hi);
static_assert((1 << kPBits) > p_port_range(limits::kWidthMax).hi && (1 << (kPBits - 1)) <= p_port_range(limits::kWidthMax).hi);
static_assert((1 << kCodebookBits) >= kNumCodebooks);

}  // namespace contract

// The shape of one array: the four parameters of qsq_array (and of every model of it: the HLS
// ArrayConfig, the SystemC model, the Verilated RTL's qsq::rtlsim::Geometry, the energy flow's
// qsq::energy::ArrayShape) and what follows from them; for a 2-D qsq_grid also its rows (M) and
// in-place accumulators per row (slots). Defaults: the "default" preset.
struct Shape {
  int width = 8;      // W: activation and decoded-weight width (signed two's complement)
  int lanes = 8;      // N: multiply lanes of the array (columns of a grid)
  int code_bits = 3;  // bits per weight code
  int acc_width = 32;  // AccW: wrapping accumulator width
  int rows = 0;         // M: filter rows of a qsq_grid; 0: the one-row qsq_array
  int slots = 0;        // a grid row's in-place accumulators (output positions of a tile); 0 for qsq_array

  constexpr bool grid() const { return rows > 0; }

  constexpr int qmax() const { return contract::qmax(width); }
  constexpr int rows_per_lane() const { return contract::qmax(width); }  // CSD lane: one row per digit pair
  constexpr int num_codes() const { return 1 << code_bits; }
  constexpr contract::Range q_range() const { return contract::q_range(width); }
  constexpr contract::Range p_range() const { return contract::p_range(width); }
  constexpr contract::Range p_port_range() const { return contract::p_port_range(width); }
  constexpr bool valid() const {
    return width >= limits::kWidthMin && width <= limits::kWidthMax && lanes >= limits::kLanesMin &&
           lanes <= limits::kLanesMax && code_bits >= limits::kCodeBitsMin && code_bits <= limits::kCodeBitsMax &&
           acc_width >= limits::kAccWidthMin && acc_width <= limits::kAccWidthMax &&
           ((rows == 0 && slots == 0) || (rows >= limits::kRowsMin && rows <= limits::kRowsMax &&
                                          slots >= limits::kSlotsMin && slots <= limits::kSlotsMax));
  }
  constexpr bool same_as(const Shape& o) const {
    return width == o.width && lanes == o.lanes && code_bits == o.code_bits && acc_width == o.acc_width &&
           rows == o.rows && slots == o.slots;
  }
};

// A named preset of config/params.json.
struct ParamPreset : Shape {
  const char* name;
};

namespace presets {
inline constexpr ParamPreset kDefault{{8, 8, 3, 32, 0, 0}, "default"};
inline constexpr ParamPreset kGrid{{8, 8, 3, 32, 8, 16}, "grid"};
inline constexpr ParamPreset kGridLarge{{8, 16, 3, 32, 16, 16}, "grid-large"};
inline constexpr ParamPreset kGridSmall{{5, 3, 3, 20, 3, 4}, "grid-small"};
inline constexpr ParamPreset kSmall{{5, 3, 3, 20, 0, 0}, "small"};
inline constexpr ParamPreset kAll[] = {kDefault, kGrid, kGridLarge, kGridSmall, kSmall};
static_assert(kDefault.valid());
static_assert(kGrid.valid());
static_assert(kGridLarge.valid());
static_assert(kGridSmall.valid());
static_assert(kSmall.valid());
}  // namespace presets

namespace defaults {
inline constexpr int kWidth = presets::kDefault.width;
inline constexpr int kLanes = presets::kDefault.lanes;
inline constexpr int kCodeBits = presets::kDefault.code_bits;
inline constexpr int kAccWidth = presets::kDefault.acc_width;
}  // namespace defaults

}  // namespace qsq
