// Description: CSD (non-adjacent form) recoding of one signed Width-bit weight with the
// quality mask applied, bit-identical to qsq::csd_truncate(qsq::csd_encode(w), {q, p}):
// keep the q most significant non-zero digits (q = 0: all), then clear the digits below p.
// NAF by the x ^ 3x identity (one adder): with y = 3x, pos = (y & (x ^ y)) >> 1 and
// neg = (x & (x ^ y)) >> 1. Used at weight-load time only, so its toggles are rare.
// Usage:
//   qsq_csd_recoder #(.Width(8)) u_rec (.w_i(w), .q_i(q), .p_i(p), .pos_o(pos), .neg_o(neg));
module qsq_csd_recoder #(
  parameter int unsigned Width = qsq_pkg::Width
) (
  input  logic [Width-1:0] w_i,
  input  qsq_pkg::q_t      q_i,
  input  qsq_pkg::p_t      p_i,
  output logic [Width-1:0] pos_o,   // bit i: digit +1 at position i
  output logic [Width-1:0] neg_o    // bit i: digit -1 at position i
);
  localparam int unsigned XW    = Width + 2;
  localparam int unsigned PBits = qsq_pkg::PBits;  // a count of digits (at most W) fits a position's width

  logic [XW-1:0] x, x3, diff, pos_all, neg_all;
  assign x       = {{2{w_i[Width-1]}}, w_i};
  assign x3      = x + {x[XW-2:0], 1'b0};
  assign diff    = x ^ x3;
  assign pos_all = (x3 & diff) >> 1;
  assign neg_all = (x & diff) >> 1;

  // Walk from the most significant position down, counting the non-zero digits already kept.
  always_comb begin
    qsq_pkg::p_t seen;  // non-zero digits met so far
    seen  = '0;
    pos_o = '0;
    neg_o = '0;
    for (int i = Width - 1; i >= 0; i--) begin
      if (pos_all[i] || neg_all[i]) begin
        if ((q_i == '0 || seen < PBits'(q_i)) && (PBits'(i) >= p_i)) begin
          pos_o[i] = pos_all[i];
          neg_o[i] = neg_all[i];
        end
        seen = seen + PBits'(1);
      end
    end
  end

  // Digits above Width - 1 never occur for a Width-bit input (NAF of |v| <= 2^(Width-1)).
  logic unused_high;
  assign unused_high = ^{pos_all[XW-1:Width], neg_all[XW-1:Width]};
endmodule
