// The Icarus check (run_icarus_timed) on a hand-written OSU-cell netlist with a hand-written SDF
// and input waveform, every toggle count derived by hand below; its errors on an SDF whose arcs
// do not fit the cells; and an OpenSTA SDF of the same netlist (when `sta` is installed).
// Needs iverilog and yosys (skipped without iverilog).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "qsq/energy/icarus.hpp"
#include "qsq/energy/toolrun.hpp"
#include "qsq/error.hpp"
#include "qsq/flow/tool.hpp"

namespace qe = qsq::energy;
namespace fs = std::filesystem;

namespace {

// An unbalanced XOR chain (u1 -> u2 -> u3: y_chain = ((a^b)^c)^d) and a balanced tree of the same
// function (u4, u5 -> u6: y_tree), an inverter for the pulse test and a flop clocked by clk.
const char* kNetlist = R"(module glitch(clk, a, b, c, d, p, y_chain, y_tree, pn, q);
  input clk;
  input a;
  input b;
  input c;
  input d;
  input p;
  output y_chain;
  output y_tree;
  output pn;
  output q;
  wire n1;
  wire n2;
  wire t1;
  wire t2;
  XOR2X1 u1 (.A(a), .B(b), .Y(n1));
  XOR2X1 u2 (.A(n1), .B(c), .Y(n2));
  XOR2X1 u3 (.A(n2), .B(d), .Y(y_chain));
  XOR2X1 u4 (.A(a), .B(b), .Y(t1));
  XOR2X1 u5 (.A(c), .B(d), .Y(t2));
  XOR2X1 u6 (.A(t1), .B(t2), .Y(y_tree));
  INVX1 u7 (.A(p), .Y(pn));
  DFFPOSX1 f1 (.CLK(clk), .D(n1), .Q(q));
endmodule
)";

// Delays as OpenSTA writes them ((min::max) triples in ns, zero INTERCONNECTs): every XOR arc
// 100 ps, u3's A arc (0.090::0.100) so that taking the max (100) rather than the min is seen in
// y_chain's T1; the inverter 300 ps; the flop's CLK -> Q 200 ps.
std::string sdf(const std::string& u1_arcs) {
  std::string s = R"((DELAYFILE
 (SDFVERSION "3.0")
 (DESIGN "glitch")
 (DATE "Mon Nov 30 07:21:55 2026")
 (VENDOR "hand")
 (DIVIDER /)
 (VOLTAGE 1.800::1.800)
 (TIMESCALE 1ns)
 (CELL
  (CELLTYPE "glitch")
  (INSTANCE)
  (DELAY
   (ABSOLUTE
    (INTERCONNECT a u1/A (0.000::0.000))
    (INTERCONNECT u1/Y u2/A (0.000::0.000))
   )
  )
 )
)";
  auto cell = [](const std::string& type, const std::string& inst, const std::string& arcs) {
    return " (CELL\n  (CELLTYPE \"" + type + "\")\n  (INSTANCE " + inst + ")\n  (DELAY\n   (ABSOLUTE\n" + arcs +
           "   )\n  )\n )\n";
  };
  const std::string xor_arcs = "    (IOPATH A Y (0.100::0.100) (0.100::0.100))\n    (IOPATH B Y (0.100::0.100) (0.100::0.100))\n";
  s += cell("XOR2X1", "u1", u1_arcs);
  s += cell("XOR2X1", "u2", xor_arcs);
  s += cell("XOR2X1", "u3", "    (IOPATH A Y (0.090::0.100) (0.090::0.100))\n    (IOPATH B Y (0.100::0.100) (0.100::0.100))\n");
  s += cell("XOR2X1", "u4", xor_arcs);
  s += cell("XOR2X1", "u5", xor_arcs);
  s += cell("XOR2X1", "u6", xor_arcs);
  s += cell("INVX1", "u7", "    (IOPATH A Y (0.300::0.300) (0.300::0.300))\n");
  s += cell("DFFPOSX1", "f1", "    (IOPATH CLK Q (0.200::0.200) (0.200::0.200))\n");
  return s + ")\n";
}
const std::string kXorArcs = "    (IOPATH A Y (0.100::0.100) (0.100::0.100))\n    (IOPATH B Y (0.100::0.100) (0.100::0.100))\n";

