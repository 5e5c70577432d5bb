// Small OSU-cell circuits whose glitches can be counted by hand (the counts are worked out in
// test_timed_sim.cpp), and an SDF writer for hand-chosen delays; shared by the timed-simulator
// tests and the Icarus agreement test.
#pragma once
#include <sstream>

#include "qsq/energy/liberty.hpp"
#include "qsq/energy/toolrun.hpp"
#include <string>
#include <tuple>
#include <vector>

namespace qsq::test {

// The OSU 0.18 um library, read once per test program.
inline const qsq::energy::Liberty& osu() {
  static const qsq::energy::Liberty lib = qsq::energy::read_liberty(qsq::energy::default_liberty());
  return lib;
}

// A 4-bit ripple-carry adder of OSU full adders (FAX1).
inline const char* kRippleCarry4 = R"(module rca(a, b, s, co);
  input [3:0] a; input [3:0] b; output [3:0] s; output co;
  wire c0, c1, c2;
  FAX1 f0 (.A(a[0]), .B(b[0]), .C(1'b0), .YC(c0), .YS(s[0]));
  FAX1 f1 (.A(a[1]), .B(b[1]), .C(c0), .YC(c1), .YS(s[1]));
  FAX1 f2 (.A(a[2]), .B(b[2]), .C(c1), .YC(c2), .YS(s[2]));
  FAX1 f3 (.A(a[3]), .B(b[3]), .C(c2), .YC(co), .YS(s[3]));
endmodule
)";

// The parity of four inputs as a balanced tree (a^b)^(c^d) and as a chain ((a^b)^c)^d.
inline const char* kXorTreeBalanced =
    "module t(a, b, c, d, y); input a, b, c, d; output y; wire x1, x2;\n"
    "XOR2X1 u1 (.A(a), .B(b), .Y(x1)); XOR2X1 u2 (.A(c), .B(d), .Y(x2)); XOR2X1 u3 (.A(x1), .B(x2), .Y(y));\nendmodule\n";
inline const char* kXorTreeChain =
    "module t(a, b, c, d, y); input a, b, c, d; output y; wire x1, x2;\n"
    "XOR2X1 u1 (.A(a), .B(b), .Y(x1)); XOR2X1 u2 (.A(x1), .B(c), .Y(x2)); XOR2X1 u3 (.A(x2), .B(d), .Y(y));\nendmodule\n";

// An SDF with one delay (ns) per arc, rise = fall unless given: "inst cell from>to:rise[/fall] ...".
inline std::string sdf_of(const std::vector<std::tuple<std::string, std::string, std::string>>& cells) {
  std::string s = "(DELAYFILE (SDFVERSION \"3.0\") (DESIGN \"t\") (TIMESCALE 1ns)\n";
  for (const auto& [inst, cell, arcs] : cells) {
    s += " (CELL (CELLTYPE \"" + cell + "\") (INSTANCE " + inst + ") (DELAY (ABSOLUTE\n";
    std::istringstream in(arcs);
    for (std::string a; in >> a;) {
      const auto gt = a.find('>'), colon = a.find(':'), slash = a.find('/');
      const std::string from = a.substr(0, gt), to = a.substr(gt + 1, colon - gt - 1);
      const std::string rise = a.substr(colon + 1, slash == std::string::npos ? std::string::npos : slash - colon - 1);
      const std::string fall = slash == std::string::npos ? rise : a.substr(slash + 1);
      s += "  (IOPATH " + from + " " + to + " (" + rise + "::" + rise + ") (" + fall + "::" + fall + "))\n";
    }
    s += " )))\n";
  }
  return s + ")\n";
}

}  // namespace qsq::test
