# The hardware contract of qsq, generated from config/params.json:
#   model/include/qsq/contract.hpp  C++ (std only): presets, limits, the typed qsq::Shape and every
#                                   derived value (Qmax, field widths, codebook ids, valid ranges)
#   model/include/qsq/defaults.hpp  the same, for code that includes the older name
#   rtl/qsq_pkg.sv                  SystemVerilog package: the same values and field typedefs, and
#                                   the `QSQ_QMAX(W) macro
#   hls/qsq_hls_params.hpp          HLS configuration: codebook ids and one ArrayConfig per preset
#   rtl/qsq.f, rtl/qsq_lane.f       RTL file lists (package first, then the modules by name)
#
# Usage:  cmake -P cmake/gen_params.cmake                 (rewrites the checked-in files)
#         cmake -DOUT_DIR=/tmp/x -P cmake/gen_params.cmake (writes into /tmp/x, used by the sync test)
#         include(cmake/gen_params.cmake) in a CMakeLists: defines qsq_contract_load(),
#         qsq_rtl_list() and qsq_preset_generics() without writing anything.
#
# Every output is checked in so that rtl/, model/ and hls/ stay usable without CMake; the ctest
# `params_in_sync` regenerates them into the build tree and fails if they differ. Every derived
# value is computed here, once, and written into each language; nothing else derives one.
if(CMAKE_SCRIPT_MODE_FILE)  # included by a project, it must not reset the project's policies
  cmake_minimum_required(VERSION 3.20)
