// Description: the N-lane weight-stationary quality-scalable CSD multiplier array.
// Each accepted activation beat yields res = wrap_AccW(psum + sum_i a_i * qs_weight(w_i, q, p)),
// one per cycle, two register stages (S1 operands, S2 result); docs/hardware.md has the
// interface and the cycle-level timing contract. A loaded chunk is captured in the load bank,
// then decoded (shift and scale) and recoded to CSD digit masks with the q/p mask applied once,
// into a load-only clock-gated weight bank; per cycle only the non-zero activations of lanes with
// digits move, through fixed-shift AND/XOR rows without sign extension (qsq_pp_rows), one
// carry-save tree over all rows of all lanes, one carry-propagate adder and the psum adder.
// Clock-gated banks: load bank (the accepted chunk and its configuration), weight bank, one
// activation bank per lane, beat bank (psum and zero flags), result bank: Lanes + 4 clock gates. GateEn = 0: the gates pass the clock, registers use
// enables, results identical. ExactLane = 1: the exact baseline (each lane a plain a * w).
// BoundLane = 1 (with ExactLane = 1) is a measuring instrument, not a multiplier: each lane
// passes its activation for a non-zero weight, so the array costs what its registers, gating and
// sum cost with no multiplier at all, the lower bound of any lane datapath (docs/energy.md).
// Usage:
//   qsq_array #(.Width(8), .Lanes(8), .GateEn(1'b1)) u_array (.clk_i, .rst_ni, .cfg_q_i, ...);
module qsq_array #(
  parameter int unsigned Width     = qsq_pkg::Width,
  parameter int unsigned Lanes     = qsq_pkg::Lanes,
  parameter int unsigned CodeBits  = qsq_pkg::CodeBits,
  parameter int unsigned AccWidth  = qsq_pkg::AccWidth,
  parameter bit          GateEn    = 1'b1,
  parameter bit          ExactLane = 1'b0,
  parameter bit          BoundLane = 1'b0
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  input  qsq_pkg::q_t                 cfg_q_i,
  input  qsq_pkg::p_t                 cfg_p_i,
  input  qsq_pkg::codebook_t          cfg_codebook_i,
  input  logic                        cfg_bypass_i,
  input  logic                        wld_valid_i,
  output logic                        wld_ready_o,
  input  logic [Lanes*CodeBits-1:0]   wld_codes_i,
  input  logic [Width-2:0]            wld_scale_i,
  input  logic [Lanes*Width-1:0]      wld_plain_i,
  input  logic                        act_valid_i,
  output logic                        act_ready_o,
  input  logic [Lanes*Width-1:0]      act_data_i,
  input  logic [AccWidth-1:0]         act_psum_i,
  output logic                        res_valid_o,
  input  logic                        res_ready_i,
  output logic [AccWidth-1:0]         res_data_o
);
  // The exact dot product of Lanes terms, each |a * w| <= 2^(2W-2), fits SumWidth signed bits.
  localparam int unsigned SumWidth    = 2 * Width + $clog2(Lanes);
  localparam int unsigned LaneWBits   = ExactLane ? Width : 2 * Width;
  localparam int unsigned RowsPerLane = ExactLane ? 1 : `QSQ_QMAX(Width);
  // qsq lanes: the pair rows of all lanes plus one row, the lanes' constants summed at load time.
  localparam int unsigned ConstBits   = ExactLane ? 0 : SumWidth;
  localparam int unsigned TreeInputs  = ExactLane ? Lanes : Lanes * RowsPerLane + 1;
  localparam int unsigned WBankBits   = Lanes * LaneWBits + ConstBits;

  // ---- handshake and pipeline control ----------------------------------------------------------
  logic s1_valid_q, s2_valid_q;
  logic s1_free, s2_free, wld_fire, act_fire, s2_load;

  assign s2_free     = !s2_valid_q || res_ready_i;
  assign s1_free     = !s1_valid_q || s2_free;
  assign wld_ready_o = s1_free;
  assign act_ready_o = s1_free && !wld_valid_i;
  assign wld_fire    = wld_valid_i && wld_ready_o;
  assign act_fire    = act_valid_i && act_ready_o;
  assign s2_load     = s1_valid_q && s2_free;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_valid_q <= 1'b0;
      s2_valid_q <= 1'b0;
    end else begin
      s1_valid_q <= act_fire || (s1_valid_q && !s2_free);
      s2_valid_q <= s2_load || (s2_valid_q && !res_ready_i);
    end
  end

  // ---- weight load: capture, then decode + recode into the weight bank one cycle later ---------
  // The load bank holds the accepted chunk and its configuration, so the decoder and recoders
  // only see new values once per load (they do not follow the input bus) and have a full cycle.
  // The weight bank is written at the edge after the load was accepted; no beat can be accepted
  // at the load's own edge (a load has priority), so every later beat sees the new weights.
  localparam int unsigned LoadBits = qsq_pkg::QBits + qsq_pkg::PBits + qsq_pkg::CodebookBits + 1
                                    + Lanes*CodeBits + (Width-1) + Lanes*Width;
  logic [LoadBits-1:0]        load_q;
  logic [qsq_pkg::QBits-1:0]  ld_q;
  logic [qsq_pkg::PBits-1:0]  ld_p;
  logic [qsq_pkg::CodebookBits-1:0] ld_codebook;
  logic                       ld_bypass;
  logic [Lanes*CodeBits-1:0]  ld_codes;
  logic [Width-2:0]           ld_scale;
  logic [Lanes*Width-1:0]     ld_plain;
  logic                       wld_pending_q;

  qsq_gated_reg #(.Width(LoadBits), .GateEn(GateEn)) u_load_bank (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(wld_fire),
    .d_i({cfg_q_i, cfg_p_i, cfg_codebook_i, cfg_bypass_i, wld_codes_i, wld_scale_i, wld_plain_i}),
    .q_o(load_q));
  assign {ld_q, ld_p, ld_codebook, ld_bypass, ld_codes, ld_scale, ld_plain} = load_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) wld_pending_q <= 1'b0;
    else         wld_pending_q <= wld_fire;
  end

  logic [Lanes*Width-1:0]     w_dec;
  logic [WBankBits-1:0]       wbank_d, wbank_q;

  qsq_decoder #(.Width(Width), .Lanes(Lanes), .CodeBits(CodeBits)) u_decoder (
    .codes_i(ld_codes), .scale_i(ld_scale), .codebook_i(ld_codebook),
    .bypass_i(ld_bypass), .plain_i(ld_plain), .weights_o(w_dec));

  if (ExactLane) begin : gen_wbank_exact
    assign wbank_d = w_dec;
    logic unused_quality;
    assign unused_quality = ^{ld_q, ld_p};
  end else begin : gen_wbank_csd
    // Per lane the digit masks; above them the sum of the lanes' row constants (qsq_pp_const),
    // computed here once per load so that no constant logic sits in the per-cycle path.
    logic [Lanes*SumWidth-1:0] lane_consts;
    logic [SumWidth-1:0]       const_sum, const_carry;
    for (genvar i = 0; i < Lanes; i++) begin : gen_recoder
      logic [Width-1:0] pos, neg;
      qsq_csd_recoder #(.Width(Width)) u_recoder (
        .w_i(w_dec[i*Width +: Width]), .q_i(ld_q), .p_i(ld_p), .pos_o(pos), .neg_o(neg));
      qsq_pp_const #(.Width(Width), .SumWidth(SumWidth)) u_const (
        .pos_i(pos), .neg_i(neg), .const_o(lane_consts[i*SumWidth +: SumWidth]));
      assign wbank_d[i*LaneWBits +: LaneWBits] = {neg, pos};
    end
    qsq_csa_tree #(.Width(SumWidth), .Inputs(Lanes)) u_const_tree (
      .ops_i(lane_consts), .sum_o(const_sum), .carry_o(const_carry));
    assign wbank_d[Lanes*LaneWBits +: SumWidth] = const_sum + const_carry;
  end

  qsq_gated_reg #(.Width(WBankBits), .GateEn(GateEn), .ResetEn(1'b1)) u_weight_bank (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(wld_pending_q), .d_i(wbank_d), .q_o(wbank_q));

  // ---- S1: beat bank (psum, zero flags) and the lanes' activation banks -------------------------
  logic [Lanes-1:0]    zero_d, zero_q;
  logic [AccWidth-1:0] psum_q;

  qsq_gated_reg #(.Width(AccWidth + Lanes), .GateEn(GateEn)) u_beat_bank (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(act_fire), .d_i({act_psum_i, zero_d}),
    .q_o({psum_q, zero_q}));

  // Whether each lane's weight is non-zero, for the beat being accepted now: while the weight
  // bank is being written (wld_pending_q) that is the incoming weight, else the stored one.
  // Both sides only change once per load.
  logic [Lanes-1:0] has_d, has_q, has_digits;
  for (genvar i = 0; i < Lanes; i++) begin : gen_has
    assign has_d[i] = |wbank_d[i*LaneWBits +: LaneWBits];
    assign has_q[i] = |wbank_q[i*LaneWBits +: LaneWBits];
  end
  assign has_digits = wld_pending_q ? has_d : has_q;

  // Tree input order matters for energy (docs/energy.md): the rows of the same digit pair of all
  // lanes come together (pair-major: they cover the same bit columns and meet first), and the
  // lanes' row constants, summed at load time in the weight bank, are the tree's last input.
  // ExactLane: one product per lane, in lane order.
  logic [TreeInputs*SumWidth-1:0]        rows;
  logic [Lanes*RowsPerLane*SumWidth-1:0] lane_rows;
  for (genvar i = 0; i < Lanes; i++) begin : gen_lane
    qsq_array_lane #(
      .Width(Width), .SumWidth(SumWidth), .GateEn(GateEn), .ExactLane(ExactLane),
      .BoundLane(BoundLane)
    ) u_lane (
      .clk_i(clk_i), .rst_ni(rst_ni), .beat_i(act_fire), .a_i(act_data_i[i*Width +: Width]),
      .wbank_i(wbank_q[i*LaneWBits +: LaneWBits]), .has_digits_i(has_digits[i]), .zero_q_i(zero_q[i]),
      .zero_d_o(zero_d[i]),
      .rows_o(lane_rows[i*RowsPerLane*SumWidth +: RowsPerLane*SumWidth]));
  end

  if (ExactLane) begin : gen_rows_exact
    assign rows = lane_rows;
  end else begin : gen_rows_csd
    for (genvar i = 0; i < Lanes; i++) begin : gen_order
      for (genvar k = 0; k < RowsPerLane; k++) begin : gen_pair
        assign rows[(k*Lanes + i)*SumWidth +: SumWidth] = lane_rows[(i*RowsPerLane + k)*SumWidth +: SumWidth];
      end
    end
    assign rows[(TreeInputs-1)*SumWidth +: SumWidth] = wbank_q[Lanes*LaneWBits +: SumWidth];
  end

  // ---- one carry-save tree over all rows, one carry-propagate adder, the psum adder ------------
  logic [SumWidth-1:0] tree_sum, tree_carry, dot;
  logic [AccWidth-1:0] res_d, res_q;

  qsq_csa_tree #(.Width(SumWidth), .Inputs(TreeInputs)) u_tree (
    .ops_i(rows), .sum_o(tree_sum), .carry_o(tree_carry));
  assign dot   = tree_sum + tree_carry;
  if (SumWidth > AccWidth) begin : gen_dot_wrap
    // Only the low AccWidth bits matter: the result wraps modulo 2^AccWidth anyway.
    assign res_d = psum_q + dot[AccWidth-1:0];
    logic unused_dot_high;
    assign unused_dot_high = ^dot[SumWidth-1:AccWidth];
  end else begin : gen_dot_sext
    assign res_d = psum_q + AccWidth'($signed(dot));
  end

  // ---- S2: result bank --------------------------------------------------------------------------
  qsq_gated_reg #(.Width(AccWidth), .GateEn(GateEn)) u_result_bank (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(s2_load), .d_i(res_d), .q_o(res_q));

  assign res_valid_o = s2_valid_q;
  assign res_data_o  = res_q;
endmodule
