// generated from config/params.json by cmake/gen_params.cmake: do not edit
//
// The hardware contract of the qsq RTL: the presets and limits of config/params.json, the types
// of the configuration fields, the codebook ids and Qmax. The modules take the preset's parameter
// defaults, the field types and every derived value from here, none by hand. The C++ side reads
// the same contract from model/include/qsq/contract.hpp; the ctests rtl_contract_* compare the
// elaborated RTL with it.

// Qmax(W): the most non-zero CSD digits of a W-bit value, ceil(W / 2); also the number of digit
// pairs (2k, 2k+1), so the partial-product rows of a CSD lane. 0 outside the limits. A macro, not a
// package function: Yosys 0.23 numbers its internal objects differently after a constant function
// call, and its netlists (so every energy figure) would change with that numbering.
`define QSQ_QMAX(width) ( \
    (width) == 4 ? 2 : \
    (width) == 5 ? 3 : \
    (width) == 6 ? 3 : \
    (width) == 7 ? 4 : \
    (width) == 8 ? 4 : \
    (width) == 9 ? 5 : \
    (width) == 10 ? 5 : \
    (width) == 11 ? 6 : \
    (width) == 12 ? 6 : \
    (width) == 13 ? 7 : \
    (width) == 14 ? 7 : \
    (width) == 15 ? 8 : \
    (width) == 16 ? 8 : \
    0)

package qsq_pkg;
  // preset "default": the parameter defaults of qsq_array and of every leaf module
  localparam int unsigned Width = 8;
  localparam int unsigned Lanes = 8;
  localparam int unsigned CodeBits = 3;
  localparam int unsigned AccWidth = 32;
  localparam int unsigned Rows = 0;
  localparam int unsigned Slots = 0;
  // preset "grid": the parameter defaults of qsq_grid and qsq_grid_row
  localparam int unsigned GridWidth = 8;
  localparam int unsigned GridLanes = 8;
  localparam int unsigned GridCodeBits = 3;
  localparam int unsigned GridAccWidth = 32;
  localparam int unsigned GridRows = 8;
  localparam int unsigned GridSlots = 16;
  // preset "grid-large"
  localparam int unsigned GridLargeWidth = 8;
  localparam int unsigned GridLargeLanes = 16;
  localparam int unsigned GridLargeCodeBits = 3;
  localparam int unsigned GridLargeAccWidth = 32;
  localparam int unsigned GridLargeRows = 16;
  localparam int unsigned GridLargeSlots = 16;
  // preset "grid-small"
  localparam int unsigned GridSmallWidth = 5;
  localparam int unsigned GridSmallLanes = 3;
  localparam int unsigned GridSmallCodeBits = 3;
  localparam int unsigned GridSmallAccWidth = 20;
  localparam int unsigned GridSmallRows = 3;
  localparam int unsigned GridSmallSlots = 4;
  // preset "small"
  localparam int unsigned SmallWidth = 5;
  localparam int unsigned SmallLanes = 3;
  localparam int unsigned SmallCodeBits = 3;
  localparam int unsigned SmallAccWidth = 20;
  localparam int unsigned SmallRows = 0;
  localparam int unsigned SmallSlots = 0;
  // limits the generators and the golden model accept
  localparam int unsigned WidthMin = 4;
  localparam int unsigned WidthMax = 16;
  localparam int unsigned CodeBitsMin = 2;
  localparam int unsigned CodeBitsMax = 4;
  localparam int unsigned AccWidthMin = 8;
  localparam int unsigned AccWidthMax = 48;
  localparam int unsigned LanesMin = 1;
  localparam int unsigned LanesMax = 64;
  localparam int unsigned RowsMin = 1;
  localparam int unsigned RowsMax = 64;
  localparam int unsigned SlotsMin = 1;
  localparam int unsigned SlotsMax = 64;

  // Configuration fields, wide enough for every width the limits allow:
  // q: 1..Qmax(W) keeps the q most significant non-zero CSD digits, 0 means exact;
  // p: digits below position p are dropped, 0..W (p = W drops every digit);
  // codebook: the ids below, an id beyond the last decodes as pow2.
  localparam int unsigned QBits = 4;
  localparam int unsigned PBits = 5;
  localparam int unsigned CodebookBits = 2;
  typedef logic [QBits-1:0]        q_t;
  typedef logic [PBits-1:0]        p_t;
  typedef logic [CodebookBits-1:0] codebook_t;
  localparam codebook_t CodebookPow2 = 2'd0;  // sign + magnitude m: 0, S>>(M-1), ..., S>>1, S (default; the spare "-0" decodes to 0)
  localparam codebook_t CodebookShift = 2'd1;  // sign + shift e: S>>M, ..., S>>1, S (no zero level)
  localparam codebook_t CodebookPow2x = 2'd2;  // pow2, with the spare "-0" pattern spent on +(S>>M)
endpackage
