// The timed gate-level simulator and what it reads, on circuits whose waveforms can be worked out
// by hand (the comments do it): the liberty expression compiler, the SDF reader, inertial pulse
// filtering, a ripple-carry adder's glitches under one input transition, a balanced against an
// unbalanced XOR tree, and flip-flop / latch / reset behaviour. Uses the OSU 0.18 um cells'
// logic with hand-written delays, so every expected figure follows from the delays in this file.
#include <gtest/gtest.h>

#include <map>

#include "qsq/energy/cell_logic.hpp"
#include "qsq/energy/sdf.hpp"
#include "qsq/energy/timed_sim.hpp"
#include "qsq/energy/toolrun.hpp"
#include "qsq/error.hpp"
#include "circuits.hpp"

namespace qe = qsq::energy;
using qsq::test::osu;
using qsq::test::sdf_of;

namespace {

struct Bench {
  qe::Netlist n;
  qe::Sdf sdf;
  std::unique_ptr<qe::TimedSim> sim;
  Bench(const std::string& verilog, const std::string& sdf_text)
      : n(qe::parse_netlist(verilog, "t.v")), sdf(qe::parse_sdf(sdf_text, "t.sdf")) {
    sim = std::make_unique<qe::TimedSim>(n, osu(), sdf);
  }
  int net(const std::string& name) const {
    const int id = n.find_net(name);
    EXPECT_GE(id, 0) << name;
    return id;
  }
  void set(const std::string& name, bool v) { sim->set(net(name), v); }
  std::map<std::string, std::uint64_t> toggles() const {
    std::map<std::string, std::uint64_t> m;
    for (const auto& [name, a] : sim->window_activity().nets) m[name] = a.tc;
    return m;
  }
};

TEST(CellLogic, ExpressionsMatchHandTables) {
  const std::vector<std::string> v = {"A", "B", "C"};
  // AOI21: !((A B) + C). Index bit 0 = A, bit 1 = B, bit 2 = C.
  const auto aoi = qe::compile_expression("(!((A B)+C))", v);
  for (std::uint32_t x = 0; x < 8; ++x) {
    const bool a = x & 1, b = x & 2, c = x & 4;
    EXPECT_EQ(aoi.eval(x), !((a && b) || c)) << x;
  }
  // Precedence: ! and ' bind tightest, then ^, then AND (&, *, juxtaposition), then OR.
  const auto p = qe::compile_expression("A + B ^ C & A'", v);
  for (std::uint32_t x = 0; x < 8; ++x) {
    const bool a = x & 1, b = x & 2, c = x & 4;
    EXPECT_EQ(p.eval(x), a || ((b != c) && !a)) << x;
  }
  // OSU's MUX2X1 is inverting.
  const auto mux = qe::compile_expression("(!((S A) + (!S B)))", {"A", "B", "S"});
  EXPECT_FALSE(mux.eval(0b101));  // S = 1, A = 1 -> !A
  EXPECT_TRUE(mux.eval(0b001));   // S = 0, B = 0 -> !B
  EXPECT_THROW(qe::compile_expression("(A B", v), qsq::Error);
  EXPECT_THROW(qe::compile_expression("A & D", v), qsq::Error);
  // Every OSU cell compiles; the flop's output reads its state variable.
  for (const auto& [name, cell] : osu().cells) {
    if (name.rfind("TBUF", 0) == 0) continue;  // tri-state outputs are not simulated
    EXPECT_NO_THROW(qe::compile_cell(cell)) << name;
  }
  const auto dff = qe::compile_cell(osu().cell("DFFPOSX1"));
  EXPECT_TRUE(dff.sequential);
  EXPECT_FALSE(dff.latch);
}

TEST(Sdf, ReadsOpenStaTriplesEdgesAndEmptyValues) {
  const std::string text = R"((DELAYFILE (SDFVERSION "3.0") (DESIGN "d") (TIMESCALE 100ps)
  (CELL (CELLTYPE "d") (INSTANCE) (DELAY (ABSOLUTE (INTERCONNECT a u1/A (0.000::0.000)))))
  (CELL (CELLTYPE "DFFSR") (INSTANCE u\[1\]) (DELAY (ABSOLUTE
    (IOPATH CLK Q (2.73::2.80) (2.37::2.37))
    (IOPATH R Q () (0.5::0.5))
    (IOPATH (posedge S) Q (1.0:1.5:2.0))))
   (TIMINGCHECK (SETUP D (posedge CLK) (1::1))))
))";
  const qe::Sdf s = qe::parse_sdf(text, "x.sdf");
  ASSERT_EQ(s.cells.size(), 1u);
  const qe::SdfCell* c = s.find("u[1]");  // the escaped name is unescaped
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->arcs.size(), 3u);
  EXPECT_NEAR(c->arcs[0].rise_ns, 0.280, 1e-12);  // max of the triple, times the 100 ps timescale
  EXPECT_NEAR(c->arcs[0].fall_ns, 0.237, 1e-12);
  EXPECT_FALSE(c->arcs[1].has_rise);
  EXPECT_TRUE(c->arcs[1].has_fall);
  EXPECT_EQ(c->arcs[2].edge, qe::SdfArc::Edge::posedge);
  EXPECT_NEAR(c->arcs[2].fall_ns, 0.2, 1e-12);  // one value: rise = fall
  // The text written back has one value per delay and reads back the same.
  const qe::Sdf back = qe::parse_sdf(qe::sdf_text(s), "back.sdf");
  ASSERT_NE(back.find("u[1]"), nullptr);
  EXPECT_NEAR(back.find("u[1]")->arcs[0].rise_ns, 0.280, 1e-9);
  EXPECT_FALSE(back.find("u[1]")->arcs[1].has_rise);
  // Written for Icarus: whole ps under TIMESCALE 1ps (it ignores TIMESCALE), the max of each triple.
  const std::string t = qe::sdf_text(s);
  EXPECT_NE(t.find("(TIMESCALE 1ps)"), std::string::npos);
  EXPECT_NE(t.find("(IOPATH CLK Q (280) (237))"), std::string::npos) << t;
  EXPECT_NE(t.find("(IOPATH R Q () (50))"), std::string::npos) << t;
  // Errors name the file and the line.
  try {
    qe::parse_sdf("(DELAYFILE\n (CELL (CELLTYPE \"X\") (INSTANCE u) (DELAY (ABSOLUTE (IOPATH A Y (1..2))))))", "bad.sdf");
    FAIL();
  } catch (const qsq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.sdf:2: sdf: bad number"), std::string::npos) << e.what();
  }
  EXPECT_THROW(qe::parse_sdf("(DELAYFILE (CELL (CELLTYPE \"X\")", "u.sdf"), qsq::Error);
}

