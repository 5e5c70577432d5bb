// Description: one filter row of qsq_grid: the row's weight bank (CSD digit masks and the row
// constant of its chunk, written through the grid's shared decoder and recoders behind a
// load-only clock gate), N lanes of fixed-shift partial-product rows fed by the broadcast
// column activations, one carry-save tree that also takes the row's accumulator (so a beat
// costs one carry-propagate adder, not two), `Slots` in-place accumulators behind one clock
// gate each, and the row's result bank. A row that holds no filter (on_i = 0) isolates its
// activations and accumulator input and clocks none of its banks, so nothing in it toggles.
// With ExactLane = 1 each lane is a plain a * w (the baseline), with BoundLane = 1 as well the
// lane passes a for a non-zero weight (the energy flow's floor instrument). With Serial = 1 each
// lane is digit-serial (qsq_serial_lane): one kept digit per step, the beat's steps driven by the
// grid, and the tree takes N rows instead of N * Qmax(W). This module is the unit of hierarchical
// synthesis: the grid is M instances of one row.
// Usage:
//   qsq_grid_row #(.Width(8), .Lanes(8), .Slots(16), .AccWidth(32), .SumWidth(19)) u_row (
//     .clk_i, .rst_ni, .wld_i, .wbank_d_i, .on_i, .a_i, .slot_i, .first_i, .acc_we_i, .res_we_i, .res_o);
module qsq_grid_row #(
  parameter int unsigned Width     = qsq_pkg::GridWidth,
  parameter int unsigned Lanes     = qsq_pkg::GridLanes,
  parameter int unsigned Slots     = qsq_pkg::GridSlots,
  parameter int unsigned AccWidth  = qsq_pkg::GridAccWidth,
  parameter int unsigned SumWidth  = 2 * Width + $clog2(Lanes),
  parameter bit          GateEn    = 1'b1,
  parameter bit          ExactLane = 1'b0,
  parameter bit          BoundLane = 1'b0,
  parameter bit          Serial    = 1'b0,
  localparam int unsigned Digits    = `QSQ_QMAX(Width),
  localparam int unsigned PosBits   = $clog2(Width),
  localparam int unsigned StepBits  = Digits > 1 ? $clog2(Digits) : 1,
  // Serial: per lane the digit list {at, neg, valid}, then one row constant per step.
  localparam int unsigned LaneWBits = ExactLane ? Width : Serial ? Digits * (2 + PosBits) : 2 * Width,
  localparam int unsigned WBankBits = Lanes * LaneWBits + (ExactLane ? 0 : Serial ? Digits * SumWidth : SumWidth),
  localparam int unsigned SlotBits  = Slots > 1 ? $clog2(Slots) : 1
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     wld_i,       // write the weight bank (this row's load, one cycle after acceptance)
  input  logic [WBankBits-1:0]     wbank_d_i,   // per lane {neg, pos} (or the weight), then the row constant
  input  logic                     on_i,        // the row holds a filter
  input  logic [Lanes*Width-1:0]   a_i,         // the beat's column activations (0 where the activation is 0)
  input  logic [SlotBits-1:0]      slot_i,
  input  logic                     first_i,     // the slot starts from 0
  input  logic                     acc_we_i,    // a non-last beat leaves S1: write its slot
  input  logic                     res_we_i,    // a last beat leaves S1: write the result bank
  input  logic [StepBits-1:0]      step_i,      // Serial: the beat's step (the digit entry of every lane)
  input  logic [Lanes-1:0]         nz_i,        // Serial: the columns whose activation is not 0
  output logic                     more_o,      // Serial: a lane of this row has a digit in the next step
  output logic [AccWidth-1:0]      res_o
);
  localparam int unsigned RowsPerLane = (ExactLane || Serial) ? 1 : `QSQ_QMAX(Width);
  localparam int unsigned TreeInputs  = Lanes * RowsPerLane + (ExactLane ? 1 : 2);  // + constant + accumulator
  if (!Serial || ExactLane) begin : gen_not_serial
    assign more_o = 1'b0;
    logic unused_serial;
    assign unused_serial = ^{step_i, nz_i};
  end

  logic [WBankBits-1:0] wbank_q;
  qsq_gated_reg #(.Width(WBankBits), .GateEn(GateEn), .ResetEn(1'b1)) u_weight_bank (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(wld_i), .d_i(wbank_d_i), .q_o(wbank_q));

  // ---- the in-place accumulators: one bank per slot, clocked only when its slot is written ------
  logic [AccWidth-1:0]       res_d;   // the beat's value: acc_in + the row's dot product
  logic [Slots*AccWidth-1:0] acc_q;
  for (genvar k = 0; k < Slots; k++) begin : gen_slot
    qsq_gated_reg #(.Width(AccWidth), .GateEn(GateEn)) u_acc_bank (
      .clk_i(clk_i), .rst_ni(rst_ni), .en_i(acc_we_i && on_i && slot_i == SlotBits'(k)),
      .d_i(res_d), .q_o(acc_q[k*AccWidth +: AccWidth]));
  end
  // A first beat (or a row that is off) starts from 0 and leaves the slot multiplexer's output still.
  logic [AccWidth-1:0] acc_in;
  if (Slots > 1) begin : gen_acc_mux
    assign acc_in = (first_i || !on_i) ? '0 : acc_q[slot_i*AccWidth +: AccWidth];
  end else begin : gen_acc_one
    assign acc_in = (first_i || !on_i) ? '0 : acc_q;
    logic unused_slot;
    assign unused_slot = ^slot_i;
  end

  // ---- the lanes' rows, pair-major (the rows of one digit pair cover the same columns), then the
  // ---- row constant and the accumulator --------------------------------------------------------
  logic [TreeInputs*AccWidth-1:0] ops;
  if (ExactLane) begin : gen_exact
    for (genvar i = 0; i < Lanes; i++) begin : gen_lane
      logic signed [Width-1:0]   a_iso;
      logic signed [2*Width-1:0] prod;
      assign a_iso = on_i ? a_i[i*Width +: Width] : '0;
      if (BoundLane) begin : gen_bound
        assign prod = (wbank_q[i*Width +: Width] != '0) ? (2 * Width)'(a_iso) : '0;
      end else begin : gen_mul
        assign prod = a_iso * $signed(wbank_q[i*Width +: Width]);
      end
      assign ops[i*AccWidth +: AccWidth] = AccWidth'(prod);  // sign-extended (or wrapped) to AccW
    end
  end else if (Serial) begin : gen_serial
    // Step k: every lane's k-th kept digit; the step's constant (summed over the lanes at load time).
    logic [Lanes-1:0] next_valid;
    for (genvar i = 0; i < Lanes; i++) begin : gen_lane
      localparam int unsigned Base = i * LaneWBits;
      logic [Digits-1:0]         valid, neg;
      logic [Digits*PosBits-1:0] at;
      logic [SumWidth-1:0]       row;
      assign {at, neg, valid} = wbank_q[Base +: LaneWBits];
      qsq_serial_lane #(.Width(Width), .SumWidth(SumWidth)) u_lane (
        .a_i(a_i[i*Width +: Width]), .en_i(on_i), .valid_i(valid[step_i]), .neg_i(neg[step_i]),
        .at_i(at[step_i*PosBits +: PosBits]), .row_o(row));
      if (SumWidth > AccWidth) begin : gen_wrap
        assign ops[i*AccWidth +: AccWidth] = row[AccWidth-1:0];
        logic unused_row_high;
        assign unused_row_high = ^row[SumWidth-1:AccWidth];
      end else begin : gen_ext
        assign ops[i*AccWidth +: AccWidth] = AccWidth'(row);
      end
      // Valid entries are contiguous from 0: the lane needs another step iff entry step + 1 is valid.
      if (Digits > 1) begin : gen_next
        logic [Digits-1:0] later;
        assign later = valid >> 1;   // later[k] = valid[k + 1]
        assign next_valid[i] = nz_i[i] && (32'(step_i) < Digits - 1) && later[step_i];
      end else begin : gen_one
        assign next_valid[i] = 1'b0;
      end
    end
    assign more_o = on_i && |next_valid;
    logic signed [SumWidth-1:0] step_const;
    assign step_const = wbank_q[Lanes*LaneWBits + step_i*SumWidth +: SumWidth];
    if (SumWidth > AccWidth) begin : gen_const_wrap
      assign ops[(TreeInputs-2)*AccWidth +: AccWidth] = step_const[AccWidth-1:0];
      logic unused_const_high;
      assign unused_const_high = ^step_const[SumWidth-1:AccWidth];
    end else begin : gen_const_sext
      assign ops[(TreeInputs-2)*AccWidth +: AccWidth] = AccWidth'(step_const);
    end
  end else begin : gen_csd
    logic [Lanes*RowsPerLane*SumWidth-1:0] lane_rows;
    for (genvar i = 0; i < Lanes; i++) begin : gen_lane
      qsq_pp_rows #(.Width(Width), .SumWidth(SumWidth)) u_rows (
        .a_i(a_i[i*Width +: Width]), .en_i(on_i), .pos_i(wbank_q[i*LaneWBits +: Width]),
        .neg_i(wbank_q[i*LaneWBits + Width +: Width]),
        .rows_o(lane_rows[i*RowsPerLane*SumWidth +: RowsPerLane*SumWidth]));
      for (genvar k = 0; k < RowsPerLane; k++) begin : gen_pair
        // Rows are unsigned (no sign extension): zero-extend; the constant carries the signs.
        assign ops[(k*Lanes + i)*AccWidth +: AccWidth] =
            AccWidth'(lane_rows[(i*RowsPerLane + k)*SumWidth +: SumWidth]);
      end
    end
    // The row constant is a negative number that fits SumWidth bits: sign-extend it to AccW, or,
    // when AccW is narrower, keep its low bits (everything wraps modulo 2^AccW anyway).
    logic signed [SumWidth-1:0] row_const;
    assign row_const = wbank_q[Lanes*LaneWBits +: SumWidth];
    if (SumWidth > AccWidth) begin : gen_const_wrap
      assign ops[(TreeInputs-2)*AccWidth +: AccWidth] = row_const[AccWidth-1:0];
      logic unused_const_high;
      assign unused_const_high = ^row_const[SumWidth-1:AccWidth];
    end else begin : gen_const_sext
      assign ops[(TreeInputs-2)*AccWidth +: AccWidth] = AccWidth'(row_const);
    end
  end
  assign ops[(TreeInputs-1)*AccWidth +: AccWidth] = acc_in;

  logic [AccWidth-1:0] tree_sum, tree_carry;
  qsq_csa_tree #(.Width(AccWidth), .Inputs(TreeInputs)) u_tree (
    .ops_i(ops), .sum_o(tree_sum), .carry_o(tree_carry));
  assign res_d = tree_sum + tree_carry;

  qsq_gated_reg #(.Width(AccWidth), .GateEn(GateEn)) u_result_bank (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(res_we_i && on_i), .d_i(res_d), .q_o(res_o));
endmodule
