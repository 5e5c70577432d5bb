# Regenerates the hardware contract from config/params.json and fails if a checked-in copy
# differs (someone edited a generated file, or forgot to regenerate after editing the JSON or
# adding an RTL file): the C++ contract, the SystemVerilog package, the HLS presets and the RTL
# file lists.
file(REMOVE_RECURSE ${OUT_DIR})
file(MAKE_DIRECTORY ${OUT_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} -DOUT_DIR=${OUT_DIR} -P ${SRC}/cmake/gen_params.cmake RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gen_params.cmake failed")
endif()
set(stale)
foreach(pair "contract.hpp;model/include/qsq/contract.hpp" "defaults.hpp;model/include/qsq/defaults.hpp"
             "qsq_pkg.sv;rtl/qsq_pkg.sv" "qsq_hls_params.hpp;hls/qsq_hls_params.hpp"
             "qsq.f;rtl/qsq.f" "qsq_lane.f;rtl/qsq_lane.f")
  list(GET pair 0 gen)
  list(GET pair 1 checked)
  file(READ ${OUT_DIR}/${gen} a)
  if(EXISTS ${SRC}/${checked})
    file(READ ${SRC}/${checked} b)
  else()
    set(b "")
  endif()
  if(NOT a STREQUAL b)
    list(APPEND stale ${checked})
  endif()
endforeach()
if(stale)
  message(FATAL_ERROR "out of date with config/params.json and rtl/: ${stale}; run cmake -P cmake/gen_params.cmake")
endif()
message(STATUS "hardware contract in sync")
