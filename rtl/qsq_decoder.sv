// Description: the shift-and-scale weight decoder. Turns Lanes packed codes and the filter scale
// S into Lanes signed Width-bit weights, bit-exact to qsq::Codebook::decode: a code is a sign bit
// (MSB) and an index m; level m is S shifted right by M - m with round-half-up
// (M = 2^(CodeBits-1) - 1). The M + 1 shifted scales are shared by all lanes (a constant shift and
// an incrementer each); a lane only selects one and negates it. No multiplier.
// Codebooks (ids qsq_pkg::Codebook*): pow2 (m = 0 is zero), shift (no zero), pow2x (the "-0"
// pattern is +(S >> M)); an unused id decodes as pow2. With bypass_i the plain weights pass through.
// Usage:
//   qsq_decoder #(.Width(8), .Lanes(8), .CodeBits(3)) u_dec (
//     .codes_i, .scale_i, .codebook_i, .bypass_i, .plain_i, .weights_o);
module qsq_decoder #(
  parameter int unsigned Width    = qsq_pkg::Width,
  parameter int unsigned Lanes    = qsq_pkg::Lanes,
  parameter int unsigned CodeBits = qsq_pkg::CodeBits
) (
  input  logic [Lanes*CodeBits-1:0] codes_i,
  input  logic [Width-2:0]          scale_i,
  input  qsq_pkg::codebook_t        codebook_i,
  input  logic                      bypass_i,
  input  logic [Lanes*Width-1:0]    plain_i,
  output logic [Lanes*Width-1:0]    weights_o
);
  localparam int unsigned IdxBits = CodeBits - 1;
  localparam int unsigned MaxIdx  = (1 << IdxBits) - 1;  // M

  // Shared levels: level[k] = round_half_up(S / 2^k), k = 0..M, each fits Width - 1 bits.
  logic [(MaxIdx+1)*Width-1:0] level;   // level k at [k*Width +: Width]
  for (genvar k = 0; k <= MaxIdx; k++) begin : gen_level
    if (k == 0) begin : gen_k0
      assign level[k*Width +: Width] = {1'b0, scale_i};
    end else begin : gen_kn
      logic [Width-1:0] biased;
      assign biased   = {1'b0, scale_i} + Width'(1 << (k - 1));
      assign level[k*Width +: Width] = biased >> k;
    end
  end

  for (genvar i = 0; i < Lanes; i++) begin : gen_lane
    logic [CodeBits-1:0] code;
    logic                sign;
    logic [IdxBits-1:0]  idx;
    logic [IdxBits-1:0]  shift;
    logic [Width-1:0]    mag;
    logic [Width-1:0]    decoded;
    assign code = codes_i[i*CodeBits +: CodeBits];
    assign sign = code[CodeBits-1];
    assign idx  = code[IdxBits-1:0];
    assign shift = ~idx;             // M - m, since M is all ones
    assign mag   = level[shift*Width +: Width];

    always_comb begin
      unique case (codebook_i)
        qsq_pkg::CodebookShift: decoded = sign ? -mag : mag;
        qsq_pkg::CodebookPow2x: decoded = (idx == '0) ? (sign ? level[MaxIdx*Width +: Width] : '0)
                                                      : (sign ? -mag : mag);
        default:                decoded = (idx == '0) ? '0 : (sign ? -mag : mag);  // pow2, and unused ids
      endcase
    end

    assign weights_o[i*Width +: Width] = bypass_i ? plain_i[i*Width +: Width] : decoded;
  end
endmodule
