// Test-only: not valid Verilog (compare-mult must fail with a clear one-line error).
module broken (input [3:0] a, input [3:0] b, output [7:0] p)
  assign p = a * ;
endmodule
