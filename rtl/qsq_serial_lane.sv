// Description: one digit-serial lane of a grid row (qsq_grid with Serial = 1): in step k of a beat
// it produces the partial-product row of the weight's k-th kept CSD digit, d * a at the digit's
// position, as qsq_pp_rows does for a digit pair: no sign extension (u = (a XOR {W{neg}}) with its
// top bit inverted, shifted to the position), the rest is the row's per-step constant, summed at
// load time. One shifter and one row per lane instead of one row per digit pair: a beat costs as
// many cycles as its busiest lane has kept digits, and a level that keeps fewer digits costs
// fewer cycles. An invalid entry (no digit left) or a lane that is off gives a row of 0.
// Usage:
//   qsq_serial_lane #(.Width(8), .SumWidth(19)) u_lane (.a_i, .en_i, .valid_i, .neg_i, .at_i, .row_o);
module qsq_serial_lane #(
  parameter int unsigned Width    = qsq_pkg::Width,
  parameter int unsigned SumWidth = 2 * Width,
  localparam int unsigned PosBits = $clog2(Width)
) (
  input  logic [Width-1:0]    a_i,
  input  logic                en_i,     // the row holds a filter
  input  logic                valid_i,  // this step's digit exists
  input  logic                neg_i,
  input  logic [PosBits-1:0]  at_i,
  output logic [SumWidth-1:0] row_o
);
  // A row that is off, or a step past the lane's last digit, rests at 0 (the per-step constant
  // of an off row is never used: nothing of an off row is stored).
  logic             v;
  logic [Width-1:0] a_iso, t;
  logic [SumWidth-1:0] u;
  assign v     = en_i && valid_i;
  assign a_iso = a_i & {Width{v}};
  assign t     = a_iso ^ {Width{neg_i && v}};
  assign u     = SumWidth'({~t[Width-1] & v, t[Width-2:0]});
  assign row_o = u << at_i;
endmodule
