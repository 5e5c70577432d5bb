// Waveform activity and SAIF: the VCD reader on a hand-written dump whose T0/T1/TX/TC are worked
// out in the comments, its errors, and the SAIF writer and reader (round trip, a commercial-style
// file, the estimated zero-delay path). No external tools.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "qsq/energy/netlist.hpp"
#include "qsq/energy/saif.hpp"
#include "qsq/energy/vcd.hpp"
#include "qsq/error.hpp"

namespace qe = qsq::energy;

namespace {

// Timescale 10 ps: "#5" is 50 ps. Scope t (the top) with a sub-scope u.
//   a  (!)  scalar, and its alias al (same id code)
//   v  (")  [3:0]      w (#) [0:1] (ascending: the leftmost value character is w[0])
//   \e_q[3] ($) an escaped scalar: the bit "e_q[3]"
//   r  (%)  real (ignored)      u.s (&) in the sub-scope
const char* kVcd = R"VCD($date today $end
$version by hand $end
$timescale 10 ps $end
$scope module t $end
$var wire 1 ! a $end
$var wire 1 ! al $end
$var wire 4 " v [3:0] $end
$var wire 2 # w [0:1] $end
$var wire 1 $ \e_q[3] $end
$var real 64 % r $end
$scope module u $end
$var wire 1 & s $end
$upscope $end
$upscope $end
$enddefinitions $end
#0
$dumpvars
0!
b0 "
bx #
1$
r0.5 %
0&
$end
#5
1!
#10
0!
b1 "
b10 #
#20
1!
bz "
#30
0!
b0101 "
#40
$dumpoff
x!
bxxxx "
bxx #
x$
x&
$end
#50
$dumpon
1!
b0101 "
b10 #
0$
0&
$end
#60
b1 #
0!
#90
1!
#95
)VCD";

qe::NetActivity act(std::uint64_t tc, std::uint64_t t0, std::uint64_t t1, std::uint64_t tx, std::uint64_t txc) {
  qe::NetActivity x;
  x.tc = tc;
  x.t0 = t0;
  x.t1 = t1;
  x.tx = tx;
  x.tx_changes = txc;
  return x;
}

// SAIF has no field for the number of X changes.
std::map<std::string, qe::NetActivity> without_x_changes(std::map<std::string, qe::NetActivity> m) {
  for (auto& [n, x] : m) x.tx_changes = 0;
  return m;
}

qe::Activity hand_activity() {
  qe::VcdWindow w;
  w.begin_ps = 100;
  w.end_ps = 900;
  return qe::parse_vcd_activity(kVcd, "hand.vcd", w);
}

std::string error_of(const std::string& text, const qe::VcdWindow& w = {}) {
  try {
    qe::parse_vcd_activity(text, "bad.vcd", w);
  } catch (const qsq::Error& e) {
    return e.what();
  }
  return "no error";
}

const char* kHead = "$timescale 1ps $end\n$scope module m $end\n$var wire 1 ! a $end\n$upscope $end\n$enddefinitions $end\n";

}  // namespace