// The input waveform (1 ps): all inputs 0 at 0; clk pulses at 500-700 (loads q = n1 = 0 before
// the window); a and d rise together at 2000; p pulses for 100 ps at 3000 and for 500 ps at 4000;
// clk rises at 5000 and falls at 5500. The run ends at 6000; the window is [1000, 6000).
const char* kInputs = R"($timescale 1ps $end
$scope module glitch $end
$var wire 1 ! clk $end
$var wire 1 " a $end
$var wire 1 # b $end
$var wire 1 $ c $end
$var wire 1 % d $end
$var wire 1 & p $end
$upscope $end
$enddefinitions $end
#0
0!
0"
0#
0$
0%
0&
#500
1!
#700
0!
#2000
1"
1%
#3000
1&
#3100
0&
#4000
1&
#4500
0&
#5000
1!
#5500
0!
#6000
)";

fs::path work() { return fs::path(QSQ_TEST_WORK) / "icarus"; }

qe::IcarusRun make_run(const std::string& name, const std::string& sdf_text) {
  fs::create_directories(work());
  qe::write_file_atomic(work() / "glitch.v", kNetlist);
  qe::write_file_atomic(work() / (name + ".sdf"), sdf_text);
  qe::write_file_atomic(work() / "inputs.vcd", kInputs);
  qe::IcarusRun r;
  r.netlist = work() / "glitch.v";
  r.top = "glitch";
  r.sdf = work() / (name + ".sdf");
  r.liberty = qe::default_liberty();
  r.inputs_vcd = work() / "inputs.vcd";
  r.begin_ps = 1000;
  r.end_ps = 6000;
  return r;
}

bool have_iverilog() { return !qsq::flow::external_tool_version("iverilog").empty(); }

}  // namespace

TEST(Icarus, GlitchesOfTheUnbalancedChainAndInertialFiltering) {
  if (!have_iverilog()) GTEST_SKIP() << "iverilog is not on PATH";
  const qe::Activity a = qe::run_icarus_timed(make_run("hand", sdf(kXorArcs)), work());
  EXPECT_EQ(a.begin_ps, 1000u);
  EXPECT_EQ(a.end_ps, 6000u);
  ASSERT_EQ(a.nets.size(), 14u);  // 6 inputs, 4 outputs, 4 wires
  auto tc = [&](const std::string& n) { return a.nets.at(n).tc; };
  // Inputs in [1000, 6000): a and d once (2000), b and c never, p four times, clk twice (5000, 5500).
  EXPECT_EQ(tc("a"), 1u);
  EXPECT_EQ(tc("b"), 0u);
  EXPECT_EQ(tc("d"), 1u);
  EXPECT_EQ(tc("p"), 4u);
  EXPECT_EQ(tc("clk"), 2u);
  // Chain: n1 = a^b rises at 2100, n2 = n1^c at 2200. y_chain = n2^d: d's change at 2000 makes
  // it 1 at 2100 (B path, 100 ps), n2's at 2200 makes it 0 again at 2300 (A path: 100 ps, the
  // max of (0.090::0.100)). A glitch: 2 toggles where a zero-delay simulation sees none
  // (a and d change together, the parity does not change). T1 = 200 ps, 190 with the min.
  EXPECT_EQ(tc("n1"), 1u);
  EXPECT_EQ(tc("n2"), 1u);
  EXPECT_EQ(tc("y_chain"), 2u);
  EXPECT_EQ(a.nets.at("y_chain").t1, 200u);
  // Tree: t1 = a^b and t2 = c^d both rise at 2100; y_tree = t1^t2 is scheduled to 1 at 2200 by
  // t1's change and back to 0 by t2's in the same instant: it never moves.
  EXPECT_EQ(tc("t1"), 1u);
  EXPECT_EQ(tc("t2"), 1u);
  EXPECT_EQ(tc("y_tree"), 0u);
  // Inverter, 300 ps: the 100 ps pulse at 3000 is shorter than the delay and disappears
  // (inertial: at 3300 the output takes the function's value then, 1 again); the 500 ps pulse
  // at 4000 passes as 0 at 4300 and 1 at 4800: 2 toggles, T0 = 500.
  EXPECT_EQ(tc("pn"), 2u);
  EXPECT_EQ(a.nets.at("pn").t0, 500u);
  // Flop: q = 0 from the clock at 500; at 5000 it takes n1 = 1, at 5200 (CLK -> Q): T1 = 800.
  EXPECT_EQ(tc("q"), 1u);
  EXPECT_EQ(a.nets.at("q").t1, 800u);
  // Everything settled before the window: no X inside it.
  for (const auto& [n, x] : a.nets) {
    EXPECT_EQ(x.tx, 0u) << n;
    EXPECT_EQ(x.t0 + x.t1, 5000u) << n;
  }
}

