// Description: one quality-scalable multiplier as a combinational block: prod = a * qs_weight(w,
// {q, p}) (qsq::qs_mul), built from the same recoder, row generator and carry-save tree as the
// array lanes. Used as its own Verilator top for the exhaustive co-simulation and as "qsq's own
// lane" for multiplier comparisons. ExactLane = 1 makes it a plain a * w (q, p ignored).
// Usage:
//   qsq_pkg::q_t q;  qsq_pkg::p_t p;   // q = 2, p = 0: the two most significant digits
//   qsq_lane #(.Width(8)) u_mul (.a_i(a), .w_i(w), .q_i(q), .p_i(p), .prod_o(prod));
module qsq_lane #(
  parameter int unsigned Width     = qsq_pkg::Width,
  parameter bit          ExactLane = 1'b0
) (
  input  logic [Width-1:0]   a_i,
  input  logic [Width-1:0]   w_i,
  input  qsq_pkg::q_t        q_i,
  input  qsq_pkg::p_t        p_i,
  output logic [2*Width-1:0] prod_o
);
  localparam int unsigned ProdWidth = 2 * Width;   // |a * qs_weight| <= 2^(2W-2)
  localparam int unsigned Rows      = `QSQ_QMAX(Width) + 1;   // digit pairs + the constant

  if (ExactLane) begin : gen_exact
    assign prod_o = ProdWidth'($signed(a_i) * $signed(w_i));
    logic unused_quality;
    assign unused_quality = ^{q_i, p_i};
  end else begin : gen_csd
    logic [Width-1:0]          pos, neg;
    logic [Rows*ProdWidth-1:0] rows;
    logic [ProdWidth-1:0]      sum, carry;

    qsq_csd_recoder #(.Width(Width)) u_recoder (
      .w_i(w_i), .q_i(q_i), .p_i(p_i), .pos_o(pos), .neg_o(neg));
    qsq_pp_rows #(.Width(Width), .SumWidth(ProdWidth)) u_rows (
      .a_i(a_i), .en_i(1'b1), .pos_i(pos), .neg_i(neg), .rows_o(rows[0 +: (Rows-1)*ProdWidth]));
    qsq_pp_const #(.Width(Width), .SumWidth(ProdWidth)) u_const (
      .pos_i(pos), .neg_i(neg), .const_o(rows[(Rows-1)*ProdWidth +: ProdWidth]));
    qsq_csa_tree #(.Width(ProdWidth), .Inputs(Rows)) u_tree (
      .ops_i(rows), .sum_o(sum), .carry_o(carry));
    assign prod_o = sum + carry;
  end
endmodule
