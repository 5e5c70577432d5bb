# Synthesizes qsq_array with Yosys (generic `synth`, hierarchy kept) and checks:
#  - it synthesizes without errors,
#  - the number of latches equals EXPECT_LATCHES (one per gated register bank: Lanes + 4 with
#    GateEn = 1, none with GateEn = 0), counted in the design-hierarchy totals,
#  - the clock gates are still separate modules (keep_hierarchy) when gating is on.
# Inputs: YOSYS, SOURCES (list), LANES, GATE_EN, EXACT, EXPECT_LATCHES, EXTRA (yosys commands), WORK.
file(MAKE_DIRECTORY ${WORK})
string(REPLACE ";" " " src "${SOURCES}")
set(script "read_verilog -sv ${src}; chparam -set Lanes ${LANES} -set GateEn ${GATE_EN} -set ExactLane ${EXACT} qsq_array; ${EXTRA} synth -top qsq_array; tee -o ${WORK}/stat.txt stat")
execute_process(COMMAND ${YOSYS} -q -p "${script}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "yosys failed (${rc}):\n${out}\n${err}")
endif()
file(READ ${WORK}/stat.txt stat)
# The hierarchy totals come last, after "=== design hierarchy ===".
string(FIND "${stat}" "=== design hierarchy ===" at)
if(at LESS 0)
  message(FATAL_ERROR "no design hierarchy section in the yosys stat output")
endif()
string(SUBSTRING "${stat}" ${at} -1 totals)
set(latches 0)
string(REGEX MATCHALL "\\$_DLATCH_[NP]_ +[0-9]+" found "${totals}")
foreach(f ${found})
  string(REGEX REPLACE ".* +([0-9]+)$" "\\1" c "${f}")
  math(EXPR latches "${latches} + ${c}")
endforeach()
message(STATUS "latches: ${latches}, expected ${EXPECT_LATCHES}")
if(NOT latches EQUAL EXPECT_LATCHES)
  message(FATAL_ERROR "found ${latches} latches, expected ${EXPECT_LATCHES} (one per gated register bank)")
endif()
if(GATE_EN AND NOT stat MATCHES "=== \\$paramod\\\\qsq_clock_gate\\\\GateEn=1'1 ===")
  message(FATAL_ERROR "the clock gate module did not keep its hierarchy")
endif()
