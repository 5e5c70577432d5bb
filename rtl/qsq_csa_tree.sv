// Description: carry-save (Wallace-style) reduction of Inputs operands to a sum and a carry
// vector with 3:2 compressors (full adders on every bit), level by level: each level turns
// every group of three operands into two and passes the remainder through. All arithmetic is
// modulo 2^Width, so sum_o + carry_o == sum of the operands (mod 2^Width).
// Usage:
//   qsq_csa_tree #(.Width(19), .Inputs(40)) u_tree (.ops_i(rows), .sum_o(s), .carry_o(c));
module qsq_csa_tree #(
  parameter int unsigned Width  = 16,
  parameter int unsigned Inputs = 3
) (
  input  logic [Inputs*Width-1:0] ops_i,
  output logic [Width-1:0]        sum_o,
  output logic [Width-1:0]        carry_o
);
  // Operands left after `level` reduction levels (plain integer loops: Yosys 0.23 evaluates
  // these constant functions too).
  function automatic integer ops_at(input integer n, input integer level);
    integer c, l;
    c = n;
    for (l = 0; l < level; l = l + 1) begin
      if (c > 2) c = 2 * (c / 3) + c % 3;
    end
    ops_at = c;
  endfunction

  function automatic integer num_levels(input integer n);
    integer c, l, cnt;
    c = n;
    cnt = 0;
    for (l = 0; l < 64; l = l + 1) begin
      if (c > 2) begin
        c = 2 * (c / 3) + c % 3;
        cnt = cnt + 1;
      end
    end
    num_levels = cnt;
  endfunction

  localparam int unsigned Levels = num_levels(Inputs);
  localparam int unsigned Slots  = (Levels + 1) * Inputs;

  // ops[l * Inputs + i] is operand i of level l (ops_at(Inputs, l) of them are used). An
  // unpacked array keeps each operand a separate word for Verilator (split_var removes the
  // false self-dependency between levels); Yosys turns it into plain wires.
  logic [Width-1:0] ops [Slots] /*verilator split_var*/;
  for (genvar i = 0; i < Inputs; i++) begin : gen_in
    assign ops[i] = ops_i[i*Width +: Width];
  end

  for (genvar l = 0; l < Levels; l++) begin : gen_level
    localparam int unsigned NIn    = ops_at(Inputs, l);
    localparam int unsigned Groups = NIn / 3;
    localparam int unsigned Rest   = NIn % 3;
    localparam int unsigned NOut   = 2 * Groups + Rest;
    localparam int unsigned InB    = l * Inputs;
    localparam int unsigned OutB   = (l + 1) * Inputs;
    for (genvar g = 0; g < Groups; g++) begin : gen_csa
      logic [Width-1:0] x, y, z, maj;
      assign x   = ops[InB + 3*g];
      assign y   = ops[InB + 3*g + 1];
      assign z   = ops[InB + 3*g + 2];
      assign maj = (x & y) | (x & z) | (y & z);
      assign ops[OutB + 2*g]     = x ^ y ^ z;
      assign ops[OutB + 2*g + 1] = {maj[Width-2:0], 1'b0};
    end
    for (genvar r = 0; r < Rest; r++) begin : gen_pass
      assign ops[OutB + 2*Groups + r] = ops[InB + 3*Groups + r];
    end
    for (genvar u = NOut; u < Inputs; u++) begin : gen_unused
      assign ops[OutB + u] = '0;
    end
  end

  localparam int unsigned Final = ops_at(Inputs, Levels);
  localparam int unsigned FinB  = Levels * Inputs;
  assign sum_o = ops[FinB];
  if (Final > 1) begin : gen_two
    assign carry_o = ops[FinB + 1];
  end else begin : gen_one
    assign carry_o = '0;
  end
endmodule
