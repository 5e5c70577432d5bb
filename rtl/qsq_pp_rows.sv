// Description: the partial-product rows of one lane for a weight held as CSD digit masks.
// Positions 2k and 2k+1 are adjacent, so a CSD (NAF) weight has at most one non-zero digit in
// each pair: pair k needs one row, a fixed-shift selection of the activation (AND with the
// static digit enables, XOR with the static sign): no shifter, no register. A negative digit at
// position i contributes (~a << i) + (1 << i); the correction bit 1 << i is placed in the free
// low bits of the next row, and the last pair's correction in one extra row. Rows = pairs + 1.
// With en_i = 0 (zero activation or operand isolation) every row is 0 and nothing toggles but
// the enables. The rows sum (modulo 2^SumWidth) to a * value(pos - neg).
// Usage:
//   qsq_pp_rows #(.Width(8), .SumWidth(19)) u_rows (.a_i(a_q), .en_i(!zero_q), .pos_i, .neg_i, .rows_o);
module qsq_pp_rows #(
  parameter int unsigned Width    = 8,
  parameter int unsigned SumWidth = 2 * Width,
  localparam int unsigned Pairs   = (Width + 1) / 2,
  localparam int unsigned Rows    = Pairs + 1
) (
  input  logic [Width-1:0]         a_i,
  input  logic                     en_i,
  input  logic [Width-1:0]         pos_i,
  input  logic [Width-1:0]         neg_i,
  output logic [Rows*SumWidth-1:0] rows_o
);
  // Digit enables and signs of each position, gated by the operand-isolation enable; positions
  // Width.. (the missing odd partner of an odd Width) are constant 0.
  logic [2*Pairs-1:0] dig_en, dig_neg;
  if (2 * Pairs > Width) begin : gen_odd
    assign dig_en  = {1'b0, (pos_i | neg_i) & {Width{en_i}}};
    assign dig_neg = {1'b0, neg_i & {Width{en_i}}};
  end else begin : gen_even
    assign dig_en  = (pos_i | neg_i) & {Width{en_i}};
    assign dig_neg = neg_i & {Width{en_i}};
  end

  logic [SumWidth-1:0] a_ext;
  assign a_ext = {{(SumWidth - Width){a_i[Width-1]}}, a_i};

  // Row k = ((a << 2k) & en_lo | (a << 2k+1) & en_hi) ^ (sign on the bits from the digit's
  // position up), OR the previous pair's correction bits in its free low positions 2k-2, 2k-1.
  for (genvar k = 0; k < Pairs; k++) begin : gen_pair
    localparam int unsigned Lo = 2 * k;
    logic                en_lo, en_hi, ng_lo, ng;
    logic [SumWidth-1:0] sel, sign, corr;
    assign en_lo = dig_en[Lo];
    assign en_hi = dig_en[Lo+1];
    assign ng_lo = dig_neg[Lo];
    assign ng    = dig_neg[Lo] | dig_neg[Lo+1];
    assign sel   = ({SumWidth{en_lo}} & (a_ext << Lo)) | ({SumWidth{en_hi}} & (a_ext << (Lo + 1)));
    assign sign  = ({SumWidth{ng}} << (Lo + 1)) | (SumWidth'(ng_lo) << Lo);
    if (k > 0) begin : gen_corr
      assign corr = SumWidth'(dig_neg[Lo-1:Lo-2]) << (Lo - 2);
    end else begin : gen_nocorr
      assign corr = '0;
    end
    assign rows_o[k*SumWidth +: SumWidth] = (sel ^ sign) | corr;
  end

  // Extra row: the correction bits of the last pair.
  localparam int unsigned LastLo = 2 * (Pairs - 1);
  logic [SumWidth-1:0] tail;
  always_comb begin
    tail = '0;
    tail[LastLo]   = dig_neg[LastLo];
    tail[LastLo+1] = dig_neg[LastLo+1];
  end
  assign rows_o[Pairs*SumWidth +: SumWidth] = tail;
endmodule
