# Vitis HLS script for the qsq array (NOT run by CI: Vitis HLS is not installed on qsq's machines;
# untested). Run from hls/scripts/vitis:  vitis_hls -f run_hls.tcl
set root [file normalize ../../..]
set cflags "-std=c++17 -DQSQ_HLS_VITIS -I$root/hls -I$root/model/include"

open_project -reset qsq_array_vitis
set_top qsq_array_top_default
add_files qsq_array_top.cpp -cflags $cflags
add_files -tb qsq_array_tb.cpp -cflags $cflags
foreach f [glob $root/model/src/*.cpp] { add_files -tb $f -cflags $cflags }

open_solution -reset default_preset -flow_target vivado
set_part xc7z020clg400-1
create_clock -period 10 -name default
# One beat per cycle: the top's body is pipelined with II = 1 by the directive in qsq_hls_array.hpp.

csim_design
csynth_design
cosim_design -rtl verilog
exit
