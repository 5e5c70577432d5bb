// generated from config/params.json by cmake/gen_params.cmake: do not edit
//
// Shared parameters of the qsq RTL. The C++ side (golden model, HLS, SystemC) reads the same
// values from model/include/qsq/defaults.hpp.
package qsq_pkg;
  // preset "default"
  localparam int unsigned Width = 8;
  localparam int unsigned Lanes = 8;
  localparam int unsigned CodeBits = 3;
  localparam int unsigned AccWidth = 32;
  // preset "small"
  localparam int unsigned SmallWidth = 5;
  localparam int unsigned SmallLanes = 3;
  localparam int unsigned SmallCodeBits = 3;
  localparam int unsigned SmallAccWidth = 20;
  // limits the generators and the golden model accept
  localparam int unsigned WidthMin = 4;
  localparam int unsigned WidthMax = 16;
  localparam int unsigned AccWidthMax = 48;
endpackage