TEST(Vcd, MeasuresTheHandWrittenDump) {
  const qe::Activity a = hand_activity();
  EXPECT_EQ(a.begin_ps, 100u);
  EXPECT_EQ(a.end_ps, 900u);
  // Only the top scope's bits; the real r and u.s are not measured.
  std::vector<std::string> names;
  for (const auto& [n, x] : a.nets) names.push_back(n);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "al", "e_q[3]", "v[0]", "v[1]", "v[2]", "v[3]", "w[0]", "w[1]"}));
  // a: 0@0 1@50 0@100 1@200 0@300 x@400 1@500 0@600 1@900. In [100, 900): 0<->1 changes at
  // 100 (counts: at begin), 200, 300, 600 -> TC 4; 0->x at 400 and x->1 at 500 -> 2 X changes;
  // the change at 900 is outside. T0 = [100,200) + [300,400) + [600,900) = 500,
  // T1 = [200,300) + [500,600) = 200, TX = [400,500) = 100.
  EXPECT_EQ(a.nets.at("a"), act(4, 500, 200, 100, 2));
  EXPECT_EQ(a.nets.at("al"), a.nets.at("a"));  // an alias shares the id code's values
  // v = 0000@0, 0001@100 ("b1": 0 pads with 0), zzzz@200, 0101@300, xxxx@400, 0101@500.
  // v[0]: 0 1 z 1 x 1 -> TC 1 (at 100), 4 X changes; T1 = 100 + 100 + 400, TX = 200.
  EXPECT_EQ(a.nets.at("v[0]"), act(1, 0, 600, 200, 4));
  // v[1] and v[3]: 0 (z at 200, 0 at 300, x at 400, 0 at 500): T0 = 100 + 100 + 400, TX 200.
  EXPECT_EQ(a.nets.at("v[1]"), act(0, 600, 0, 200, 4));
  EXPECT_EQ(a.nets.at("v[3]"), act(0, 600, 0, 200, 4));
  // v[2]: 0, z@200, 1@300, x@400, 1@500: z->1 is an X change, not a toggle. T0 100, T1 500, TX 200.
  EXPECT_EQ(a.nets.at("v[2]"), act(0, 100, 500, 200, 4));
  // w [0:1]: xx@0, "10"@100 (w[0]=1, w[1]=0), xx@400, "10"@500, "1"@600 = "01" (w[0]=0, w[1]=1).
  // w[0]: x 1 x 1 0 -> TC 1 (600), X changes at 100 (in the window), 400, 500; T1 300 + 100,
  // TX 100, T0 [600,900) 300.
  EXPECT_EQ(a.nets.at("w[0]"), act(1, 300, 400, 100, 3));
  EXPECT_EQ(a.nets.at("w[1]"), act(1, 400, 300, 100, 3));
  // e_q[3]: 1@0, x@400 (dump off), 0@500: T1 300, TX 100, T0 400.
  EXPECT_EQ(a.nets.at("e_q[3]"), act(0, 400, 300, 100, 2));
  for (const auto& [n, x] : a.nets) EXPECT_EQ(x.t0 + x.t1 + x.tx, 800u) << n;
}

TEST(Vcd, ScopesWindowsAndRecursion) {
  qe::VcdWindow w;
  w.begin_ps = 100;
  w.end_ps = 900;
  w.recursive = true;
  const qe::Activity r = qe::parse_vcd_activity(kVcd, "hand.vcd", w);
  // u.s: 0@0, x@400, 0@500.
  EXPECT_EQ(r.nets.at("u.s"), act(0, 700, 0, 100, 2));
  EXPECT_EQ(r.nets.size(), 10u);
  w.recursive = false;
  w.scope = "t.u";
  const qe::Activity u = qe::parse_vcd_activity(kVcd, "hand.vcd", w);
  ASSERT_EQ(u.nets.size(), 1u);
  EXPECT_EQ(u.nets.at("s"), act(0, 700, 0, 100, 2));
  // end_ps = 0: to the last timestamp (#95 = 950 ps); the change at 900 now counts.
  qe::VcdWindow all;
  const qe::Activity whole = qe::parse_vcd_activity(kVcd, "hand.vcd", all);
  EXPECT_EQ(whole.end_ps, 950u);
  // a over [0, 950): 0@0 1@50 0@100 1@200 0@300 x@400 1@500 0@600 1@900: TC 6 (0->... the first
  // value at 0 comes from X, an X change), X changes 3; T0 50+100+100+300, T1 50+100+100+50, TX 100.
  EXPECT_EQ(whole.nets.at("a"), act(6, 550, 300, 100, 3));
  // A window that starts inside a constant stretch takes the value set before it.
  qe::VcdWindow late;
  late.begin_ps = 650;
  late.end_ps = 950;
  EXPECT_EQ(qe::parse_vcd_activity(kVcd, "hand.vcd", late).nets.at("v[0]"), act(0, 0, 300, 0, 0));
}

