# Xilinx 7-series constraints of qsq_array for a Vivado run of the design that `qsq synth`
# counts with Yosys synth_xilinx (Yosys itself does not read XDC). The clock matches
# constraints/qsq.sdc (10 ns); I/O delays are zero against the same clock, as in the SDC.
create_clock -name clk -period 10.000 [get_ports clk_i]
set_input_delay -clock clk 0.000 [get_ports -filter {DIRECTION == IN && NAME != clk_i}]
set_output_delay -clock clk 0.000 [get_ports -filter {DIRECTION == OUT}]
set_false_path -from [get_ports rst_ni]
