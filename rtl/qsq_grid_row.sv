// Description: one filter row of qsq_grid: the row's weight bank (CSD digit masks and the row
// constant of its chunk, written through the grid's shared decoder and recoders behind a
// load-only clock gate), N lanes of fixed-shift partial-product rows fed by the broadcast
// column activations, carry-save trees (per lane group, then one over the groups and the row's
// accumulator, so a beat costs one carry-propagate adder, not two), `Slots` in-place accumulators
// behind one clock gate each, read through a one-hot AND-OR multiplexer, and the row's result
// bank. A row that holds no filter (on_i = 0) isolates its activations and accumulator input and
// clocks none of its banks, so nothing in it toggles.
// With ExactLane = 1 each lane is a plain a * w (the baseline), with BoundLane = 1 as well the
// lane passes a for a non-zero weight (the energy flow's floor instrument), and with SignedBound = 1
// too it passes a with the weight's sign (the signed floor, qsq_lane_group). With Serial = 1 each
// lane is digit-serial (qsq_serial_lane): one kept digit per step, the beat's steps driven by the
// grid, and the tree takes N rows instead of N * Qmax(W). This module is the unit of hierarchical
// synthesis (the grid is M instances of one row), and the lanes inside it come in groups of
// GroupLanes (qsq_lane_group, the second unit: a group's tree reduces its lanes' rows, and in
// group 0 also the constant, to a sum and a carry; the row adds the groups and the accumulator).
// Usage:
//   qsq_grid_row #(.Width(8), .Lanes(8), .Slots(16), .AccWidth(32), .SumWidth(19), .GroupLanes(8)) u_row (
//     .clk_i, .rst_ni, .wld_i, .wbank_d_i, .on_i, .a_i, .slot_oh_i, .first_i, .acc_we_i, .res_we_i, .res_o);
module qsq_grid_row #(
  parameter int unsigned Width     = qsq_pkg::GridWidth,
  parameter int unsigned Lanes     = qsq_pkg::GridLanes,
  parameter int unsigned Slots     = qsq_pkg::GridSlots,
  parameter int unsigned AccWidth  = qsq_pkg::GridAccWidth,
  parameter int unsigned SumWidth  = 2 * Width + $clog2(Lanes),
  parameter bit          GateEn    = 1'b1,
  parameter bit          ExactLane = 1'b0,
  parameter bit          BoundLane = 1'b0,
  parameter bit          SignedBound = 1'b0,
  parameter bit          Serial    = 1'b0,
  // Lanes per qsq_lane_group, the second unit of hierarchical synthesis: abc maps an 8-lane
  // group as it mapped the grid preset's whole row, while a 32-lane row as one module did not
  // finish in 41 minutes. Every group boundary costs area and delay that abc cannot optimize
  // across (the grid preset with groups of 4: +5.7 % area, 1.8 ns slower), so groups are as large
  // as abc handles. The function does not depend on it (the grid-small models are Verilated with
  // groups of 2: a full and a partial group).
  parameter int unsigned GroupLanes = 8,
  localparam int unsigned Digits    = `QSQ_QMAX(Width),
  localparam int unsigned PosBits   = $clog2(Width),
  localparam int unsigned StepBits  = Digits > 1 ? $clog2(Digits) : 1,
  // Serial: per lane the digit list {at, neg, valid}, then one row constant per step.
  localparam int unsigned LaneWBits = ExactLane ? Width : Serial ? Digits * (2 + PosBits) : 2 * Width,
  localparam int unsigned WBankBits = Lanes * LaneWBits + (ExactLane ? 0 : Serial ? Digits * SumWidth : SumWidth)
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     wld_i,       // write the weight bank (this row's load, one cycle after acceptance)
  input  logic [WBankBits-1:0]     wbank_d_i,   // per lane {neg, pos} (or the weight), then the row constant
  input  logic                     on_i,        // the row holds a filter
  input  logic [Lanes*Width-1:0]   a_i,         // the columns (CSD, serial: 0 for a zero activation; exact: held)
  input  logic [Slots-1:0]         slot_oh_i,   // the beat's slot, one-hot
  input  logic                     first_i,     // the slot starts from 0
  input  logic                     acc_we_i,    // a non-last beat leaves S1: write its slot
  input  logic                     res_we_i,    // a last beat leaves S1: write the result bank
  input  logic [StepBits-1:0]      step_i,      // Serial: the beat's step (the digit entry of every lane)
  input  logic [Lanes-1:0]         nz_i,        // the columns whose activation is not 0 (exact lanes isolate the others; serial: steps)
  output logic                     more_o,      // Serial: a lane of this row has a digit in the next step
  output logic [AccWidth-1:0]      res_o
);
  // The weight bank's data comes from the grid's shared decoder and recoders, which every load
  // changes; isolated by this row's load, only the row being written sees it (a flop's D pin
  // spends internal energy on every transition, clocked or not).
  logic [WBankBits-1:0] wbank_q, wbank_d;
  assign wbank_d = wbank_d_i & {WBankBits{wld_i}};
  qsq_gated_reg #(.Width(WBankBits), .GateEn(GateEn), .ResetEn(1'b1)) u_weight_bank (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(wld_i), .d_i(wbank_d), .q_o(wbank_q));

  // ---- the in-place accumulators: one bank per slot, clocked only when its slot is written ------
  // The slot arrives one-hot and is read through an AND-OR multiplexer. Successive beats name
  // successive slots, so a binary select's low bit would toggle every beat into the select input
  // of every multiplexer cell (Slots - 1 per accumulator bit); one-hot, two select lines change per
  // beat and each drives one AND gate per bit.
  logic [AccWidth-1:0]       res_d;   // the beat's value: acc_in + the row's dot product
  logic [Slots*AccWidth-1:0] acc_q;
  logic [AccWidth-1:0]       acc_sel;
  always_comb begin
    acc_sel = '0;
    for (int unsigned k = 0; k < Slots; k++) begin
      acc_sel |= acc_q[k*AccWidth +: AccWidth] & {AccWidth{slot_oh_i[k]}};
    end
  end
  // The banks' data inputs are isolated in groups of SlotGroup slots: the adder's output glitches
  // while a beat settles, and a flop's D pin spends internal energy on every transition, clocked
  // or not, so without isolation every glitch was paid Slots + 1 times (all banks and the result
  // bank). Per group, not per slot: a glitch then reaches the group's AND inputs and the beat's
  // group of D pins, for a quarter of the AND gates, and the slot lines keep their load.
  localparam int unsigned SlotGroup = 4;
  localparam int unsigned SlotGroups = (Slots + SlotGroup - 1) / SlotGroup;
  for (genvar g = 0; g < SlotGroups; g++) begin : gen_slot
    localparam int unsigned First = g * SlotGroup;
    localparam int unsigned InGroup = (Slots - First < SlotGroup) ? Slots - First : SlotGroup;
    logic [AccWidth-1:0] group_d;
    assign group_d = res_d & {AccWidth{|slot_oh_i[First +: InGroup]}};
    for (genvar k = 0; k < InGroup; k++) begin : gen_bank
      qsq_gated_reg #(.Width(AccWidth), .GateEn(GateEn)) u_acc_bank (
        .clk_i(clk_i), .rst_ni(rst_ni), .en_i(acc_we_i && on_i && slot_oh_i[First + k]),
        .d_i(group_d), .q_o(acc_q[(First + k)*AccWidth +: AccWidth]));
    end
  end
  // A first beat (or a row that is off) starts from 0.
  logic [AccWidth-1:0] acc_in;
  assign acc_in = (first_i || !on_i) ? '0 : acc_sel;

  // ---- the row constant (CSD: the chunk's; Serial: the step's, summed over the lanes at load time):
  // ---- group 0 adds it to its lanes' rows ------------------------------------------------------
  localparam int unsigned SideInputs = ExactLane ? 0 : 1;
  logic [AccWidth-1:0] side;
  if (ExactLane) begin : gen_side_exact
    assign side = '0;   // exact lanes: no constant, group 0 takes no side operand
    logic unused_side;
    assign unused_side = ^side;
  end else begin : gen_side_const
    // The constant is a negative number that fits SumWidth bits: sign-extend it to AccW, or, when
    // AccW is narrower, keep its low bits (everything wraps modulo 2^AccW anyway).
    logic signed [SumWidth-1:0] row_const;
    if (Serial) begin : gen_step_const
      assign row_const = wbank_q[Lanes*LaneWBits + step_i*SumWidth +: SumWidth];
    end else begin : gen_chunk_const
      assign row_const = wbank_q[Lanes*LaneWBits +: SumWidth];
    end
    if (SumWidth > AccWidth) begin : gen_const_wrap
      assign side = row_const[AccWidth-1:0];
      logic unused_const_high;
      assign unused_const_high = ^row_const[SumWidth-1:AccWidth];
    end else begin : gen_const_sext
      assign side = AccWidth'(row_const);
    end
  end

  // ---- lane groups of GroupLanes lanes (the last one may be smaller), each reduced to a sum and a
  // ---- carry; one more carry-save tree over the groups (none for one group), one adder --------
  localparam int unsigned Groups = (Lanes + GroupLanes - 1) / GroupLanes;
  logic [2*Groups*AccWidth-1:0] group_ops;
  logic [Groups-1:0]            group_more;
  for (genvar g = 0; g < Groups; g++) begin : gen_group
    localparam int unsigned First = g * GroupLanes;
    localparam int unsigned GLanes = (Lanes - First < GroupLanes) ? Lanes - First : GroupLanes;
    localparam int unsigned GSide = g == 0 ? SideInputs : 0;
    logic [(GSide > 0 ? AccWidth : 1)-1:0] g_side;
    if (GSide > 0) begin : gen_side
      assign g_side = side;
    end else begin : gen_no_side
      assign g_side = 1'b0;
    end
    qsq_lane_group #(
      .Width(Width), .Lanes(GLanes), .AccWidth(AccWidth), .SumWidth(SumWidth), .ExactLane(ExactLane),
      .BoundLane(BoundLane), .SignedBound(SignedBound), .Serial(Serial), .SideInputs(GSide)
    ) u_group (
      .wbank_i(wbank_q[First*LaneWBits +: GLanes*LaneWBits]), .on_i(on_i), .a_i(a_i[First*Width +: GLanes*Width]),
      .step_i(step_i), .nz_i(nz_i[First +: GLanes]), .side_i(g_side), .more_o(group_more[g]),
      .sum_o(group_ops[2*g*AccWidth +: AccWidth]), .carry_o(group_ops[(2*g + 1)*AccWidth +: AccWidth]));
  end
  if (Serial && !ExactLane) begin : gen_more
    assign more_o = on_i && |group_more;
  end else begin : gen_no_more
    assign more_o = 1'b0;
    logic unused_more;
    assign unused_more = ^group_more;
  end

  // The accumulator joins after the lane groups, in the last carry-save level before the adder: it
  // changes on every beat (the next slot), and entering there it passes one full adder per bit
  // instead of a group's whole tree (shorter path from the slot select, fewer glitching levels).
  logic [AccWidth-1:0] tree_sum, tree_carry;
  qsq_csa_tree #(.Width(AccWidth), .Inputs(2 * Groups + 1)) u_tree (
    .ops_i({acc_in, group_ops}), .sum_o(tree_sum), .carry_o(tree_carry));
  assign res_d = tree_sum + tree_carry;

  logic [AccWidth-1:0] result_d;   // isolated as the slots' inputs: written on a last beat only
  assign result_d = res_d & {AccWidth{res_we_i}};
  qsq_gated_reg #(.Width(AccWidth), .GateEn(GateEn)) u_result_bank (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(res_we_i && on_i), .d_i(result_d), .q_o(res_o));
endmodule
