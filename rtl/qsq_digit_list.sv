// Description: the kept CSD digits of one weight as a list, most significant first, for the
// digit-serial grid lanes (qsq_grid with Serial = 1): entry k holds the k-th non-zero digit of the
// quality-masked digit masks (valid, sign, position). Valid entries are contiguous from entry 0,
// so a lane needs k + 1 cycles exactly when entry k is valid. Load-time logic only.
// Usage:
//   qsq_digit_list #(.Width(8)) u_list (.pos_i, .neg_i, .valid_o, .neg_o, .at_o);
module qsq_digit_list #(
  parameter int unsigned Width   = qsq_pkg::Width,
  localparam int unsigned Digits = `QSQ_QMAX(Width),
  localparam int unsigned PosBits = $clog2(Width)
) (
  input  logic [Width-1:0]          pos_i,
  input  logic [Width-1:0]          neg_i,
  output logic [Digits-1:0]         valid_o,
  output logic [Digits-1:0]         neg_o,
  output logic [Digits*PosBits-1:0] at_o     // entry k's position at [k*PosBits +: PosBits]
);
  always_comb begin
    int unsigned k;
    k       = 0;
    valid_o = '0;
    neg_o   = '0;
    at_o    = '0;
    for (int i = Width - 1; i >= 0; i--) begin
      // A NAF has at most Digits non-zero digits, so k never passes the list's end.
      if ((pos_i[i] || neg_i[i]) && k < Digits) begin
        valid_o[k] = 1'b1;
        neg_o[k]   = neg_i[i];
        at_o[k*PosBits +: PosBits] = PosBits'(i);
        k = k + 1;
      end
    end
  end
endmodule
