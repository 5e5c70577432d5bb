// Description: the 2-D quality-scalable grid: M filter rows (qsq_grid_row) x N lanes. Every
// accepted activation beat (N activations) is broadcast to all M rows; each row holds its own
// filter's chunk and accumulates in place in one of `Slots` accumulators, the slot the beat
// names (weight-stationary chunks, output-stationary dot products); a last beat's values leave
// as one M-wide result through a valid/ready port. qsq::GridModel (model/include/qsq/grid.hpp)
// is the golden model; docs/hardware.md has the interface and timing.
// Weights: a load writes one row. The load bank captures it; one cycle later the shared decoder
// (shift and scale) and N shared CSD recoders (q/p mask) turn it into digit masks and the row
// constant, written into that row's load-only clock-gated weight bank, and the load's row mask
// (rows that hold a filter) into the rows-on register. Rows that are off are clock-gated off.
// Activations: one activation bank per column behind its own clock gate, loaded only for a
// non-zero activation (one gate for all M rows). Each lane kind isolates a zero activation where
// that costs least (measured, docs/hardware.md): the CSD and digit-serial rows read the column
// masked once for all M rows (a & !zero); the exact lanes of the baseline read the held column and
// isolate their products after the multiplier (as qsq_array's exact lanes).
// The beat bank holds the beat's slot one-hot, so the rows read their accumulators through AND-OR
// multiplexers whose selects change in two lines per beat (measured 10 to 14 % less energy per MAC
// than a binary select, docs/hardware.md).
// Clock gates: load bank, rows-on, beat bank, N column banks, result-rows bank, and per row its
// weight bank, Slots accumulators and result bank: N + 4 + M * (Slots + 2). GateEn = 0: the gates
// pass the clock and the banks use enables (identical results). ExactLane / BoundLane: as in
// qsq_array (the baseline and the floor instrument of the energy flow); SignedBound = 1 with them,
// the floor instrument that gives each lane's a its weight's sign (qsq_lane_group). Serial = 1:
// digit-serial lanes (qsq_serial_lane): a beat takes one cycle per kept digit of its busiest lane
// whose activation is non-zero (qsq::serial_beat_cycles), so levels that keep fewer digits take
// fewer cycles and fewer rows switch; the weight banks hold digit lists and one constant per step.
// Usage:
//   qsq_grid #(.Width(8), .Lanes(8), .Rows(8), .Slots(16)) u_grid (.clk_i, .rst_ni, .cfg_q_i, ...);
module qsq_grid #(
  parameter int unsigned Width     = qsq_pkg::GridWidth,
  parameter int unsigned Lanes     = qsq_pkg::GridLanes,
  parameter int unsigned Rows      = qsq_pkg::GridRows,
  parameter int unsigned Slots     = qsq_pkg::GridSlots,
  parameter int unsigned CodeBits  = qsq_pkg::GridCodeBits,
  parameter int unsigned AccWidth  = qsq_pkg::GridAccWidth,
  parameter bit          GateEn    = 1'b1,
  parameter bit          ExactLane = 1'b0,
  parameter bit          BoundLane = 1'b0,
  parameter bit          SignedBound = 1'b0, // with ExactLane = BoundLane = 1: lanes pass +-a (signed floor)
  parameter bit          Serial    = 1'b0,   // digit-serial lanes (one kept digit per cycle); needs ExactLane = 0
  parameter int unsigned GroupLanes = 8,     // lanes per qsq_lane_group in a row (synthesis hierarchy only)
  localparam int unsigned RowBits  = Rows > 1 ? $clog2(Rows) : 1,
  localparam int unsigned SlotBits = Slots > 1 ? $clog2(Slots) : 1
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  input  qsq_pkg::q_t                 cfg_q_i,         // sampled with a load, as qsq_array
  input  qsq_pkg::p_t                 cfg_p_i,
  input  qsq_pkg::codebook_t          cfg_codebook_i,
  input  logic                        cfg_bypass_i,
  input  logic                        wld_valid_i,
  output logic                        wld_ready_o,
  input  logic [RowBits-1:0]          wld_row_i,       // the row this load writes
  input  logic [Rows-1:0]             wld_rows_on_i,   // rows that hold a filter from this load on
  input  logic [Lanes*CodeBits-1:0]   wld_codes_i,
  input  logic [Width-2:0]            wld_scale_i,
  input  logic [Lanes*Width-1:0]      wld_plain_i,
  input  logic                        act_valid_i,
  output logic                        act_ready_o,
  input  logic [Lanes*Width-1:0]      act_data_i,      // lane i at [i*Width +: Width], signed
  input  logic [SlotBits-1:0]         act_slot_i,      // the accumulator of every row
  input  logic                        act_first_i,     // the slot starts from 0
  input  logic                        act_last_i,      // the rows' values leave as a result
  output logic                        res_valid_o,
  input  logic                        res_ready_i,
  output logic [Rows*AccWidth-1:0]    res_data_o,      // row r at [r*AccWidth +: AccWidth]
  output logic [Rows-1:0]             res_rows_o       // rows that hold a filter (others: undefined data)
);
  localparam int unsigned SumWidth  = 2 * Width + $clog2(Lanes);
  localparam bit          IsSerial  = Serial && !ExactLane;
  localparam int unsigned Digits    = `QSQ_QMAX(Width);
  localparam int unsigned PosBits   = $clog2(Width);
  localparam int unsigned StepBits  = Digits > 1 ? $clog2(Digits) : 1;
  localparam int unsigned LaneWBits = ExactLane ? Width : IsSerial ? Digits * (2 + PosBits) : 2 * Width;
  localparam int unsigned WBankBits = Lanes * LaneWBits + (ExactLane ? 0 : IsSerial ? Digits * SumWidth : SumWidth);

  // ---- handshake: S1 (beat), S2 (result) ---------------------------------------------------------
  // A beat that is not the last of its slot leaves S1 into its accumulator whatever the result
  // port does; only a last beat waits for S2. Serial: a beat stays in S1 for one step per kept
  // digit of its busiest lane (more: some on row has a digit in the next step); every step but a
  // last beat's final one writes the slot, and the final step of a last beat writes the result.
  logic s1_valid_q, s1_last_q, s2_valid_q;
  logic s1_free, s2_free, wld_fire, act_fire, s2_load, acc_write, final_step;
  logic [Rows-1:0]     more;
  logic [StepBits-1:0] step_q;

  assign final_step  = !IsSerial || !(|more);
  assign s2_free     = !s2_valid_q || res_ready_i;
  assign s1_free     = !s1_valid_q || (final_step && (!s1_last_q || s2_free));
  assign wld_ready_o = s1_free;
  assign act_ready_o = s1_free && !wld_valid_i;
  assign wld_fire    = wld_valid_i && wld_ready_o;
  assign act_fire    = act_valid_i && act_ready_o;
  assign s2_load     = s1_valid_q && s1_last_q && final_step && s2_free;
  assign acc_write   = s1_valid_q && (!final_step || !s1_last_q);

  if (IsSerial) begin : gen_step
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni)                     step_q <= '0;
      else if (act_fire)               step_q <= '0;
      else if (s1_valid_q && !final_step) step_q <= step_q + 1'b1;
    end
  end else begin : gen_no_step
    assign step_q = '0;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_valid_q <= 1'b0;
      s2_valid_q <= 1'b0;
    end else begin
      s1_valid_q <= act_fire || (s1_valid_q && !s1_free);
      s2_valid_q <= s2_load || (s2_valid_q && !res_ready_i);
    end
  end

  // ---- weight load: capture; one cycle later decode + recode into the row's weight bank ----------
  // As in qsq_array: a load is accepted only while S1 is free and blocks the beat of its own
  // cycle, so every beat accepted after it meets the new weights and row mask.
  localparam int unsigned LoadBits = qsq_pkg::QBits + qsq_pkg::PBits + qsq_pkg::CodebookBits + 1 + RowBits
                                    + Rows + Lanes*CodeBits + (Width-1) + Lanes*Width;
  logic [LoadBits-1:0]              load_q;
  qsq_pkg::q_t                      ld_q;
  qsq_pkg::p_t                      ld_p;
  qsq_pkg::codebook_t               ld_codebook;
  logic                             ld_bypass;
  logic [RowBits-1:0]               ld_row;
  logic [Rows-1:0]                  ld_rows_on;
  logic [Lanes*CodeBits-1:0]        ld_codes;
  logic [Width-2:0]                 ld_scale;
  logic [Lanes*Width-1:0]           ld_plain;
  logic                             wld_pending_q;

  qsq_gated_reg #(.Width(LoadBits), .GateEn(GateEn)) u_load_bank (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(wld_fire),
    .d_i({cfg_q_i, cfg_p_i, cfg_codebook_i, cfg_bypass_i, wld_row_i, wld_rows_on_i, wld_codes_i,
          wld_scale_i, wld_plain_i}),
    .q_o(load_q));
  assign {ld_q, ld_p, ld_codebook, ld_bypass, ld_row, ld_rows_on, ld_codes, ld_scale, ld_plain} = load_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) wld_pending_q <= 1'b0;
    else         wld_pending_q <= wld_fire;
  end

  logic [Rows-1:0] rows_on_q;
  qsq_gated_reg #(.Width(Rows), .GateEn(GateEn), .ResetEn(1'b1)) u_rows_on (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(wld_pending_q), .d_i(ld_rows_on), .q_o(rows_on_q));

  logic [Lanes*Width-1:0] w_dec;
  logic [WBankBits-1:0]   wbank_d;
  qsq_decoder #(.Width(Width), .Lanes(Lanes), .CodeBits(CodeBits)) u_decoder (
    .codes_i(ld_codes), .scale_i(ld_scale), .codebook_i(ld_codebook),
    .bypass_i(ld_bypass), .plain_i(ld_plain), .weights_o(w_dec));

  if (ExactLane) begin : gen_wbank_exact
    assign wbank_d = w_dec;
    logic unused_quality;
    assign unused_quality = ^{ld_q, ld_p};
  end else if (IsSerial) begin : gen_wbank_serial
    // Per lane the kept digits as a list (most significant first); per step k the sum over the
    // lanes of the constant of their k-th digit (qsq_pp_const of that one digit), once per load.
    logic [Digits*Lanes*SumWidth-1:0] step_consts;  // step k, lane i at [(k*Lanes + i)*SumWidth]
    for (genvar i = 0; i < Lanes; i++) begin : gen_recoder
      logic [Width-1:0]          pos, neg;
      logic [Digits-1:0]         d_valid, d_neg;
      logic [Digits*PosBits-1:0] d_at;
      qsq_csd_recoder #(.Width(Width)) u_recoder (
        .w_i(w_dec[i*Width +: Width]), .q_i(ld_q), .p_i(ld_p), .pos_o(pos), .neg_o(neg));
      qsq_digit_list #(.Width(Width)) u_list (
        .pos_i(pos), .neg_i(neg), .valid_o(d_valid), .neg_o(d_neg), .at_o(d_at));
      assign wbank_d[i*LaneWBits +: LaneWBits] = {d_at, d_neg, d_valid};
      for (genvar k = 0; k < Digits; k++) begin : gen_step_const
        logic [Width-1:0] one;
        assign one = d_valid[k] ? Width'(1) << d_at[k*PosBits +: PosBits] : '0;
        qsq_pp_const #(.Width(Width), .SumWidth(SumWidth)) u_const (
          .pos_i(d_neg[k] ? '0 : one), .neg_i(d_neg[k] ? one : '0),
          .const_o(step_consts[(k*Lanes + i)*SumWidth +: SumWidth]));
      end
    end
    for (genvar k = 0; k < Digits; k++) begin : gen_const_sum
      logic [SumWidth-1:0] const_sum, const_carry;
      qsq_csa_tree #(.Width(SumWidth), .Inputs(Lanes)) u_const_tree (
        .ops_i(step_consts[k*Lanes*SumWidth +: Lanes*SumWidth]), .sum_o(const_sum), .carry_o(const_carry));
      assign wbank_d[Lanes*LaneWBits + k*SumWidth +: SumWidth] = const_sum + const_carry;
    end
  end else begin : gen_wbank_csd
    // Digit masks per lane, then the sum of the lanes' row constants (qsq_pp_const), once per load.
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

  // ---- S1: beat bank (slot, first, last, zero flags) and one activation bank per column ---------
  logic [Lanes-1:0]    zero_d, zero_q;
  logic [Slots-1:0]    slot_oh_d, slot_oh_q;   // one-hot for the rows' slot multiplexers
  logic                first_q;
  for (genvar i = 0; i < Lanes; i++) begin : gen_zero
    assign zero_d[i] = act_data_i[i*Width +: Width] == '0;
  end
  assign slot_oh_d = Slots'(1) << act_slot_i;
  qsq_gated_reg #(.Width(Slots + 2 + Lanes), .GateEn(GateEn)) u_beat_bank (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(act_fire), .d_i({slot_oh_d, act_first_i, act_last_i, zero_d}),
    .q_o({slot_oh_q, first_q, s1_last_q, zero_q}));

  // The bank loads only non-zero activations and keeps the last one. CSD and digit-serial rows
  // get the column masked here, once for all M rows (their rows are one gate deep, so a swing to 0
  // costs little, and per-lane isolation measured 3 to 6 % worse SDF-timed); exact lanes get the
  // held value, so their multipliers' inputs stay still, and isolate their products (nz_i).
  logic [Lanes*Width-1:0] a_col;
  for (genvar i = 0; i < Lanes; i++) begin : gen_col
    logic [Width-1:0] a_q;
    qsq_gated_reg #(.Width(Width), .GateEn(GateEn)) u_act_bank (
      .clk_i(clk_i), .rst_ni(rst_ni), .en_i(act_fire && !zero_d[i]), .d_i(act_data_i[i*Width +: Width]),
      .q_o(a_q));
    if (ExactLane) begin : gen_held
      assign a_col[i*Width +: Width] = a_q;
    end else begin : gen_masked
      assign a_col[i*Width +: Width] = a_q & {Width{!zero_q[i]}};
    end
  end

  // ---- the rows ------------------------------------------------------------------------------------
  for (genvar r = 0; r < Rows; r++) begin : gen_row
    qsq_grid_row #(
      .Width(Width), .Lanes(Lanes), .Slots(Slots), .AccWidth(AccWidth), .SumWidth(SumWidth),
      .GateEn(GateEn), .ExactLane(ExactLane), .BoundLane(BoundLane), .SignedBound(SignedBound), .Serial(IsSerial),
      .GroupLanes(GroupLanes)
    ) u_row (
      .clk_i(clk_i), .rst_ni(rst_ni), .wld_i(wld_pending_q && ld_row == RowBits'(r)), .wbank_d_i(wbank_d),
      .on_i(rows_on_q[r]), .a_i(a_col), .slot_oh_i(slot_oh_q), .first_i(first_q && step_q == '0),
      .acc_we_i(acc_write), .res_we_i(s2_load), .step_i(step_q), .nz_i(~zero_q), .more_o(more[r]),
      .res_o(res_data_o[r*AccWidth +: AccWidth]));
  end

  // ---- S2: which rows the result holds --------------------------------------------------------------
  qsq_gated_reg #(.Width(Rows), .GateEn(GateEn)) u_result_rows (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(s2_load), .d_i(rows_on_q), .q_o(res_rows_o));

  assign res_valid_o = s2_valid_q;
endmodule
