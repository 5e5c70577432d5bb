// Yosys techmap: latch primitives -> OSU 0.18 um LATCH (transparent while CLK is high); a
// negative-enable latch gets an inverter on its enable.
module \$_DLATCH_P_ (input E, input D, output Q);
  LATCH _TECHMAP_REPLACE_ (.CLK(E), .D(D), .Q(Q));
endmodule

module \$_DLATCH_N_ (input E, input D, output Q);
  wire en_n;
  INVX1 u_inv (.A(E), .Y(en_n));
  LATCH _TECHMAP_REPLACE_ (.CLK(en_n), .D(D), .Q(Q));
endmodule