TEST(Vcd, RangesAttachedAndTimescales) {
  // Verilator style: range attached to the name, descending and ascending, 1 ns units.
  const std::string v = "$timescale 1ns $end\n$scope module top $end\n$var wire 2 a d[1:0] $end\n"
                        "$var wire 2 b e [2:3] $end\n$var wire 1 c f [5] $end\n$upscope $end\n$enddefinitions $end\n"
                        "#0\nb01 a\nb01 b\n1c\n#2\nb10 a\n#3\n";
  const qe::Activity a = qe::parse_vcd_activity(v, "v.vcd", {});
  EXPECT_EQ(a.end_ps, 3000u);
  EXPECT_EQ(a.nets.at("d[0]"), act(1, 1000, 2000, 0, 1));  // 1 from 0 to 2 ns, then 0
  EXPECT_EQ(a.nets.at("d[1]"), act(1, 2000, 1000, 0, 1));
  EXPECT_EQ(a.nets.at("e[2]").t0, 3000u);  // "01": e[2] = 0, e[3] = 1
  EXPECT_EQ(a.nets.at("e[3]").t1, 3000u);
  EXPECT_EQ(a.nets.at("f[5]").t1, 3000u);
  // 100 fs units: #15 is 1.5 ps, not a whole ps.
  const std::string fs = "$timescale 100 fs $end\n$scope module m $end\n$var wire 1 ! a $end\n$upscope $end\n"
                         "$enddefinitions $end\n#0\n0!\n#10\n1!\n#15\n";
  EXPECT_NE(error_of(fs).find("bad.vcd:10: vcd: timestamp #15 is not a whole ps"), std::string::npos) << error_of(fs);
}

TEST(Vcd, ErrorsNameFileAndLine) {
  const std::string h = kHead;  // 5 header lines
  EXPECT_NE(error_of(h + "#0\n1?\n").find("bad.vcd:7: vcd: unknown id code '?'"), std::string::npos);
  EXPECT_NE(error_of(h + "#0\n0!\n=oops\n").find("bad.vcd:8: vcd: bad line '=oops'"), std::string::npos);
  EXPECT_NE(error_of(h + "#10\n0!\n#5\n").find("bad.vcd:8: vcd: time goes backwards"), std::string::npos);
  EXPECT_NE(error_of("$timescale 1ps $end\n$scope module m $end\n$var wire 1 ! a $end\n").find("truncated header"),
            std::string::npos);
  EXPECT_NE(error_of(h + "#0\nb101 !\n#1\n").find("wider than its 1-bit signal"), std::string::npos);
  EXPECT_NE(error_of(h + "#0\n0!\n#x1\n").find("bad time"), std::string::npos);
  EXPECT_NE(error_of("$timescale 3ps $end\n").find("bad.vcd:1: vcd: bad $timescale"), std::string::npos);
  qe::VcdWindow beyond;
  beyond.end_ps = 50;
  EXPECT_NE(error_of(h + "#0\n0!\n#10\n", beyond).find("after the dump's last timestamp 10 ps"), std::string::npos);
  qe::VcdWindow scope;
  scope.scope = "m.nope";
  EXPECT_NE(error_of(h + "#0\n0!\n#10\n", scope).find("no signals in scope 'm.nope'"), std::string::npos);
}

TEST(Vcd, WavesForReplay) {
  const qe::VcdWaves w = qe::parse_vcd_waves(kVcd, "hand.vcd", "");
  EXPECT_EQ(w.last_ps, 950u);
  // A bit is X before its first change; "bx" at 0 changes nothing.
  using C = std::vector<std::pair<std::uint64_t, char>>;
  EXPECT_EQ(w.bits.at("w[1]"), (C{{100, '0'}, {400, 'x'}, {500, '0'}, {600, '1'}}));
  EXPECT_EQ(w.bits.at("e_q[3]"), (C{{0, '1'}, {400, 'x'}, {500, '0'}}));
}

TEST(Saif, WriterRoundTripsMeasuredActivity) {
  const qe::Activity a = hand_activity();
  const std::string text = qe::saif_text(a, {"t", "qsq test", 0});
  EXPECT_NE(text.find("(TIMESCALE 1 ps)"), std::string::npos);
  EXPECT_NE(text.find("(DURATION 800)"), std::string::npos);
  EXPECT_NE(text.find("(e_q\\[3\\]"), std::string::npos);  // escaped
  const qe::Activity b = qe::parse_saif(text, "t.saif");
  EXPECT_EQ(b.duration(), 800u);
  EXPECT_EQ(b.nets, without_x_changes(a.nets));
  // And by the hand-derived values, for one net (tx_changes is not a SAIF field).
  const qe::NetActivity av = b.nets.at("a");
  EXPECT_EQ(av.t0, 500u);
  EXPECT_EQ(av.t1, 200u);
  EXPECT_EQ(av.tx, 100u);
  EXPECT_EQ(av.tc, 4u);
}

