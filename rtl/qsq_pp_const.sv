// Description: the constant part of a lane's partial-product rows (qsq_pp_rows): the rows hold
// each digit's activation without sign extension, as u = (a XOR {W{neg}}) + 2^(W-1) at the digit's
// position s, so the lane's product is the sum of its rows plus this constant,
// sum over used digit pairs of (neg * 2^s - 2^(W-1+s)), modulo 2^SumWidth. It depends only on the
// weight's digit masks, so the array computes it once per load, into the weight bank.
// Usage:
//   qsq_pp_const #(.Width(8), .SumWidth(19)) u_const (.pos_i, .neg_i, .const_o);
module qsq_pp_const #(
  parameter int unsigned Width    = qsq_pkg::Width,
  parameter int unsigned SumWidth = 2 * Width
) (
  input  logic [Width-1:0]    pos_i,
  input  logic [Width-1:0]    neg_i,
  output logic [SumWidth-1:0] const_o
);
  // A used pair has one digit, at s = 2k or 2k+1, and the pairs' positions are distinct, so the
  // bias bits 2^(W-1+s) never collide, nor do the sign bits 2^s: an OR sums each set.
  logic [SumWidth-1:0] bias, signs;
  always_comb begin
    bias  = '0;
    signs = '0;
    for (int s = 0; s < Width; s++) begin
      if (pos_i[s] || neg_i[s]) bias[Width - 1 + s] = 1'b1;
      if (neg_i[s]) signs[s] = 1'b1;
    end
  end
  assign const_o = signs - bias;
endmodule
