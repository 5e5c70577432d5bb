# Elaborates an RTL top with Verilator (--xml-only) once per parameter set and runs the contract
# check (qsq_rtl_contract_check) on the results: the elaborated port widths and derived parameters
# must equal qsq/contract.hpp's.
# Inputs: VERILATOR, CHECKER, WORK, TOP, SOURCES (list), CONFIGS (list; each a "|"-separated list
# of Verilator options such as -GWidth=5, "-" for none).
file(MAKE_DIRECTORY ${WORK})
set(xmls)
set(i 0)
foreach(cfg ${CONFIGS})
  if(cfg STREQUAL "-")
    set(opts)
  else()
    string(REPLACE "|" ";" opts "${cfg}")
  endif()
  set(xml ${WORK}/${TOP}_${i}.xml)
  # -Wno-fatal: the lint tests report warnings; here the contract check gives the reason.
  execute_process(COMMAND ${VERILATOR} --xml-only -Wno-fatal --top-module ${TOP} ${opts} --xml-output ${xml} ${SOURCES}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "verilator --xml-only ${TOP} ${opts} failed (${rc}):\n${out}\n${err}")
  endif()
  list(APPEND xmls ${xml})
  math(EXPR i "${i} + 1")
endforeach()
execute_process(COMMAND ${CHECKER} ${xmls} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the elaborated RTL disagrees with the hardware contract (qsq/contract.hpp)")
endif()
