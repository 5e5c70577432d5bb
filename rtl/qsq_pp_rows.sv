// Description: the partial-product rows of one lane for a weight held as CSD digit masks.
// Positions 2k and 2k+1 are adjacent, so a CSD (NAF) weight has at most one non-zero digit in
// each pair: pair k needs one row, a fixed-shift selection of the activation by the static digit
// enables, with no shifter and no register.
// The rows carry no sign extension, so a row only switches inside its own W-bit window. For a
// digit d = +-1 at position s, d * a = t - 2^(W-1) + neg with t = a XOR {W{neg}} read as a signed
// number; the row holds u = t with its top bit inverted (t + 2^(W-1), unsigned) at position s, and
// the static rest is qsq_pp_const's constant, which changes only with the weight. Operand
// isolation (en_i = 0: zero activation) replaces a by 0 before the XOR, so a row whose digit is
// negative rests at ~0 and not at 0: the constant stays exact, and a zero activation flips only
// the bits that differ from the last one, never a whole sign extension. Rows of unused pairs are 0.
// The rows plus qsq_pp_const's constant sum (modulo 2^SumWidth) to a * value(pos - neg), or to 0
// when en_i = 0.
// Usage:
//   qsq_pp_rows #(.Width(8), .SumWidth(19)) u_rows (.a_i(a_q), .en_i(!zero_q), .pos_i, .neg_i, .rows_o);
module qsq_pp_rows #(
  parameter int unsigned Width    = qsq_pkg::Width,
  parameter int unsigned SumWidth = 2 * Width,
  localparam int unsigned Pairs   = `QSQ_QMAX(Width)  // a NAF digit pair holds one digit at most
) (
  input  logic [Width-1:0]         a_i,
  input  logic                     en_i,
  input  logic [Width-1:0]         pos_i,
  input  logic [Width-1:0]         neg_i,
  output logic [Pairs*SumWidth-1:0] rows_o
);
  // Static digit enables and signs per position; position Width (the missing odd partner of an
  // odd Width) is constant 0.
  logic [2*Pairs-1:0] dig_en, dig_neg;
  if (2 * Pairs > Width) begin : gen_odd
    assign dig_en  = {1'b0, pos_i | neg_i};
    assign dig_neg = {1'b0, neg_i};
  end else begin : gen_even
    assign dig_en  = pos_i | neg_i;
    assign dig_neg = neg_i;
  end

  logic [Width-1:0] a_iso;
  assign a_iso = a_i & {Width{en_i}};

  for (genvar k = 0; k < Pairs; k++) begin : gen_pair
    localparam int unsigned Lo = 2 * k;
    logic                en_lo, en_hi, ng;
    logic [Width-1:0]    t;
    logic [SumWidth-1:0] u;
    assign en_lo = dig_en[Lo];
    assign en_hi = dig_en[Lo+1];
    assign ng    = dig_neg[Lo] | dig_neg[Lo+1];
    assign t     = a_iso ^ {Width{ng}};
    assign u     = SumWidth'({~t[Width-1], t[Width-2:0]});
    assign rows_o[k*SumWidth +: SumWidth] =
        ({SumWidth{en_lo}} & (u << Lo)) | ({SumWidth{en_hi}} & (u << (Lo + 1)));
  end
endmodule
