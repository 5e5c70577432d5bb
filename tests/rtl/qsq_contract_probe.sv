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
  localparam int unsigned WidthMin      = qsq_pkg::WidthMin;
  localparam int unsigned WidthMax      = qsq_pkg::WidthMax;
  localparam int unsigned CodeBitsMin   = qsq_pkg::CodeBitsMin;
  localparam int unsigned CodeBitsMax   = qsq_pkg::CodeBitsMax;
  localparam int unsigned AccWidthMin   = qsq_pkg::AccWidthMin;
  localparam int unsigned AccWidthMax   = qsq_pkg::AccWidthMax;
  localparam int unsigned LanesMin      = qsq_pkg::LanesMin;
  localparam int unsigned LanesMax      = qsq_pkg::LanesMax;
endmodule