endif()
get_filename_component(QSQ_CONTRACT_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

# Number of bits that hold every value 0..n.
function(_qsq_bits_for out n)
  set(b 1)
  math(EXPR lim "1 << ${b}")
  while(lim LESS_EQUAL n)
    math(EXPR b "${b} + 1")
    math(EXPR lim "1 << ${b}")
  endwhile()
  set(${out} ${b} PARENT_SCOPE)
endfunction()

# "pow2x" -> "Pow2x", "small" -> "Small", "grid-small" -> "GridSmall" (an identifier in every language)
function(_qsq_camel out name)
  string(REPLACE "-" ";" parts "${name}")
  set(r "")
  foreach(part ${parts})
    string(SUBSTRING "${part}" 0 1 first)
    string(SUBSTRING "${part}" 1 -1 rest)
    string(TOUPPER "${first}" first)
    string(APPEND r "${first}${rest}")
  endforeach()
  set(${out} "${r}" PARENT_SCOPE)
endfunction()

# Reads config/params.json (its only reader) and sets, in the caller's scope:
#   QSQ_PRESETS                          preset names, "default" first
#   QSQ_PRESET_<name>_<KEY>              KEY = WIDTH LANES CODE_BITS ACC_WIDTH ROWS SLOTS
#                                        (ROWS = SLOTS = 0: the one-row qsq_array, else a qsq_grid)
#   QSQ_LIMIT_<KEY>                      KEY = WIDTH_MIN ... SLOTS_MAX
#   QSQ_CODEBOOKS, QSQ_CODEBOOK_<i>_DOC  codebook names in id order, their descriptions
#   QSQ_QMAX_<W>                         Qmax(W) for W = WIDTH_MIN..WIDTH_MAX
#   QSQ_Q_BITS, QSQ_P_BITS, QSQ_CODEBOOK_BITS   widths of the configuration fields
macro(qsq_contract_load)
  file(READ "${QSQ_CONTRACT_ROOT}/config/params.json" _qsq_json)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${QSQ_CONTRACT_ROOT}/config/params.json")
  foreach(_k width_min width_max code_bits_min code_bits_max acc_width_min acc_width_max lanes_min lanes_max
             rows_min rows_max slots_min slots_max)
    string(TOUPPER ${_k} _K)
    string(JSON QSQ_LIMIT_${_K} GET "${_qsq_json}" limits ${_k})
  endforeach()
  string(JSON _n LENGTH "${_qsq_json}" presets)
  set(QSQ_PRESETS default)
  math(EXPR _last "${_n} - 1")
  foreach(_i RANGE ${_last})
    string(JSON _name MEMBER "${_qsq_json}" presets ${_i})
    if(NOT _name STREQUAL "default")
      list(APPEND QSQ_PRESETS ${_name})
    endif()
  endforeach()
  foreach(_p ${QSQ_PRESETS})
    foreach(_k width lanes code_bits acc_width)
      string(TOUPPER ${_k} _K)
      string(JSON QSQ_PRESET_${_p}_${_K} GET "${_qsq_json}" presets ${_p} ${_k})
      string(TOUPPER ${_k}_min _lo)
      string(TOUPPER ${_k}_max _hi)
      if(QSQ_PRESET_${_p}_${_K} LESS QSQ_LIMIT_${_lo} OR QSQ_PRESET_${_p}_${_K} GREATER QSQ_LIMIT_${_hi})
        message(FATAL_ERROR "config/params.json: preset ${_p}: ${_k} = ${QSQ_PRESET_${_p}_${_K}} is outside "
                            "${QSQ_LIMIT_${_lo}}..${QSQ_LIMIT_${_hi}}")
      endif()
    endforeach()
    # A grid preset (qsq_grid) has both rows (M) and slots; an array preset (qsq_array) neither.
    string(JSON QSQ_PRESET_${_p}_ROWS ERROR_VARIABLE _err GET "${_qsq_json}" presets ${_p} rows)
    if(_err)
      set(QSQ_PRESET_${_p}_ROWS 0)
    endif()
    string(JSON QSQ_PRESET_${_p}_SLOTS ERROR_VARIABLE _err GET "${_qsq_json}" presets ${_p} slots)
    if(_err)
      set(QSQ_PRESET_${_p}_SLOTS 0)
    endif()
    foreach(_K ROWS SLOTS)
      if(NOT QSQ_PRESET_${_p}_ROWS EQUAL 0 OR NOT QSQ_PRESET_${_p}_SLOTS EQUAL 0)
        if(QSQ_PRESET_${_p}_${_K} LESS QSQ_LIMIT_${_K}_MIN OR QSQ_PRESET_${_p}_${_K} GREATER QSQ_LIMIT_${_K}_MAX)
          message(FATAL_ERROR "config/params.json: preset ${_p}: ${_K} = ${QSQ_PRESET_${_p}_${_K}} is outside "
                              "${QSQ_LIMIT_${_K}_MIN}..${QSQ_LIMIT_${_K}_MAX} (a grid preset needs rows and slots)")
        endif()
      endif()
    endforeach()
  endforeach()
  string(JSON _n LENGTH "${_qsq_json}" codebooks)
  set(QSQ_CODEBOOKS)
  math(EXPR _last "${_n} - 1")
  foreach(_i RANGE ${_last})
    string(JSON _name GET "${_qsq_json}" codebooks ${_i} name)
    string(JSON QSQ_CODEBOOK_${_i}_DOC GET "${_qsq_json}" codebooks ${_i} doc)
    list(APPEND QSQ_CODEBOOKS ${_name})
  endforeach()

  # Qmax(W), the most non-zero digits of the non-adjacent form (CSD) of a W-bit two's complement
  # value: ceil(W / 2). A NAF never has two adjacent non-zero digits, so each digit pair
  # (2k, 2k+1) holds at most one, and -2^(W-1) + 2^(W-3) - ... fills every pair. The golden
  # model's tests check it against an enumeration of every value (tests/model/params_test.cpp).
  foreach(_w RANGE ${QSQ_LIMIT_WIDTH_MIN} ${QSQ_LIMIT_WIDTH_MAX})
    math(EXPR QSQ_QMAX_${_w} "(${_w} + 1) / 2")
  endforeach()
  # The configuration fields hold every valid value at every width the limits allow:
  # q in 0..Qmax(W) (0 = exact), p in 0..W (p = W drops every digit), codebook ids 0..count-1.
  _qsq_bits_for(QSQ_Q_BITS ${QSQ_QMAX_${QSQ_LIMIT_WIDTH_MAX}})
  _qsq_bits_for(QSQ_P_BITS ${QSQ_LIMIT_WIDTH_MAX})
  math(EXPR _last "${_n} - 1")
  _qsq_bits_for(QSQ_CODEBOOK_BITS ${_last})
endmacro()

# The RTL files of rtl/<name>.f (qsq: the whole RTL; qsq_lane: the lane alone), absolute, in order.
function(qsq_rtl_list out name)
  set(f "${QSQ_CONTRACT_ROOT}/rtl/${name}.f")
  if(NOT EXISTS "${f}")
    message(FATAL_ERROR "${f} does not exist: run cmake -P cmake/gen_params.cmake")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${f}")
  file(STRINGS "${f}" lines REGEX "^[^/# ]")
  set(files)
  foreach(l ${lines})
    list(APPEND files "${QSQ_CONTRACT_ROOT}/rtl/${l}")
  endforeach()
  set(${out} ${files} PARENT_SCOPE)
endfunction()

# Verilator top-level parameter overrides (-GWidth=5 ...) of a preset (call qsq_contract_load first).
function(qsq_preset_generics out preset)
  if(NOT DEFINED QSQ_PRESET_${preset}_WIDTH)
    message(FATAL_ERROR "unknown preset '${preset}' (config/params.json has: ${QSQ_PRESETS})")
  endif()
  set(g -GWidth=${QSQ_PRESET_${preset}_WIDTH} -GLanes=${QSQ_PRESET_${preset}_LANES}
        -GCodeBits=${QSQ_PRESET_${preset}_CODE_BITS} -GAccWidth=${QSQ_PRESET_${preset}_ACC_WIDTH})
  if(NOT QSQ_PRESET_${preset}_ROWS EQUAL 0)  # a qsq_grid preset
    list(APPEND g -GRows=${QSQ_PRESET_${preset}_ROWS} -GSlots=${QSQ_PRESET_${preset}_SLOTS})
  endif()
  set(${out} ${g} PARENT_SCOPE)
endfunction()

if(NOT CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  return()  # included: functions only
endif()

# ================================================================================================
# Script mode: write the generated files.
qsq_contract_load()
set(ROOT "${QSQ_CONTRACT_ROOT}")
if(DEFINED OUT_DIR)
  set(CONTRACT "${OUT_DIR}/contract.hpp")
  set(DEFAULTS "${OUT_DIR}/defaults.hpp")
  set(SV "${OUT_DIR}/qsq_pkg.sv")
  set(HLS "${OUT_DIR}/qsq_hls_params.hpp")
  set(FDIR "${OUT_DIR}")
else()
  set(CONTRACT "${ROOT}/model/include/qsq/contract.hpp")
  set(DEFAULTS "${ROOT}/model/include/qsq/defaults.hpp")
  set(SV "${ROOT}/rtl/qsq_pkg.sv")
  set(HLS "${ROOT}/hls/qsq_hls_params.hpp")
  set(FDIR "${ROOT}/rtl")
endif()
set(BANNER "generated from config/params.json by cmake/gen_params.cmake: do not edit")
set(W ${QSQ_PRESET_default_WIDTH})
set(N ${QSQ_PRESET_default_LANES})
set(B ${QSQ_PRESET_default_CODE_BITS})
set(A ${QSQ_PRESET_default_ACC_WIDTH})
foreach(k WIDTH_MIN WIDTH_MAX CODE_BITS_MIN CODE_BITS_MAX ACC_WIDTH_MIN ACC_WIDTH_MAX LANES_MIN LANES_MAX
          ROWS_MIN ROWS_MAX SLOTS_MIN SLOTS_MAX)
  set(L_${k} ${QSQ_LIMIT_${k}})
endforeach()
set(QB ${QSQ_Q_BITS})
set(PB ${QSQ_P_BITS})
set(CBB ${QSQ_CODEBOOK_BITS})
set(QMAX_HI ${QSQ_QMAX_${QSQ_LIMIT_WIDTH_MAX}})
list(LENGTH QSQ_CODEBOOKS NCB)
math(EXPR CB_LAST "${NCB} - 1")

# ---- pieces that depend on lists ---------------------------------------------------------------
set(CPP_QMAX "")
set(SV_QMAX "")
foreach(w RANGE ${QSQ_LIMIT_WIDTH_MIN} ${QSQ_LIMIT_WIDTH_MAX})
  if(NOT CPP_QMAX STREQUAL "")
    string(APPEND CPP_QMAX ", ")
  endif()
  string(APPEND CPP_QMAX "${QSQ_QMAX_${w}}")
  string(APPEND SV_QMAX "    (width) == ${w} ? ${QSQ_QMAX_${w}} : \\\n")
endforeach()

set(CPP_CODEBOOKS "")
set(CPP_CODEBOOK_NAMES "")
set(SV_CODEBOOKS "")
set(HLS_CODEBOOKS "")
set(i 0)
foreach(cb ${QSQ_CODEBOOKS})
  _qsq_camel(Cb ${cb})
  string(APPEND CPP_CODEBOOKS "  ${cb} = ${i},  // ${QSQ_CODEBOOK_${i}_DOC}\n")
  if(NOT CPP_CODEBOOK_NAMES STREQUAL "")
    string(APPEND CPP_CODEBOOK_NAMES ", ")
  endif()
  string(APPEND CPP_CODEBOOK_NAMES "\"${cb}\"")
  string(APPEND SV_CODEBOOKS "  localparam codebook_t Codebook${Cb} = ${CBB}'d${i};  // ${QSQ_CODEBOOK_${i}_DOC}\n")
  string(APPEND HLS_CODEBOOKS "inline constexpr int k${Cb} = static_cast<int>(qsq::CodebookId::${cb});\n")
  math(EXPR i "${i} + 1")
endforeach()
list(GET QSQ_CODEBOOKS 0 CB_FIRST)

set(CPP_PRESETS "")
set(CPP_PRESET_ASSERTS "")
set(CPP_ALL "")
set(SV_PRESETS "")
set(HLS_PRESETS "")
foreach(p ${QSQ_PRESETS})
  _qsq_camel(P ${p})
  set(v "${QSQ_PRESET_${p}_WIDTH}, ${QSQ_PRESET_${p}_LANES}, ${QSQ_PRESET_${p}_CODE_BITS}, ${QSQ_PRESET_${p}_ACC_WIDTH}, ${QSQ_PRESET_${p}_ROWS}, ${QSQ_PRESET_${p}_SLOTS}")
  string(APPEND CPP_PRESETS "inline constexpr ParamPreset k${P}{{${v}}, \"${p}\"};\n")
  string(APPEND CPP_PRESET_ASSERTS "static_assert(k${P}.valid());\n")
  if(NOT CPP_ALL STREQUAL "")
    string(APPEND CPP_ALL ", ")
  endif()
  string(APPEND CPP_ALL "k${P}")
  if(QSQ_PRESET_${p}_ROWS EQUAL 0)
    string(APPEND HLS_PRESETS "using ${P}Config = ConfigFor<qsq::presets::k${P}>;\n")
  else()
    string(APPEND HLS_PRESETS "using ${P}Config = GridConfigFor<qsq::presets::k${P}>;\n")
  endif()
  if(p STREQUAL "default")
    set(pre "")
    string(APPEND SV_PRESETS "  // preset \"default\": the parameter defaults of qsq_array and of every leaf module\n")
  elseif(p STREQUAL "grid")
    set(pre "${P}")
    string(APPEND SV_PRESETS "  // preset \"grid\": the parameter defaults of qsq_grid and qsq_grid_row\n")
  else()
    set(pre "${P}")
    string(APPEND SV_PRESETS "  // preset \"${p}\"\n")
  endif()
  string(APPEND SV_PRESETS "  localparam int unsigned ${pre}Width = ${QSQ_PRESET_${p}_WIDTH};\n"
                           "  localparam int unsigned ${pre}Lanes = ${QSQ_PRESET_${p}_LANES};\n"
                           "  localparam int unsigned ${pre}CodeBits = ${QSQ_PRESET_${p}_CODE_BITS};\n"
                           "  localparam int unsigned ${pre}AccWidth = ${QSQ_PRESET_${p}_ACC_WIDTH};\n"
                           "  localparam int unsigned ${pre}Rows = ${QSQ_PRESET_${p}_ROWS};\n"
                           "  localparam int unsigned ${pre}Slots = ${QSQ_PRESET_${p}_SLOTS};\n")
endforeach()

# ---- C++ contract --------------------------------------------------------------------------------
string(CONFIGURE [=[// @BANNER@
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
inline constexpr int kWidthMin = @L_WIDTH_MIN@;
inline constexpr int kWidthMax = @L_WIDTH_MAX@;
inline constexpr int kCodeBitsMin = @L_CODE_BITS_MIN@;
inline constexpr int kCodeBitsMax = @L_CODE_BITS_MAX@;
inline constexpr int kAccWidthMin = @L_ACC_WIDTH_MIN@;
inline constexpr int kAccWidthMax = @L_ACC_WIDTH_MAX@;
inline constexpr int kLanesMin = @L_LANES_MIN@;
inline constexpr int kLanesMax = @L_LANES_MAX@;
inline constexpr int kRowsMin = @L_ROWS_MIN@;    // M of a qsq_grid
inline constexpr int kRowsMax = @L_ROWS_MAX@;
inline constexpr int kSlotsMin = @L_SLOTS_MIN@;  // in-place accumulators per grid row
inline constexpr int kSlotsMax = @L_SLOTS_MAX@;
}  // namespace limits

// Shift-and-scale codebooks, by id: the value of the RTL's cfg_codebook_i (qsq_pkg::Codebook*)
// and of the HLS kernels' codebook field (qsq_hls::k*). An id beyond the last decodes as @CB_FIRST@
// in the hardware. codebook.hpp has the bit-level decoding of each.
enum class CodebookId : std::uint8_t {
@CPP_CODEBOOKS@};
inline constexpr int kNumCodebooks = @NCB@;
inline constexpr const char* kCodebookNames[kNumCodebooks] = {@CPP_CODEBOOK_NAMES@};

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
inline constexpr int kQmax[] = {@CPP_QMAX@};  // W = @L_WIDTH_MIN@..@L_WIDTH_MAX@
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
inline constexpr int kQBits = @QB@;         // q_range(kWidthMax).hi = @QMAX_HI@
inline constexpr int kPBits = @PB@;         // p_port_range(kWidthMax).hi = @L_WIDTH_MAX@
inline constexpr int kCodebookBits = @CBB@;  // codebook ids 0..@CB_LAST@
static_assert((1 << kQBits) > q_range(limits::kWidthMax).hi && (1 << (kQBits - 1)) <= q_range(limits::kWidthMax).hi);
static_assert((1 << kPBits) > p_port_range(limits::kWidthMax).hi && (1 << (kPBits - 1)) <= p_port_range(limits::kWidthMax).hi);
static_assert((1 << kCodebookBits) >= kNumCodebooks);

}  // namespace contract

// The shape of one array: the four parameters of qsq_array (and of every model of it: the HLS
// ArrayConfig, the SystemC model, the Verilated RTL's qsq::rtlsim::Geometry, the energy flow's
// qsq::energy::ArrayShape) and what follows from them; for a 2-D qsq_grid also its rows (M) and
// in-place accumulators per row (slots). Defaults: the "default" preset.
struct Shape {
  int width = @W@;      // W: activation and decoded-weight width (signed two's complement)
  int lanes = @N@;      // N: multiply lanes of the array (columns of a grid)
  int code_bits = @B@;  // bits per weight code
  int acc_width = @A@;  // AccW: wrapping accumulator width
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
@CPP_PRESETS@inline constexpr ParamPreset kAll[] = {@CPP_ALL@};
@CPP_PRESET_ASSERTS@}  // namespace presets

namespace defaults {
inline constexpr int kWidth = presets::kDefault.width;
inline constexpr int kLanes = presets::kDefault.lanes;
inline constexpr int kCodeBits = presets::kDefault.code_bits;
inline constexpr int kAccWidth = presets::kDefault.acc_width;
}  // namespace defaults

}  // namespace qsq
]=] CPP @ONLY)
file(WRITE "${CONTRACT}" "${CPP}")

