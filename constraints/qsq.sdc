# Timing constraints of qsq_array (and of every block the energy flow synthesizes): one clock on
# the clock port, inputs arriving and outputs required at the clock edge (a registered
# neighbour on each side), a nominal input transition. The flow sets qsq_clock_ns and
# qsq_clock_port before reading this file; the defaults below apply when it is read by hand.
if {![info exists qsq_clock_ns]} { set qsq_clock_ns 10.0 }
if {![info exists qsq_clock_port]} { set qsq_clock_port clk_i }
if {[llength [get_ports -quiet $qsq_clock_port]] > 0} {
  create_clock -name clk -period $qsq_clock_ns [get_ports $qsq_clock_port]
  set qsq_data_inputs [delete_from_list [all_inputs] [get_ports $qsq_clock_port]]
} else {
  # A combinational block (a lane alone): a virtual clock times input-to-output paths.
  create_clock -name clk -period $qsq_clock_ns
  set qsq_data_inputs [all_inputs]
}
set_input_delay 0.0 -clock clk $qsq_data_inputs
set_output_delay 0.0 -clock clk [all_outputs]
set_input_transition 0.1 $qsq_data_inputs
# The asynchronous reset is not timed against the clock.
if {[llength [get_ports -quiet rst_ni]] > 0} { set_false_path -from [get_ports rst_ni] }
