// Signed 8x8 multiplier with approximate low columns: sign-magnitude; the partial-product bits
// of the 8 low columns (i + j < 8) are ORed per column instead of added (no carries out of the
// low half), the high columns are summed exactly. A broken-array style approximation.
// Written for `qsq compare-mult`.
module ormul8s (input [7:0] a, input [7:0] b, output [15:0] p);
  wire [7:0] ma = a[7] ? -a : a;
  wire [7:0] mb = b[7] ? -b : b;
  reg [15:0] hi;
  reg [7:0] lo;
  integer i, j;
  always @* begin
    hi = 16'd0;
    lo = 8'd0;
    for (i = 0; i < 8; i = i + 1)
      for (j = 0; j < 8; j = j + 1)
        if (i + j < 8) lo[i + j] = lo[i + j] | (ma[i] & mb[j]);
        else hi = hi + ((ma[i] & mb[j]) << (i + j));
  end
  wire [15:0] m = hi | {8'd0, lo};
  assign p = (a[7] ^ b[7]) ? -m : m;
endmodule
