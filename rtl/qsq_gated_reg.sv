// Description: a register bank behind one clock gate. With GateEn = 1 its flops are clocked by
// the gated clock and have no enable multiplexer (the gate is the enable); with GateEn = 0 the
// gate passes the clock and the flops hold through an enable, so both versions store exactly the
// same values in the same cycles. Optional asynchronous reset to ResetValue.
// Usage:
//   qsq_gated_reg #(.Width(8), .GateEn(GateEn)) u_bank (
//     .clk_i, .rst_ni, .en_i(load), .d_i(next), .q_o(value));
module qsq_gated_reg #(
  parameter int unsigned     Width      = 8,
  parameter bit              GateEn     = 1'b1,
  parameter bit              ResetEn    = 1'b0,
  parameter logic [Width-1:0] ResetValue = '0
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             en_i,
  input  logic [Width-1:0] d_i,
  output logic [Width-1:0] q_o
);
  logic             gclk;
  logic [Width-1:0] bank_q;

  qsq_clock_gate #(.GateEn(GateEn)) u_cg (.clk_i(clk_i), .en_i(en_i), .clk_o(gclk));

  if (GateEn && ResetEn) begin : gen_gated_rst
    always_ff @(posedge gclk or negedge rst_ni) begin
      if (!rst_ni) bank_q <= ResetValue;
      else         bank_q <= d_i;
    end
  end else if (GateEn) begin : gen_gated
    always_ff @(posedge gclk) bank_q <= d_i;
    logic unused_rst;
    assign unused_rst = rst_ni;
  end else if (ResetEn) begin : gen_enable_rst
    always_ff @(posedge gclk or negedge rst_ni) begin
      if (!rst_ni)   bank_q <= ResetValue;
      else if (en_i) bank_q <= d_i;
    end
  end else begin : gen_enable
    always_ff @(posedge gclk) begin
      if (en_i) bank_q <= d_i;
    end
    logic unused_rst;
    assign unused_rst = rst_ni;
  end

  assign q_o = bank_q;
endmodule
