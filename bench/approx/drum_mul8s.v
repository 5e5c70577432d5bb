// DRUM-style signed 8x8 multiplier (dynamic range unbiased, Hashemi et al. 2015): of each
// magnitude, the 4 bits from its leading one down are kept (the lowest kept bit forced to 1 to
// centre the error), multiplied 4x4 and shifted back. Written for `qsq compare-mult`.
module drum_mul8s (input [7:0] a, input [7:0] b, output [15:0] p);
  wire [7:0] ma = a[7] ? -a : a;
  wire [7:0] mb = b[7] ? -b : b;
  function [2:0] lead;  // position of the leading one (0 for 0 and 1)
    input [7:0] x;
    integer k;
    begin
      lead = 3'd0;
      for (k = 0; k < 8; k = k + 1) if (x[k]) lead = k[2:0];
    end
  endfunction
  wire [2:0] la = lead(ma), lb = lead(mb);
  wire [2:0] sa = la > 3 ? la - 3 : 3'd0, sb = lb > 3 ? lb - 3 : 3'd0;
  wire [3:0] ta = (ma >> sa) | (la > 3 ? 4'd1 : 4'd0);
  wire [3:0] tb = (mb >> sb) | (lb > 3 ? 4'd1 : 4'd0);
  wire [15:0] m = ({8'd0, ta} * {12'd0, tb}) << (sa + sb);
  assign p = (a[7] ^ b[7]) ? -m : m;
endmodule
