// Description: exposes the values of qsq_pkg (rtl/qsq_pkg.sv) as parameters of a module, so that
// the contract check (rtl_contract_check.cpp) reads them from Verilator's XML and compares them
// with qsq/contract.hpp. Not hardware: only the ctests rtl_contract_probe_* elaborate it.
// Usage: verilator --xml-only --top-module qsq_contract_probe -GQmaxWidth=5 <rtl/qsq.f files> qsq_contract_probe.sv
module qsq_contract_probe #(
  parameter int unsigned QmaxWidth = qsq_pkg::Width  // the width whose Qmax is probed
) ();
  localparam int unsigned Qmax          = `QSQ_QMAX(QmaxWidth);
  localparam int unsigned Width         = qsq_pkg::Width;
  localparam int unsigned QBits         = qsq_pkg::QBits;
  localparam int unsigned PBits         = qsq_pkg::PBits;
  localparam int unsigned CodebookBits  = qsq_pkg::CodebookBits;
  localparam int unsigned CodebookPow2  = 32'(qsq_pkg::CodebookPow2);
  localparam int unsigned CodebookShift = 32'(qsq_pkg::CodebookShift);
  localparam int unsigned CodebookPow2x = 32'(qsq_pkg::CodebookPow2x);
  localparam int unsigned Lanes         = qsq_pkg::Lanes;
  localparam int unsigned CodeBits      = qsq_pkg::CodeBits;
  localparam int unsigned AccWidth      = qsq_pkg::AccWidth;
  localparam int unsigned SmallWidth    = qsq_pkg::SmallWidth;
  localparam int unsigned SmallLanes    = qsq_pkg::SmallLanes;
  localparam int unsigned SmallCodeBits = qsq_pkg::SmallCodeBits;
  localparam int unsigned SmallAccWidth = qsq_pkg::SmallAccWidth;
  localparam int unsigned Rows          = qsq_pkg::Rows;
  localparam int unsigned Slots         = qsq_pkg::Slots;
  localparam int unsigned SmallRows     = qsq_pkg::SmallRows;
  localparam int unsigned SmallSlots    = qsq_pkg::SmallSlots;
  localparam int unsigned GridWidth     = qsq_pkg::GridWidth;
  localparam int unsigned GridLanes     = qsq_pkg::GridLanes;
  localparam int unsigned GridCodeBits  = qsq_pkg::GridCodeBits;
  localparam int unsigned GridAccWidth  = qsq_pkg::GridAccWidth;
  localparam int unsigned GridRows      = qsq_pkg::GridRows;
  localparam int unsigned GridSlots     = qsq_pkg::GridSlots;
  localparam int unsigned GridSmallWidth = qsq_pkg::GridSmallWidth;
  localparam int unsigned GridSmallLanes = qsq_pkg::GridSmallLanes;
  localparam int unsigned GridSmallCodeBits = qsq_pkg::GridSmallCodeBits;
  localparam int unsigned GridSmallAccWidth = qsq_pkg::GridSmallAccWidth;
  localparam int unsigned GridSmallRows = qsq_pkg::GridSmallRows;
  localparam int unsigned GridSmallSlots = qsq_pkg::GridSmallSlots;
  localparam int unsigned GridLargeWidth = qsq_pkg::GridLargeWidth;
  localparam int unsigned GridLargeLanes = qsq_pkg::GridLargeLanes;
  localparam int unsigned GridLargeCodeBits = qsq_pkg::GridLargeCodeBits;
  localparam int unsigned GridLargeAccWidth = qsq_pkg::GridLargeAccWidth;
  localparam int unsigned GridLargeRows = qsq_pkg::GridLargeRows;
  localparam int unsigned GridLargeSlots = qsq_pkg::GridLargeSlots;
  localparam int unsigned WidthMin      = qsq_pkg::WidthMin;
  localparam int unsigned WidthMax      = qsq_pkg::WidthMax;
  localparam int unsigned CodeBitsMin   = qsq_pkg::CodeBitsMin;
  localparam int unsigned CodeBitsMax   = qsq_pkg::CodeBitsMax;
  localparam int unsigned AccWidthMin   = qsq_pkg::AccWidthMin;
  localparam int unsigned AccWidthMax   = qsq_pkg::AccWidthMax;
  localparam int unsigned LanesMin      = qsq_pkg::LanesMin;
  localparam int unsigned LanesMax      = qsq_pkg::LanesMax;
  localparam int unsigned RowsMin       = qsq_pkg::RowsMin;
  localparam int unsigned RowsMax       = qsq_pkg::RowsMax;
  localparam int unsigned SlotsMin      = qsq_pkg::SlotsMin;
  localparam int unsigned SlotsMax      = qsq_pkg::SlotsMax;
endmodule
