// Description: test-only design for the energy flow: a registered signed 8x8 multiplier whose two
// operand register banks sit behind their own latch + AND clock gates, enabled from ports, so a
// test knows from the stimulus alone how often each gated clock net must toggle.
// Usage: qsq_test_gated_mult dut (.clk_i, .rst_ni, .en_a_i, .en_b_i, .a_i, .b_i, .p_o);
module qsq_test_gated_mult #(
  parameter int unsigned Width  = 8,
  parameter bit          GateEn = 1'b1   // 0: both clock gates pass the clock
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    en_a_i,   // load a_i into bank A at the next rising edge
  input  logic                    en_b_i,   // load b_i into bank B at the next rising edge
  input  logic [Width-1:0]        a_i,
  input  logic [Width-1:0]        b_i,
  output logic [2*Width-1:0]      p_o
);
  // Clock gates: the latch is transparent while the clock is low, so the enable cannot change
  // while the gated clock is high (no glitches).
  logic en_a_latched, en_b_latched;
  always_latch if (!clk_i) en_a_latched = en_a_i | ~GateEn;
  always_latch if (!clk_i) en_b_latched = en_b_i | ~GateEn;
  logic clk_a, clk_b;
  assign clk_a = clk_i & en_a_latched;
  assign clk_b = clk_i & en_b_latched;

  logic [Width-1:0] a_q, b_q;
  always_ff @(posedge clk_a or negedge rst_ni)
    if (!rst_ni) a_q <= '0;
    else if (!GateEn && !en_a_i) a_q <= a_q;   // GateEn = 0: the enable moves into the datapath
    else a_q <= a_i;
  always_ff @(posedge clk_b or negedge rst_ni)
    if (!rst_ni) b_q <= '0;
    else if (!GateEn && !en_b_i) b_q <= b_q;
    else b_q <= b_i;

  always_ff @(posedge clk_i or negedge rst_ni)
    if (!rst_ni) p_o <= '0;
    else p_o <= $signed(a_q) * $signed(b_q);
endmodule
