# Generates the shared parameter headers from config/params.json.
#
# Usage:  cmake -P cmake/gen_params.cmake                 (rewrites the checked-in files)
#         cmake -DOUT_DIR=/tmp/x -P cmake/gen_params.cmake (writes into /tmp/x, used by the sync test)
#
# Both outputs are checked in so that rtl/ and model/ stay usable without CMake; the ctest
# `params_in_sync` regenerates them into the build tree and fails if they differ.
cmake_minimum_required(VERSION 3.20)
get_filename_component(ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
file(READ "${ROOT}/config/params.json" J)

if(DEFINED OUT_DIR)
  set(HPP "${OUT_DIR}/defaults.hpp")
  set(SV "${OUT_DIR}/qsq_pkg.sv")
else()
  set(HPP "${ROOT}/model/include/qsq/defaults.hpp")
  set(SV "${ROOT}/rtl/qsq_pkg.sv")
endif()

macro(jget var)
  string(JSON ${var} GET "${J}" ${ARGN})
endmacro()

jget(W presets default width)
jget(N presets default lanes)
jget(B presets default code_bits)
jget(A presets default acc_width)
jget(SW presets small width)
jget(SN presets small lanes)
jget(SB presets small code_bits)
jget(SA presets small acc_width)
foreach(k width_min width_max code_bits_min code_bits_max acc_width_min acc_width_max lanes_min lanes_max)
  jget(L_${k} limits ${k})
endforeach()

set(BANNER "generated from config/params.json by cmake/gen_params.cmake: do not edit")

file(WRITE "${HPP}" "// ${BANNER}
//
// Description: the one parameter set shared by the golden model, the HLS C++, the SystemC model
// and (through rtl/qsq_pkg.sv, generated from the same file) the RTL.
// Usage: #include \"qsq/defaults.hpp\"  then  qsq::defaults::kWidth, qsq::presets::kSmall.width ...
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
inline constexpr ParamPreset kDefault{\"default\", ${W}, ${N}, ${B}, ${A}};
inline constexpr ParamPreset kSmall{\"small\", ${SW}, ${SN}, ${SB}, ${SA}};
inline constexpr ParamPreset kAll[] = {kDefault, kSmall};
}  // namespace presets

namespace defaults {
inline constexpr int kWidth = ${W};
inline constexpr int kLanes = ${N};
inline constexpr int kCodeBits = ${B};
inline constexpr int kAccWidth = ${A};
}  // namespace defaults

namespace limits {
inline constexpr int kWidthMin = ${L_width_min};
inline constexpr int kWidthMax = ${L_width_max};
inline constexpr int kCodeBitsMin = ${L_code_bits_min};
inline constexpr int kCodeBitsMax = ${L_code_bits_max};
inline constexpr int kAccWidthMin = ${L_acc_width_min};
inline constexpr int kAccWidthMax = ${L_acc_width_max};
inline constexpr int kLanesMin = ${L_lanes_min};
inline constexpr int kLanesMax = ${L_lanes_max};
}  // namespace limits

}  // namespace qsq
")

file(WRITE "${SV}" "// ${BANNER}
//
// Shared parameters of the qsq RTL. The C++ side (golden model, HLS, SystemC) reads the same
// values from model/include/qsq/defaults.hpp.
package qsq_pkg;
  // preset \"default\"
  localparam int unsigned Width = ${W};
  localparam int unsigned Lanes = ${N};
  localparam int unsigned CodeBits = ${B};
  localparam int unsigned AccWidth = ${A};
  // preset \"small\"
  localparam int unsigned SmallWidth = ${SW};
  localparam int unsigned SmallLanes = ${SN};
  localparam int unsigned SmallCodeBits = ${SB};
  localparam int unsigned SmallAccWidth = ${SA};
  // limits the generators and the golden model accept
  localparam int unsigned WidthMin = ${L_width_min};
  localparam int unsigned WidthMax = ${L_width_max};
  localparam int unsigned AccWidthMax = ${L_acc_width_max};
endpackage
")
message(STATUS "qsq params: wrote ${HPP} and ${SV}")
