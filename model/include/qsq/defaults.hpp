// generated from config/params.json by cmake/gen_params.cmake: do not edit
//
// Description: the one parameter set shared by the golden model, the HLS C++, the SystemC model
// and (through rtl/qsq_pkg.sv, generated from the same file) the RTL.
// Usage: #include "qsq/defaults.hpp"  then  qsq::defaults::kWidth, qsq::presets::kSmall.width ...
#pragma once

namespace qsq {

struct ParamPreset {
  const char* name;
  int width;      // W: activation and decoded-weight width (signed two's complement)
  int lanes;      // N: multiply lanes of the array
  int code_bits;  // bits per weight code
  int acc_width;  // AccW: wrapping accumulator width
};

namespace presets {
inline constexpr ParamPreset kDefault{"default", 8, 8, 3, 32};
inline constexpr ParamPreset kSmall{"small", 5, 3, 3, 20};
inline constexpr ParamPreset kAll[] = {kDefault, kSmall};
}  // namespace presets

namespace defaults {
inline constexpr int kWidth = 8;
inline constexpr int kLanes = 8;
inline constexpr int kCodeBits = 3;
inline constexpr int kAccWidth = 32;
}  // namespace defaults

namespace limits {
inline constexpr int kWidthMin = 4;
inline constexpr int kWidthMax = 16;
inline constexpr int kCodeBitsMin = 2;
inline constexpr int kCodeBitsMax = 4;
inline constexpr int kAccWidthMin = 8;
inline constexpr int kAccWidthMax = 48;
inline constexpr int kLanesMin = 1;
inline constexpr int kLanesMax = 64;
}  // namespace limits

}  // namespace qsq
