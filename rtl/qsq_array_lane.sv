// Description: one lane of qsq_array: the lane's activation register behind its own clock gate
// (loaded only for a beat whose activation is non-zero and whose weight has digits, so zero
// activations and zero weights leave it, and everything behind it, still) and the lane's
// partial-product rows, isolated by the zero flag the array registers with each beat.
// The weight arrives already recoded (CSD digit masks) from the array's load-only weight bank;
// the rows' constant (qsq_pp_const) is summed over the lanes and stored there by the array.
// With ExactLane = 1 the rows are replaced by one plain a * w product (the baseline); with
// BoundLane = 1 as well, by the activation itself (qsq_array's lower-bound instrument).
// Usage:
//   qsq_array_lane #(.Width(8), .SumWidth(19), .GateEn(1), .ExactLane(0)) u_lane (
//     .clk_i, .rst_ni, .beat_i(act_fire), .a_i, .wbank_i, .has_digits_i, .zero_q_i, .zero_d_o, .rows_o);
module qsq_array_lane #(
  parameter int unsigned Width     = qsq_pkg::Width,
  parameter int unsigned SumWidth  = 2 * Width,
  parameter bit          GateEn    = 1'b1,
  parameter bit          ExactLane = 1'b0,
  parameter bit          BoundLane = 1'b0,
  localparam int unsigned WBits    = ExactLane ? Width : 2 * Width,
  localparam int unsigned Rows     = ExactLane ? 1 : `QSQ_QMAX(Width)
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     beat_i,     // an activation beat is accepted at this edge
  input  logic [Width-1:0]         a_i,        // the beat's activation for this lane
  input  logic [WBits-1:0]         wbank_i,    // {neg, pos} digit masks, or the weight (ExactLane)
  input  logic                     has_digits_i, // the weight this beat will meet is non-zero
  input  logic                     zero_q_i,   // registered zero flag of the beat in S1
  output logic                     zero_d_o,   // zero flag of the incoming beat
  output logic [Rows*SumWidth-1:0] rows_o
);
  logic [Width-1:0] a_q;

  // has_digits_i comes from the array: right after a load it describes the weight being written,
  // not the one still in the bank, because the beat accepted then meets the new weight.
  assign zero_d_o = (a_i == '0) || !has_digits_i;

  qsq_gated_reg #(.Width(Width), .GateEn(GateEn)) u_act_bank (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(beat_i && !zero_d_o), .d_i(a_i), .q_o(a_q));

  if (ExactLane) begin : gen_exact
    logic signed [2*Width-1:0] prod;
    if (BoundLane) begin : gen_bound
      assign prod = (2 * Width)'($signed(a_q));
      logic unused_weight;
      assign unused_weight = ^wbank_i;
    end else begin : gen_mul
      assign prod = $signed(a_q) * $signed(wbank_i);
    end
    assign rows_o = zero_q_i ? '0 : SumWidth'(prod);
  end else begin : gen_csd
    qsq_pp_rows #(.Width(Width), .SumWidth(SumWidth)) u_rows (
      .a_i(a_q), .en_i(!zero_q_i), .pos_i(wbank_i[Width-1:0]), .neg_i(wbank_i[2*Width-1:Width]),
      .rows_o(rows_o));
  end
endmodule
