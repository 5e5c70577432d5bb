// Description: FPGA pin wrapper of qsq_array for place and route (nextpnr-ice40): the array
// has more ports than a package has pins, so every wide input comes from a shift register fed
// by one serial pin, and the result is folded to 8 bits by XOR. The array and its timing paths
// are unchanged; the wrapper adds one register stage in front and a fold behind.
// Usage: synthesized by `qsq synth` with constraints/qsq_ice40.pcf; not for simulation.
module qsq_fpga_wrap #(
  parameter bit GateEn    = 1'b0,  // on FPGAs the clock gates become clock enables
  parameter bit ExactLane = 1'b0
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       sin_i,        // serial data into the input shift register
  input  logic       shift_i,      // shift one bit in at this edge
  input  logic       wld_valid_i,
  input  logic       act_valid_i,
  input  logic       res_ready_i,
  output logic       wld_ready_o,
  output logic       act_ready_o,
  output logic       res_valid_o,
  output logic [7:0] res_fold_o
);
  localparam int unsigned W  = qsq_pkg::Width;
  localparam int unsigned N  = qsq_pkg::Lanes;
  localparam int unsigned CB = qsq_pkg::CodeBits;
  localparam int unsigned AW = qsq_pkg::AccWidth;
  localparam int unsigned QB = qsq_pkg::QBits;
  localparam int unsigned PB = qsq_pkg::PBits;
  localparam int unsigned BB = qsq_pkg::CodebookBits;
  localparam int unsigned CfgBits = QB + PB + BB + 1;  // q, p, codebook, bypass
  localparam int unsigned InBits = CfgBits + N * CB + (W - 1) + N * W + N * W + AW;

  logic [InBits-1:0] sr_q;
  always_ff @(posedge clk_i) begin
    if (shift_i) sr_q <= {sr_q[InBits-2:0], sin_i};
  end

  logic [AW-1:0] res;
  qsq_array #(.GateEn(GateEn), .ExactLane(ExactLane)) u_array (
    .clk_i, .rst_ni,
    .cfg_q_i       (sr_q[0 +: QB]),
    .cfg_p_i       (sr_q[QB +: PB]),
    .cfg_codebook_i(sr_q[QB + PB +: BB]),
    .cfg_bypass_i  (sr_q[QB + PB + BB]),
    .wld_valid_i, .wld_ready_o,
    .wld_codes_i   (sr_q[CfgBits +: N*CB]),
    .wld_scale_i   (sr_q[CfgBits + N*CB +: W-1]),
    .wld_plain_i   (sr_q[CfgBits + N*CB + W-1 +: N*W]),
    .act_valid_i, .act_ready_o,
    .act_data_i    (sr_q[CfgBits + N*CB + W-1 + N*W +: N*W]),
    .act_psum_i    (sr_q[CfgBits + N*CB + W-1 + 2*N*W +: AW]),
    .res_valid_o, .res_ready_i,
    .res_data_o    (res)
  );

  always_comb begin
    res_fold_o = '0;
    for (int i = 0; i < AW; i += 8) res_fold_o ^= 8'(res >> i);
  end
endmodule
