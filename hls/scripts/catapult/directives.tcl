# Catapult HLS script for the qsq array (NOT run by CI: Catapult is not installed on qsq's
# machines; untested). Run from hls/scripts/catapult:  catapult -file directives.tcl
set root [file normalize ../../..]
options set Input/CppStandard c++17
options set Input/CompilerFlags "-DQSQ_HLS_CATAPULT -I$root/hls -I$root/model/include"
project new -name qsq_array_catapult
solution file add ../vitis/qsq_array_top.cpp -type C++
solution file add ../vitis/qsq_array_tb.cpp -type C++ -exclude true
directive set -DESIGN_HIERARCHY qsq_array_top_default
go compile
solution library add nangate-45nm_beh -- -rtlsyntool DesignCompiler -vendor Nangate -technology 045nm
go libraries
directive set -CLOCKS {clk {-CLOCK_PERIOD 10.0}}
go assembly
# One beat per cycle; the loops are unrolled by the hls_unroll pragmas in the kernels.
directive set /qsq_array_top_default/core/main -PIPELINE_INIT_INTERVAL 1
go architect
go extract
project save