// A buffer with a 1 ns delay: a 0.4 ns input pulse never reaches its output (inertial), a 1.5 ns
// pulse passes whole, 1 ns later.
TEST(TimedSim, PulsesShorterThanTheDelayAreFiltered) {
  Bench b("module t(a, y); input a; output y; BUFX2 u1 (.A(a), .Y(y)); endmodule\n",
          sdf_of({{"u1", "BUFX2", "A>Y:1.0"}}));
  b.sim->run_until(10000);
  b.sim->begin_window();
  b.set("a", true);
  b.sim->run_until(10400);
  b.set("a", false);
  b.sim->run_until(20000);
  EXPECT_EQ(b.toggles().at("a"), 2u);
  EXPECT_EQ(b.toggles().at("y"), 0u);
  EXPECT_EQ(b.sim->window_activity().nets.at("y").ig, 1u);  // one pulse filtered
  b.set("a", true);
  b.sim->run_until(21500);
  b.set("a", false);
  b.sim->run_until(21999);
  EXPECT_TRUE(b.sim->value(b.net("y")));  // rose at 21000
  b.sim->run_until(22499);
  EXPECT_TRUE(b.sim->value(b.net("y")));
  b.sim->run_until(22501);
  EXPECT_FALSE(b.sim->value(b.net("y")));  // fell at 22500: the pulse kept its 1.5 ns width
  const auto a = b.sim->window_activity().nets.at("y");
  EXPECT_EQ(a.tc, 2u);
  EXPECT_EQ(a.t1, 1500u);
  EXPECT_EQ(a.t0 + a.t1, 22501u - 10000u);
}

// The other choice, transport delays, keeps the short pulse: it arrives whole, 1 ns later.
TEST(TimedSim, TransportDelaysKeepShortPulses) {
  const qe::Netlist n = qe::parse_netlist("module t(a, y); input a; output y; BUFX2 u1 (.A(a), .Y(y)); endmodule\n", "t.v");
  const qe::Sdf sdf = qe::parse_sdf(sdf_of({{"u1", "BUFX2", "A>Y:1.0"}}), "t.sdf");
  qe::TimedSim sim(n, osu(), sdf, qe::PulseFilter::transport);
  sim.run_until(10000);
  sim.begin_window();
  sim.set(n.find_net("a"), true);
  sim.run_until(10400);
  sim.set(n.find_net("a"), false);
  sim.run_until(11200);
  EXPECT_TRUE(sim.value(n.find_net("y")));  // rose at 11000
  sim.run_until(20000);
  const auto y = sim.window_activity().nets.at("y");
  EXPECT_EQ(y.tc, 2u);
  EXPECT_EQ(y.t1, 400u);
  // An inverter rising in 0.3 ns and falling in 0.1 ns: a falls at 0 (y due to rise at 0.3), rises
  // at 0.1 (y due to fall at 0.2). The later change comes due first and deletes the pending rise;
  // y must stay 0, not end at 1.
  const qe::Netlist m = qe::parse_netlist("module t(a, y); input a; output y; INVX1 u1 (.A(a), .Y(y)); endmodule\n", "t.v");
  qe::TimedSim inv(m, osu(), qe::parse_sdf(sdf_of({{"u1", "INVX1", "A>Y:0.3/0.1"}}), "t.sdf"), qe::PulseFilter::transport);
  inv.set(m.find_net("a"), true);
  inv.run_until(10000);
  ASSERT_FALSE(inv.value(m.find_net("y")));
  inv.begin_window();
  inv.set(m.find_net("a"), false);
  inv.run_until(10100);
  inv.set(m.find_net("a"), true);
  inv.run_until(20000);
  EXPECT_FALSE(inv.value(m.find_net("y")));
  EXPECT_EQ(inv.window_activity().nets.at("y").tc, 0u);
}

