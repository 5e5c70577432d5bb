// Test-only approximate multiplier for `qsq compare-mult`: an unsigned 4x4 product with its two
// least significant bits forced to 0 (error = (a*b) mod 4, known in closed form).
module mul4_trunc (
  input  [3:0] x,
  input  [3:0] y,
  output [7:0] z
);
  wire [7:0] full = x * y;
  assign z = {full[7:2], 2'b00};
endmodule