TEST(Saif, HierarchyFromTheSeparator) {
  qe::VcdWindow w;
  w.begin_ps = 100;
  w.end_ps = 900;
  w.recursive = true;
  const qe::Activity a = qe::parse_vcd_activity(kVcd, "hand.vcd", w);
  const std::string text = qe::saif_text(a, {"t", "qsq test", '.'});
  EXPECT_NE(text.find("(INSTANCE u"), std::string::npos);
  const qe::Activity b = qe::parse_saif(text, "t.saif");
  EXPECT_EQ(b.nets.at("u/s"), without_x_changes(a.nets).at("u.s"));  // the reader joins instances with '/'
}

TEST(Saif, ReadsCommercialStyleFiles) {
  // Nested instances under a testbench, PORT and NET sections, TIMESCALE 1 ns with fractions,
  // TZ counted as X, TB and COND groups skipped, a comment.
  const char* s = R"(// written by some tool
(SAIFILE
(SAIFVERSION "2.0")
(DIRECTION "backward")
(DESIGN )
(DATE "Mon Jan 1 00:00:00 2024")
(DIVIDER / )
(TIMESCALE 1 ns)
(DURATION 10.5)
(INSTANCE tb
  (INSTANCE "adder" dut
    (PORT
      (a\[0\] (T0 4.5) (T1 6) (TX 0) (TC 3) (IG 1))
    )
    (NET
      (n1 (T0 2) (T1 8) (TZ 0.5) (TB 0) (TC 7) (IG 0)
        (COND (A) (T0 1)))
      (\_12\_ (T0 10.5) (T1 0) (TX 0) (TC 0))
    )
    (INSTANCE sub (NET (x (T0 1) (T1 9.5) (TC 1))))
  )
)
)
)";
  const qe::Activity a = qe::parse_saif(s, "c.saif");
  EXPECT_EQ(a.duration(), 10500u);
  ASSERT_EQ(a.nets.size(), 4u);
  qe::NetActivity p = a.nets.at("dut/a[0]");
  EXPECT_EQ(p.t0, 4500u);
  EXPECT_EQ(p.t1, 6000u);
  EXPECT_EQ(p.tc, 3u);
  EXPECT_EQ(p.ig, 1u);
  EXPECT_EQ(a.nets.at("dut/n1").tx, 500u);
  EXPECT_EQ(a.nets.at("dut/n1").tc, 7u);
  EXPECT_EQ(a.nets.at("dut/_12_").t0, 10500u);
  EXPECT_EQ(a.nets.at("dut/sub/x").t1, 9500u);
}

TEST(Saif, ErrorsNameFileAndLine) {
  auto err = [](const std::string& t) {
    try {
      qe::parse_saif(t, "e.saif");
    } catch (const qsq::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(err("(SAIFILE\n(DURATION 10)\n(INSTANCE t (NET (a (T0 x))))\n)").find("e.saif:3: saif: bad number 'x'"),
            std::string::npos);
  EXPECT_NE(err("(SAIFILE\n(DURATION 10)\n(INSTANCE t\n").find("missing ')'"), std::string::npos);
  EXPECT_NE(err("(SAIFILE\n(INSTANCE t)\n)").find("no DURATION"), std::string::npos);
  EXPECT_NE(err("(VCD)").find("e.saif:1: saif: the file does not start with (SAIFILE"), std::string::npos);
}

TEST(Saif, EstimatedPathSaysSoAndKeepsTheCounts) {
  const qe::Netlist n = qe::parse_netlist(
      "module top(a, y);\n  input a;\n  output y;\n  wire \\r[1] ;\n"
      "  INVX1 u1 (.A(a), .Y(\\r[1] ));\n  INVX1 u2 (.A(\\r[1] ), .Y(y));\nendmodule\n",
      "n.v");
  std::vector<std::uint64_t> toggles(n.net_names.size());
  for (std::size_t k = 0; k < toggles.size(); ++k) toggles[k] = 10 + k;
  const std::string text = qe::saif_text_estimated(n, toggles, 100, 10.0, "test");
  EXPECT_NE(text.find("T0/T1 estimated as DURATION/2"), std::string::npos);
  const qe::Activity a = qe::parse_saif(text, "e.saif");
  EXPECT_EQ(a.duration(), 1000000u);  // 100 cycles of 10 ns
  ASSERT_EQ(a.nets.size(), n.net_names.size());
  for (std::size_t k = 0; k < n.net_names.size(); ++k) {
    const auto& x = a.nets.at(n.net_names[k]);
    EXPECT_EQ(x.tc, toggles[k]);
    EXPECT_EQ(x.t0, 500000u);
    EXPECT_EQ(x.t1, 500000u);
  }
}