// Rise and fall delays differ: the output follows the delay of the transition it makes.
TEST(TimedSim, RiseAndFallDelays) {
  Bench b("module t(a, y); input a; output y; INVX1 u1 (.A(a), .Y(y)); endmodule\n",
          sdf_of({{"u1", "INVX1", "A>Y:0.3/0.1"}}));
  b.sim->run_until(5000);
  ASSERT_TRUE(b.sim->value(b.net("y")));
  b.set("a", true);  // y falls after 0.1 ns
  b.sim->run_until(5099);
  EXPECT_TRUE(b.sim->value(b.net("y")));
  b.sim->run_until(5101);
  EXPECT_FALSE(b.sim->value(b.net("y")));
  b.set("a", false);  // y rises after 0.3 ns
  b.sim->run_until(5400);
  EXPECT_FALSE(b.sim->value(b.net("y")));
  b.sim->run_until(5402);
  EXPECT_TRUE(b.sim->value(b.net("y")));
}

// A 4-bit ripple-carry adder of OSU full adders (FAX1), sum arcs 0.3 ns, carry arcs 0.5 ns.
// Transition at t0: a 0111 -> 1000 and b 0001 -> 0000 together; the sum stays 1000.
//   stage 0: a0, b0 both fall, cin 0: YS = 0 before and after (no event); YC 1 -> 0 at t0+0.5.
//   stage 1: a1 falls at t0 while c0 is still 1: YS 0 -> 1 at t0+0.3, back to 0 at t0+0.5+0.3
//            (a glitch: the pulse is 0.5 ns wide, longer than the 0.3 ns delay); YC falls at t0+0.5.
//   stage 2: the same as stage 1 (YS glitch, YC falls once at t0+0.5, from a2's own change).
//   stage 3: a3 rises while c2 = 1: YS 1 -> 0 at t0+0.3, back to 1 at t0+0.8; cout rises at
//            t0+0.5 (maj(1,0,1)), falls at t0+1.0 once c2 has fallen.
// Timed: c0, c1, c2 one toggle each, s1, s2, s3 and cout two each (11); zero delay: 3.
TEST(TimedSim, RippleCarryAdderGlitchesCountedByHand) {
  const std::string v = qsq::test::kRippleCarry4;
  const std::string arcs = "A>YS:0.3 B>YS:0.3 C>YS:0.3 A>YC:0.5 B>YC:0.5 C>YC:0.5";
  Bench b(v, sdf_of({{"f0", "FAX1", arcs}, {"f1", "FAX1", arcs}, {"f2", "FAX1", arcs}, {"f3", "FAX1", arcs}}));
  for (int i = 0; i < 3; ++i) b.set("a[" + std::to_string(i) + "]", true);
  b.set("b[0]", true);
  b.sim->run_until(10000);
  ASSERT_FALSE(b.sim->value(b.net("s[0]")));
  ASSERT_TRUE(b.sim->value(b.net("s[3]")));
  b.sim->begin_window();
  for (int i = 0; i < 3; ++i) b.set("a[" + std::to_string(i) + "]", false);
  b.set("a[3]", true);
  b.set("b[0]", false);
  b.sim->run_until(20000);
  const auto t = b.toggles();
  const std::map<std::string, std::uint64_t> want = {{"s[0]", 0}, {"c0", 1}, {"s[1]", 2}, {"c1", 1}, {"s[2]", 2},
                                                     {"c2", 1}, {"s[3]", 2}, {"co", 2}};
  std::uint64_t logic = 0;
  for (const auto& [net, n] : want) {
    EXPECT_EQ(t.at(net), n) << net;
    logic += t.at(net);
  }
  EXPECT_EQ(logic, 11u);
  EXPECT_TRUE(b.sim->value(b.net("s[3]")));
  EXPECT_FALSE(b.sim->value(b.net("co")));
}

