# Hierarchical synthesis of qsq_grid with Yosys (generic `synth`): the row module and the lane-group
# module inside it are kept (keep_hierarchy), everything else is flattened into the top, the row
# and the group, so the row is synthesized once and instantiated M times, and each group module
# once and instantiated in every row. Checks:
#  - it synthesizes without errors,
#  - the design hierarchy holds exactly one row module, instantiated ROWS times,
#  - each row instantiates GROUPS lane-group modules (the hierarchy lists them per row),
#  - the latches (one per gated bank: Lanes + 4 + Rows * (Slots + 2)) equal EXPECT_LATCHES.
# Inputs: YOSYS, SOURCES (list), CHPARAMS (yosys `chparam -set` arguments), ROWS, GROUPS, EXPECT_LATCHES, WORK.
# The parameters are set with the chparam command before `hierarchy`: Yosys 0.23's
# `hierarchy -chparam` fails an internal assertion on qsq_grid (seen here); after chparam the top
# is a derived module ($paramod...), so `rename -top` gives it its name back.
file(MAKE_DIRECTORY ${WORK})
string(REPLACE ";" " " src "${SOURCES}")
string(REPLACE ";" " " chp "${CHPARAMS}")
string(CONCAT script "read_verilog -sv ${src}; chparam ${chp} qsq_grid; hierarchy -check -top qsq_grid; rename -top qsq_grid; setattr -mod -unset keep_hierarchy; "
           "setattr -mod -set keep_hierarchy 1 *qsq_grid_row* *qsq_lane_group*; flatten; synth -top qsq_grid; tee -o ${WORK}/stat.txt stat")
file(WRITE ${WORK}/script.ys "${script}\n")
execute_process(COMMAND ${YOSYS} -q -p "${script}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "yosys failed (${rc}):\n${out}\n${err}")
endif()
file(READ ${WORK}/stat.txt stat)
string(FIND "${stat}" "=== design hierarchy ===" at)
if(at LESS 0)
  message(FATAL_ERROR "no design hierarchy section in the yosys stat output")
endif()
string(SUBSTRING "${stat}" ${at} -1 totals)
string(REGEX MATCHALL "qsq_grid_row +[0-9]+" rows "${totals}")
list(LENGTH rows nrow)
if(NOT nrow EQUAL 1)
  message(FATAL_ERROR "expected one row module in the hierarchy, found ${nrow}: ${rows}")
endif()
string(REGEX REPLACE ".* +([0-9]+)$" "\\1" count "${rows}")
if(NOT count EQUAL ROWS)
  message(FATAL_ERROR "the row module is instantiated ${count} times, expected ${ROWS}")
endif()
# One line per derived group module (the group that adds the row's constant differs from the others).
string(REGEX MATCHALL "qsq_lane_group +[0-9]+" group_lines "${totals}")
set(groups 0)
foreach(g ${group_lines})
  string(REGEX REPLACE ".* +([0-9]+)$" "\\1" c "${g}")
  math(EXPR groups "${groups} + ${c}")
endforeach()
if(NOT groups EQUAL GROUPS)
  message(FATAL_ERROR "a row instantiates ${groups} lane-group modules, expected ${GROUPS}")
endif()
set(latches 0)
string(REGEX MATCHALL "\\$_DLATCH_[NP]_ +[0-9]+" found "${totals}")
foreach(f ${found})
  string(REGEX REPLACE ".* +([0-9]+)$" "\\1" c "${f}")
  math(EXPR latches "${latches} + ${c}")
endforeach()
message(STATUS "one row module x ${count}; lane groups per row: ${groups}; latches: ${latches}, expected ${EXPECT_LATCHES}")
if(NOT latches EQUAL EXPECT_LATCHES)
  message(FATAL_ERROR "found ${latches} latches, expected ${EXPECT_LATCHES} (one per gated register bank)")
endif()
