// Description: a group of lanes of one qsq_grid_row (the second level of the grid's hierarchical
// synthesis): the group's lanes make their partial-product rows from the broadcast column
// activations and the row's weight bank, and one carry-save tree reduces them, with SideInputs
// more operands of the row (group 0 of CSD rows takes the row constant), to a sum and a
// carry in AccW bits. Everything is modulo 2^AccW, as in the row's own tree, so splitting the
// row's sum into groups does not change any result. Yosys synthesizes one group once per
// parameter set and the row instantiates it Lanes / GroupLanes times: at N = 32 a whole row was
// too large for abc (docs/hardware.md, "Hierarchical synthesis of the grid").
// Lane kinds, as in qsq_grid_row: CSD digit-pair rows (qsq_pp_rows, pair-major: the rows of one
// digit pair cover the same bit columns and meet first); ExactLane = 1, one a * w per lane
// (BoundLane = 1 as well: a for a non-zero weight; SignedBound = 1 too: a with the weight's sign);
// Serial = 1, one digit-serial row per lane
// (qsq_serial_lane) at the beat's step, and more_o when a lane has a digit in the next step.
// Usage:
//   qsq_lane_group #(.Width(8), .Lanes(8), .AccWidth(32), .SumWidth(21), .SideInputs(2)) u_group (
//     .wbank_i, .on_i, .a_i, .step_i, .nz_i, .side_i, .more_o, .sum_o, .carry_o);
module qsq_lane_group #(
  parameter int unsigned Width      = qsq_pkg::GridWidth,
  parameter int unsigned Lanes      = 8,   // lanes of this group (qsq_grid_row's GroupLanes, or fewer in its last group)
  parameter int unsigned AccWidth   = qsq_pkg::GridAccWidth,
  parameter int unsigned SumWidth   = 2 * Width + 3,  // the row's: 2W + clog2(the row's lanes)
  parameter bit          ExactLane  = 1'b0,
  parameter bit          BoundLane  = 1'b0,
  parameter bit          SignedBound = 1'b0,
  parameter bit          Serial     = 1'b0,
  parameter int unsigned SideInputs = 0,   // operands of the row added in this group's tree
  localparam int unsigned Digits    = `QSQ_QMAX(Width),
  localparam int unsigned PosBits   = $clog2(Width),
  localparam int unsigned StepBits  = Digits > 1 ? $clog2(Digits) : 1,
  localparam int unsigned LaneWBits = ExactLane ? Width : Serial ? Digits * (2 + PosBits) : 2 * Width,
  localparam int unsigned SideW     = SideInputs > 0 ? SideInputs * AccWidth : 1
) (
  input  logic [Lanes*LaneWBits-1:0] wbank_i,  // the group's lanes of the row's weight bank
  input  logic                       on_i,     // the row holds a filter
  input  logic [Lanes*Width-1:0]     a_i,      // the group's columns (CSD, serial: 0 for a zero activation; exact: held)
  input  logic [StepBits-1:0]        step_i,   // Serial: the beat's step
  input  logic [Lanes-1:0]           nz_i,     // the group's columns whose activation is not 0 (exact lanes isolate the others)
  input  logic [SideW-1:0]           side_i,   // SideInputs operands (unused when SideInputs = 0)
  output logic                       more_o,   // Serial: a lane of the group has a digit in the next step
  output logic [AccWidth-1:0]        sum_o,
  output logic [AccWidth-1:0]        carry_o
);
  localparam int unsigned RowsPerLane = (ExactLane || Serial) ? 1 : Digits;
  localparam int unsigned LaneOps     = Lanes * RowsPerLane;
  // The signed floor's count of negative-weight lanes (below): one more operand.
  localparam bit          Signed      = ExactLane && BoundLane && SignedBound;
  localparam int unsigned TreeInputs  = LaneOps + SideInputs + (Signed ? 1 : 0);

  logic [TreeInputs*AccWidth-1:0] ops;
  if (SideInputs > 0) begin : gen_side
    assign ops[LaneOps*AccWidth +: SideInputs*AccWidth] = side_i;
  end else begin : gen_no_side
    logic unused_side;
    assign unused_side = ^side_i;
  end
  if (!Serial || ExactLane) begin : gen_not_serial
    assign more_o = 1'b0;
    logic unused_serial;
    assign unused_serial = ^{step_i, nz_i};  // nz_i: used by exact lanes only (CSD rows get masked columns)
  end

  if (ExactLane) begin : gen_exact
    logic [Lanes-1:0] neg;   // Signed: the lane's weight is negative
    for (genvar i = 0; i < Lanes; i++) begin : gen_lane
      // A row that is off holds its multipliers' inputs at 0; a zero activation isolates the
      // product (after the multiplier, as qsq_array_lane), so the multiplier keeps its inputs.
      logic signed [Width-1:0]   a_iso;
      logic signed [2*Width-1:0] prod;
      assign a_iso = on_i ? a_i[i*Width +: Width] : '0;
      if (Signed) begin : gen_signed_bound
        // -a as ~a + 1, with no negator in the lane: the lane inverts its isolated a and the +1
        // comes with the group's count below, static between loads (the CSD rows carry their
        // signs in the row constant the same way). A zero activation or weight passes 0, or ~0
        // (-1) when the weight is negative, which the count's +1 cancels.
        logic signed [Width-1:0] a_pass;
        assign neg[i]  = wbank_i[i*Width + Width - 1];
        assign a_pass  = (nz_i[i] && wbank_i[i*Width +: Width] != '0) ? a_iso : '0;
        assign prod    = (2 * Width)'(a_pass);
        assign ops[i*AccWidth +: AccWidth] = AccWidth'(prod) ^ {AccWidth{neg[i]}};
      end else begin : gen_product
        if (BoundLane) begin : gen_bound
          assign prod = (wbank_i[i*Width +: Width] != '0) ? (2 * Width)'(a_iso) : '0;
        end else begin : gen_mul
          assign prod = a_iso * $signed(wbank_i[i*Width +: Width]);
        end
        assign ops[i*AccWidth +: AccWidth] = nz_i[i] ? AccWidth'(prod) : '0;  // sign-extended (or wrapped) to AccW
        assign neg[i] = 1'b0;
      end
    end
    if (Signed) begin : gen_neg_count
      logic [AccWidth-1:0] count;
      always_comb begin
        count = '0;
        for (int unsigned i = 0; i < Lanes; i++) count += AccWidth'(neg[i]);
      end
      assign ops[(LaneOps + SideInputs)*AccWidth +: AccWidth] = count;
    end else begin : gen_no_count
      logic unused_neg;
      assign unused_neg = ^neg;
    end
  end else if (Serial) begin : gen_serial
    // Step k: every lane's k-th kept digit.
    logic [Lanes-1:0] next_valid;
    for (genvar i = 0; i < Lanes; i++) begin : gen_lane
      logic [Digits-1:0]         valid, neg;
      logic [Digits*PosBits-1:0] at;
      logic [SumWidth-1:0]       row;
      assign {at, neg, valid} = wbank_i[i*LaneWBits +: LaneWBits];
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
    assign more_o = |next_valid;
  end else begin : gen_csd
    logic [Lanes*RowsPerLane*SumWidth-1:0] lane_rows;
    for (genvar i = 0; i < Lanes; i++) begin : gen_lane
      qsq_pp_rows #(.Width(Width), .SumWidth(SumWidth)) u_rows (
        .a_i(a_i[i*Width +: Width]), .en_i(on_i), .pos_i(wbank_i[i*LaneWBits +: Width]),
        .neg_i(wbank_i[i*LaneWBits + Width +: Width]),
        .rows_o(lane_rows[i*RowsPerLane*SumWidth +: RowsPerLane*SumWidth]));
      for (genvar k = 0; k < RowsPerLane; k++) begin : gen_pair
        // Rows are unsigned (no sign extension): zero-extend; the constant carries the signs.
        assign ops[(k*Lanes + i)*AccWidth +: AccWidth] =
            AccWidth'(lane_rows[(i*RowsPerLane + k)*SumWidth +: SumWidth]);
      end
    end
  end

  qsq_csa_tree #(.Width(AccWidth), .Inputs(TreeInputs)) u_tree (
    .ops_i(ops), .sum_o(sum_o), .carry_o(carry_o));
endmodule