// Four inputs flip together (the parity stays). Balanced (a^b)^(c^d): no XOR output moves.
// Unbalanced ((a^b)^c)^d: x1 = a^b stays; x2 = x1^c flips at t0+0.2; y = x2^d flips at t0+dy
// (d changed) and back at t0+0.2+dy (x2 arrived): a glitch of width 0.2 ns. With dy = 0.15 ns it
// passes (2 toggles); with dy = 0.3 ns it is filtered (0 toggles, 1 filtered pulse).
TEST(TimedSim, BalancedAgainstUnbalancedXorTree) {
  auto run = [](const std::string& v, const std::string& sdf) {
    Bench b(v, sdf);
    b.sim->run_until(10000);
    b.sim->begin_window();
    for (const char* in : {"a", "b", "c", "d"}) b.set(in, true);
    b.sim->run_until(20000);
    return std::make_pair(b.toggles(), b.sim->window_activity().nets.at("y").ig);
  };
  const std::string balanced = qsq::test::kXorTreeBalanced, chain = qsq::test::kXorTreeChain;
  const std::string x = "A>Y:0.2 B>Y:0.2";
  auto [bal, bal_ig] = run(balanced, sdf_of({{"u1", "XOR2X1", x}, {"u2", "XOR2X1", x}, {"u3", "XOR2X1", x}}));
  EXPECT_EQ(bal.at("x1") + bal.at("x2") + bal.at("y"), 0u);
  auto [fast, fast_ig] = run(chain, sdf_of({{"u1", "XOR2X1", x}, {"u2", "XOR2X1", x}, {"u3", "XOR2X1", "A>Y:0.15 B>Y:0.15"}}));
  EXPECT_EQ(fast.at("x1"), 0u);
  EXPECT_EQ(fast.at("x2"), 1u);
  EXPECT_EQ(fast.at("y"), 2u);
  EXPECT_EQ(fast_ig, 0u);
  auto [slow, slow_ig] = run(chain, sdf_of({{"u1", "XOR2X1", x}, {"u2", "XOR2X1", x}, {"u3", "XOR2X1", "A>Y:0.3 B>Y:0.3"}}));
  EXPECT_EQ(slow.at("y"), 0u);
  EXPECT_EQ(slow_ig, 1u);
}

// A flop captures D at the rising edge and shows it clk->Q later; the asynchronous reset of a
// DFFSR clears at once (its R->Q arc is 0 in OpenSTA's SDF); a LATCH follows D while CLK is high.
TEST(TimedSim, FlopsLatchesAndReset) {
  const std::string v = R"(module t(clk, rst_n, d, q, r, l);
  input clk, rst_n, d; output q, r, l;
  DFFPOSX1 f (.CLK(clk), .D(d), .Q(q));
  DFFSR g (.CLK(clk), .D(d), .R(rst_n), .S(1'b1), .Q(r));
  LATCH k (.CLK(clk), .D(d), .Q(l));
endmodule
)";
  Bench b(v, sdf_of({{"f", "DFFPOSX1", "CLK>Q:0.25"}, {"g", "DFFSR", "CLK>Q:0.3 R>Q:0 S>Q:0"}, {"k", "LATCH", "CLK>Q:0.1 D>Q:0.15"}}));
  b.set("rst_n", true);
  b.set("d", true);
  b.sim->run_until(1000);
  EXPECT_FALSE(b.sim->value(b.net("q")));
  EXPECT_FALSE(b.sim->value(b.net("l")));  // latch closed (CLK low)
  b.set("clk", true);                      // rising edge at 1000
  b.sim->run_until(1249);
  EXPECT_FALSE(b.sim->value(b.net("q")));
  b.sim->run_until(1251);
  EXPECT_TRUE(b.sim->value(b.net("q")));
  EXPECT_TRUE(b.sim->value(b.net("l")));  // opened at 1000, D = 1 passed after 0.1 ns
  b.sim->run_until(1301);
  EXPECT_TRUE(b.sim->value(b.net("r")));
  b.set("d", false);  // while CLK is high: the latch follows after 0.15 ns, the flops hold
  b.sim->run_until(1500);
  EXPECT_FALSE(b.sim->value(b.net("l")));
  EXPECT_TRUE(b.sim->value(b.net("q")));
  b.set("rst_n", false);  // asynchronous clear, no clock needed
  b.sim->run_until(1501);
  EXPECT_FALSE(b.sim->value(b.net("r")));
}

TEST(TimedSim, MissingDelaysAreErrors) {
  const std::string v = "module t(a, y); input a; output y; INVX1 u1 (.A(a), .Y(y)); endmodule\n";
  EXPECT_THROW(Bench(v, sdf_of({})), qsq::Error);                          // no entry for u1
  EXPECT_THROW(Bench(v, sdf_of({{"u1", "INVX1", "B>Y:0.1"}})), qsq::Error);  // no arc into Y
}

}  // namespace
