// Truncated signed 8x8 multiplier (an approximate-multiplier class that EvoApprox8b also covers):
// sign-magnitude, the unsigned partial-product bits of the 6 lowest columns (i + j < 6) are not
// generated, so their carries are lost as well; the product's sign is applied at the end.
// Written for `qsq compare-mult` (docs/energy.md, "Held-out comparison").
module trunc_mul8s (input [7:0] a, input [7:0] b, output [15:0] p);
  localparam integer K = 6;
  wire [7:0] ma = a[7] ? -a : a;
  wire [7:0] mb = b[7] ? -b : b;
  reg [15:0] acc;
  integer i, j;
  always @* begin
    acc = 16'd0;
    for (i = 0; i < 8; i = i + 1)
      for (j = 0; j < 8; j = j + 1)
        if (i + j >= K) acc = acc + ((ma[i] & mb[j]) << (i + j));
  end
  assign p = (a[7] ^ b[7]) ? -acc : acc;
endmodule
