// Description: clock gate of one register bank: a latch that is transparent while the clock is
// low, ANDed with the clock, so the gated clock only pulses in cycles whose enable was high
// before the rising edge (no glitches). Generic description for simulation and for libraries
// without an integrated clock-gate cell; replace the body by the library's ICG when it has one.
// With GateEn = 0 the clock passes through unchanged (the registers behind it then use enables).
// Usage:
//   qsq_clock_gate #(.GateEn(GateEn)) u_cg (.clk_i(clk_i), .en_i(load), .clk_o(gclk));
(* keep_hierarchy *)
module qsq_clock_gate #(
  parameter bit GateEn = 1'b1
) (
  input  logic clk_i,
  input  logic en_i,
  output logic clk_o  /*verilator public_flat_rd*/  // readable by name (VPI) in tests
);
  if (GateEn) begin : gen_gate
    logic en_latched;
    // Transparent while clk_i is low: the enable settles during the low phase and is frozen
    // while the clock is high, so clk_o is a clean copy of the high phase or stays low.
    always_latch begin
      if (!clk_i) en_latched = en_i;
    end
    assign clk_o = clk_i & en_latched;
  end else begin : gen_pass
    assign clk_o = clk_i;
    logic unused_en;
    assign unused_en = en_i;
  end
endmodule