TEST(Icarus, SdfArcsThatDoNotFitTheCellsAreErrors) {
  if (!have_iverilog()) GTEST_SKIP() << "iverilog is not on PATH";
  auto message = [](const qe::IcarusRun& r) {
    try {
      qe::run_icarus_timed(r, work());
    } catch (const qsq::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  // u1's B arc missing: the model's path would keep its placeholder 0 delay.
  const std::string m1 = message(make_run("missing", sdf("    (IOPATH A Y (0.100::0.100) (0.100::0.100))\n")));
  EXPECT_NE(m1.find("gives no delay for 1 cell arcs of the netlist (first: u1 (XOR2X1) B -> Y)"), std::string::npos) << m1;
  // An arc the cell does not have (XOR2X1 has no pin C).
  const std::string m2 = message(make_run("extra", sdf(kXorArcs + "    (IOPATH C Y (0.100::0.100) (0.100::0.100))\n")));
  EXPECT_NE(m2.find("no delay arc of the liberty"), std::string::npos) << m2;
  EXPECT_NE(m2.find("u1 (XOR2X1) C -> Y"), std::string::npos) << m2;
}

TEST(Icarus, AcceptsOpenStaSdfOfTheSameNetlist) {
  if (!have_iverilog()) GTEST_SKIP() << "iverilog is not on PATH";
  if (qsq::flow::external_tool_version("sta").empty()) GTEST_SKIP() << "sta (OpenSTA) is not on PATH";
  qe::IcarusRun r = make_run("sta_in", "");
  const fs::path tcl = work() / "sdf.tcl";
  qe::write_file_atomic(tcl, "read_liberty " + qe::tcl_quote(r.liberty) + "\nread_verilog " +
                                 qe::tcl_quote(fs::absolute(r.netlist).string()) + "\nlink_design glitch\n"
                                 "set qsq_clock_ns 10.0\nset qsq_clock_port clk\nread_sdc " +
                                 qe::tcl_quote((qe::source_root() / "constraints" / "qsq.sdc").string()) +
                                 "\nwrite_sdf -digits 3 " + qe::tcl_quote(fs::absolute(work() / "sta.sdf").string()) + "\nexit\n");
  qsq::flow::run_tool("sta -no_init -exit " + qsq::flow::shell_quote(fs::absolute(tcl).string()), fs::absolute(work() / "sta.log"),
                      "OpenSTA write_sdf");
  r.sdf = work() / "sta.sdf";
  const qe::Activity a = qe::run_icarus_timed(r, work());
  // OpenSTA's XOR delays are 80 to 150 ps: y_chain's pulse (from d's arrival to n2's, about
  // 250 ps after two XORs) is longer than u3's delay, so the glitch is still there.
  EXPECT_EQ(a.nets.at("y_chain").tc, 2u);
  EXPECT_EQ(a.nets.at("n1").tc, 1u);
  EXPECT_EQ(a.nets.at("q").tc, 1u);
}