file(WRITE "${DEFAULTS}" "// ${BANNER}
//
// Description: the older name of qsq/contract.hpp (presets, defaults and limits); new code
// includes qsq/contract.hpp.
#pragma once
#include \"qsq/contract.hpp\"
")

# ---- SystemVerilog package ---------------------------------------------------------------------
string(CONFIGURE [=[// @BANNER@
//
// The hardware contract of the qsq RTL: the presets and limits of config/params.json, the types
// of the configuration fields, the codebook ids and Qmax. The modules take the preset's parameter
// defaults, the field types and every derived value from here, none by hand. The C++ side reads
// the same contract from model/include/qsq/contract.hpp; the ctests rtl_contract_* compare the
// elaborated RTL with it.

// Qmax(W): the most non-zero CSD digits of a W-bit value, ceil(W / 2); also the number of digit
// pairs (2k, 2k+1), so the partial-product rows of a CSD lane. 0 outside the limits. A macro, not a
// package function: Yosys 0.23 numbers its internal objects differently after a constant function
// call, and its netlists (so every energy figure) would change with that numbering.
`define QSQ_QMAX(width) ( \
@SV_QMAX@    0)

package qsq_pkg;
@SV_PRESETS@  // limits the generators and the golden model accept
  localparam int unsigned WidthMin = @L_WIDTH_MIN@;
  localparam int unsigned WidthMax = @L_WIDTH_MAX@;
  localparam int unsigned CodeBitsMin = @L_CODE_BITS_MIN@;
  localparam int unsigned CodeBitsMax = @L_CODE_BITS_MAX@;
  localparam int unsigned AccWidthMin = @L_ACC_WIDTH_MIN@;
  localparam int unsigned AccWidthMax = @L_ACC_WIDTH_MAX@;
  localparam int unsigned LanesMin = @L_LANES_MIN@;
  localparam int unsigned LanesMax = @L_LANES_MAX@;
  localparam int unsigned RowsMin = @L_ROWS_MIN@;
  localparam int unsigned RowsMax = @L_ROWS_MAX@;
  localparam int unsigned SlotsMin = @L_SLOTS_MIN@;
  localparam int unsigned SlotsMax = @L_SLOTS_MAX@;

  // Configuration fields, wide enough for every width the limits allow:
  // q: 1..Qmax(W) keeps the q most significant non-zero CSD digits, 0 means exact;
  // p: digits below position p are dropped, 0..W (p = W drops every digit);
  // codebook: the ids below, an id beyond the last decodes as @CB_FIRST@.
  localparam int unsigned QBits = @QB@;
  localparam int unsigned PBits = @PB@;
  localparam int unsigned CodebookBits = @CBB@;
  typedef logic [QBits-1:0]        q_t;
  typedef logic [PBits-1:0]        p_t;
  typedef logic [CodebookBits-1:0] codebook_t;
@SV_CODEBOOKS@endpackage
]=] PKG @ONLY)
file(WRITE "${SV}" "${PKG}")

# ---- HLS configuration --------------------------------------------------------------------------
string(CONFIGURE [=[// @BANNER@
//
// Description: the HLS configuration of the hardware contract (qsq/contract.hpp): the codebook
// ids as the kernels compare them and one ArrayConfig per preset of config/params.json (a
// GridArrayConfig for a grid preset). Included by qsq_hls_config.hpp, after ArrayConfig,
// ConfigFor and GridConfigFor; not meant to be included alone.
// Usage: qsq_hls::DefaultConfig, qsq_hls::SmallConfig, qsq_hls::kPow2 (through qsq_hls_config.hpp)
#pragma once

namespace qsq_hls {

// Codebook ids (qsq::CodebookId, qsq_pkg::Codebook*).
@HLS_CODEBOOKS@
// The presets.
@HLS_PRESETS@
}  // namespace qsq_hls
]=] HLSTXT @ONLY)
file(WRITE "${HLS}" "${HLSTXT}")

# ---- RTL file lists --------------------------------------------------------------------------------
# Modules are the rtl/*.sv files other than the package, one module per file named like it. A
# module depends on the modules it instantiates (a line starting with a module name followed by
# "#(" or an instance name and "("). Order: the package first (the modules use it), then the
# modules by name. Any order of the modules compiles, but Yosys's netlist depends on the set and
# the order of the files it reads (measured: a different order gave a different qsq_array netlist
# at W = 8), so this is the order the energy flow has always read them in.
# qsq.f lists the whole RTL: Verilator, the lint tests, the lock-step build and the synthesis of
# qsq_array read it (the array keeps reading every file, qsq_lane.sv included, for the same
# reason). Tops that are also synthesized on their own get a list with only what they need.
set(OWN_LISTS qsq_lane)  # compare-mult and qsq synth wrap the lane alone
file(GLOB svs RELATIVE "${ROOT}/rtl" "${ROOT}/rtl/*.sv")
list(SORT svs)
list(REMOVE_ITEM svs qsq_pkg.sv)
set(mods)
foreach(f ${svs})
  string(REGEX REPLACE "\\.sv$" "" m "${f}")
  list(APPEND mods ${m})
endforeach()
foreach(m ${mods})
  file(STRINGS "${ROOT}/rtl/${m}.sv" lines)
  set(found FALSE)
  foreach(l ${lines})
    if(l MATCHES "^module ${m}( |$)")
      set(found TRUE)
    endif()
  endforeach()
  if(NOT found)
    message(FATAL_ERROR "rtl/${m}.sv does not declare module ${m} (one module per file, named like it)")
  endif()
  set(DEPS_${m})
  foreach(d ${mods})
    if(NOT d STREQUAL m)
      foreach(l ${lines})
        if(l MATCHES "^[ \t]*${d}[ \t]+(#|[A-Za-z_][A-Za-z0-9_]*[ \t]*\\()")
          list(APPEND DEPS_${m} ${d})
          break()
        endif()
      endforeach()
    endif()
  endforeach()
endforeach()

# The modules a top needs: itself and everything it instantiates, directly or not.
function(_qsq_closure out top)
  set(need ${top})
  set(todo ${top})
  while(todo)
    list(POP_FRONT todo m)
    foreach(d ${DEPS_${m}})
      if(NOT d IN_LIST need)
        list(APPEND need ${d})
        list(APPEND todo ${d})
      endif()
    endforeach()
  endwhile()
  list(SORT need)
  set(${out} ${need} PARENT_SCOPE)
endfunction()

function(_qsq_write_list name modules what)
  set(t "// ${BANNER}\n//\n// ${what}\n// Order: the package first, then the modules by name (Yosys's netlist depends on it: keep it).\n// Paths are relative to this file (verilator -F; CMake and qsq read them the same way).\nqsq_pkg.sv\n")
  foreach(m ${modules})
    string(APPEND t "${m}.sv\n")
  endforeach()
  file(WRITE "${FDIR}/${name}.f" "${t}")
endfunction()

_qsq_write_list(qsq "${mods}" "The whole qsq RTL (every module; tops qsq_array and qsq_lane).")
foreach(top ${OWN_LISTS})
  _qsq_closure(part ${top})
  _qsq_write_list(${top} "${part}" "The RTL of ${top} alone (the modules it instantiates).")
endforeach()

message(STATUS "qsq contract: wrote ${CONTRACT}, ${DEFAULTS}, ${SV}, ${HLS}, ${FDIR}/qsq.f and the lists of ${OWN_LISTS}")
