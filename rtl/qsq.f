// generated from config/params.json by cmake/gen_params.cmake: do not edit
//
// The whole qsq RTL (every module; tops qsq_array and qsq_lane).
// Order: the package first, then the modules by name (Yosys's netlist depends on it: keep it).
// Paths are relative to this file (verilator -F; CMake and qsq read them the same way).
qsq_pkg.sv
qsq_array.sv
qsq_array_lane.sv
qsq_clock_gate.sv
qsq_csa_tree.sv
qsq_csd_recoder.sv
qsq_decoder.sv
qsq_digit_list.sv
qsq_gated_reg.sv
qsq_grid.sv
qsq_grid_row.sv
qsq_lane.sv
qsq_lane_group.sv
qsq_pp_const.sv
qsq_pp_rows.sv
qsq_serial_lane.sv
