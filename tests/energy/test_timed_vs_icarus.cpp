// The timed simulator against an independent one: Icarus Verilog 11 with $sdf_annotate runs the
// same netlist, the same delays and the same input waveform (run_icarus_timed), and the per-net
// toggle counts and time at 1 are compared. On the hand-countable circuits they must agree
// exactly; on the small qsq array (synthesized, OpenSTA's SDF, a stationary stream) within the
// tolerance stated below. Needs iverilog, yosys and sta (skipped without iverilog).
#include <gtest/gtest.h>

#include <filesystem>
#include <cstdio>
#include <map>

#include "circuits.hpp"
#include "qsq/energy/energy_flow.hpp"
#include "qsq/energy/icarus.hpp"
#include "qsq/energy/saif.hpp"
#include "qsq/energy/timed_player.hpp"
#include "qsq/energy/timed_sim.hpp"
#include "qsq/energy/toolrun.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/tool.hpp"

namespace qe = qsq::energy;
using qsq::test::osu;
namespace fs = std::filesystem;

namespace {

bool have_icarus() { return !qsq::flow::external_tool_version("iverilog").empty(); }

struct Event {
  std::uint64_t t;
  std::string net;
  int v;
};

// Runs both simulators on `events` (every input is set at time 0 first, so Icarus has no X left
// after it) and compares every net over [begin, end).
void agree(const std::string& name, const std::string& verilog, const std::string& sdf_text, const std::vector<Event>& events,
           std::uint64_t begin, std::uint64_t end) {
  const fs::path dir = fs::path(QSQ_TEST_WORK) / "agree" / name;
  fs::create_directories(dir);
  qsq::flow::write_file_atomic(dir / "n.v", verilog);
  qsq::flow::write_file_atomic(dir / "d.sdf", sdf_text);
  const qe::Netlist n = qe::read_netlist((dir / "n.v").string());
  const qe::Sdf sdf = qe::read_sdf((dir / "d.sdf").string());
  qe::TimedSim sim(n, osu(), sdf);
  // The input waveform as VCD, one 1-bit variable per input bit.
  std::string vcd = "$timescale 1ps $end\n$scope module " + n.module + " $end\n";
  std::map<std::string, std::string> code;
  for (const auto& p : n.ports) {
    if (p.dir != qe::Port::Dir::input) continue;
    for (int b = 0; b < p.width(); ++b) {
      const std::string bit = p.vector ? p.name + "[" + std::to_string(b) + "]" : p.name;
      code[bit] = std::string(1, static_cast<char>('!' + code.size()));
      vcd += "$var wire 1 " + code[bit] + " " + (p.vector ? p.name + " [" + std::to_string(b) + "]" : p.name) + " $end\n";
    }
  }
  vcd += "$upscope $end\n$enddefinitions $end\n";
  std::uint64_t last = ~std::uint64_t{0};
  bool begun = false;
  auto open_window = [&](std::uint64_t t) {
    if (begun || t < begin) return;
    sim.run_until(begin);
    sim.begin_window();
    begun = true;
  };
  for (const auto& e : events) {
    if (e.t != last) (vcd += '#') += std::to_string(e.t) + "\n";  // not "#" + s: GCC 12 -Wrestrict misfires
    last = e.t;
    vcd += std::to_string(e.v) + code.at(e.net) + "\n";
    open_window(e.t);
    sim.run_until(e.t);
    sim.set(n.find_net(e.net), e.v != 0);
  }
  open_window(end);
  sim.run_until(end);
  (vcd += '#') += std::to_string(end) + "\n";
  qsq::flow::write_file_atomic(dir / "inputs.vcd", vcd);
  qe::IcarusRun r;
  r.netlist = dir / "n.v";
  r.top = n.module;
  r.sdf = dir / "d.sdf";
  r.liberty = qe::default_liberty();
  r.inputs_vcd = dir / "inputs.vcd";
  r.begin_ps = begin;
  r.end_ps = end;
  const qe::Activity ic = qe::run_icarus_timed(r, dir);
  const qe::Activity ours = sim.window_activity();
  for (const auto& [net, a] : ours.nets) {
    ASSERT_TRUE(ic.nets.count(net)) << name << ": Icarus has no net " << net;
    EXPECT_EQ(ic.nets.at(net).tc, a.tc) << name << " " << net;
    EXPECT_EQ(ic.nets.at(net).t1, a.t1) << name << " " << net;
    EXPECT_EQ(ic.nets.at(net).tx, 0u) << name << " " << net;
  }
}

TEST(TimedVsIcarus, HandCountedCircuitsAgreeExactly) {
  if (!have_icarus()) GTEST_SKIP() << "iverilog is not installed";
  // The ripple-carry transition of test_timed_sim.cpp, then the reverse one.
  std::vector<Event> ev;
  for (int i = 0; i < 4; ++i) {
    ev.push_back({0, "a[" + std::to_string(i) + "]", i < 3});
    ev.push_back({0, "b[" + std::to_string(i) + "]", i == 0});
  }
  for (int i = 0; i < 4; ++i) ev.push_back({10000, "a[" + std::to_string(i) + "]", i == 3});
  ev.push_back({10000, "b[0]", 0});
  for (int i = 0; i < 4; ++i) ev.push_back({20000, "a[" + std::to_string(i) + "]", i < 3});
  ev.push_back({20000, "b[0]", 1});
  const std::string arcs = "A>YS:0.3 B>YS:0.3 C>YS:0.3 A>YC:0.5/0.45 B>YC:0.5/0.45 C>YC:0.5/0.45";
  agree("rca", qsq::test::kRippleCarry4,
        qsq::test::sdf_of({{"f0", "FAX1", arcs}, {"f1", "FAX1", arcs}, {"f2", "FAX1", arcs}, {"f3", "FAX1", arcs}}), ev,
        5000, 30000);
  // The XOR trees: all four inputs flip, then two of them, at 10 ns intervals.
  std::vector<Event> x;
  for (const char* in : {"a", "b", "c", "d"}) x.push_back({0, in, 0});
  for (const char* in : {"a", "b", "c", "d"}) x.push_back({10000, in, 1});
  for (const char* in : {"a", "d"}) x.push_back({20000, in, 0});
  const std::string xa = "A>Y:0.2 B>Y:0.2";
  for (const char* last : {"A>Y:0.15 B>Y:0.15", "A>Y:0.3 B>Y:0.3"}) {
    const std::string s = qsq::test::sdf_of({{"u1", "XOR2X1", xa}, {"u2", "XOR2X1", xa}, {"u3", "XOR2X1", last}});
    agree(std::string("chain_") + (last[4] == '1' ? "fast" : "slow"), qsq::test::kXorTreeChain, s, x, 5000, 30000);
    agree(std::string("tree_") + (last[4] == '1' ? "fast" : "slow"), qsq::test::kXorTreeBalanced, s, x, 5000, 30000);
  }
}

// The small qsq array (W = 5, N = 3, clock gating on, CSD lanes) as synthesized, with the SDF
// the energy flow simulates, on a stationary stream: two blocks (q = 1, q = 2) played back to back;
// the first is the warm-up that leaves no register X in Icarus, the second is compared. What may
// differ, and why (docs/energy.md): Icarus orders same-time events by delta cycles, the timed
// simulator evaluates a cell once per time step after all its same-time input changes, so a cell
// whose inputs change at the same picosecond from two paths may see a zero-width intermediate
// value in Icarus that schedules (and, by inertial delay, usually cancels) an extra update.
TEST(TimedVsIcarus, SmallArrayAgreesWithinTolerance) {
  if (!have_icarus()) GTEST_SKIP() << "iverilog is not installed";
  const fs::path work = fs::path(QSQ_TEST_WORK) / "agree_array";
  const qsq::Shape shape = qsq::presets::kSmall;
  const std::string lib = qe::default_liberty();
  const qe::AsicResult a = qe::synth_asic(qe::array_variant(shape, true, qe::LaneKind::csd), work, lib);
  const auto stream = qe::make_array_stream("stationary", shape, 7, 300, "");
  fs::create_directories(work / "run");
  qsq::flow::write_file_atomic(work / "run" / "stim.txt",
                               qe::array_stimulus(shape, stream, {qsq::Quality{1, 0}, qsq::Quality{2, 0}}, qe::LaneKind::csd));
  const qe::Netlist n = qe::read_netlist(a.netlist.string());
  const qe::PowerModel pm(n, osu());
  const qe::Sdf sdf = qe::timed_sdf(a, n, pm, lib, 10.0, work);
  qsq::flow::write_file_atomic(work / "run" / "timed.sdf", qe::sdf_text(sdf));
  qe::TimedOptions o;
  o.clock_ns = qe::timed_clock_ns(a, lib, 10.0, work);
  o.inputs_vcd = work / "run" / "inputs.vcd";
  const auto blocks = qe::run_timed_gate_sim(n, osu(), sdf, work / "run" / "stim.txt", qe::DriverKind::array, work / "run", o);
  ASSERT_EQ(blocks.size(), 2u);
  ASSERT_EQ(blocks[1].result.mismatches, 0u);
  const qe::Activity& ours = blocks[1].activity;
  qe::IcarusRun r;
  r.netlist = a.netlist;
  r.top = n.module;
  r.sdf = work / "run" / "timed.sdf";
  r.liberty = lib;
  r.inputs_vcd = o.inputs_vcd;
  r.begin_ps = ours.begin_ps;
  r.end_ps = ours.end_ps;
  const qe::Activity ic = qe::run_icarus_timed(r, work);
  std::uint64_t total = 0, diff = 0, nets_differ = 0, x_nets = 0;
  std::string worst;
  std::uint64_t worst_d = 0;
  for (const auto& [net, x] : ours.nets) {
    ASSERT_TRUE(ic.nets.count(net)) << "Icarus has no net " << net;
    const auto& y = ic.nets.at(net);
    if (y.tx) {
      ++x_nets;
      continue;
    }
    total += x.tc;
    const std::uint64_t d = x.tc > y.tc ? x.tc - y.tc : y.tc - x.tc;
    diff += d;
    nets_differ += d ? 1 : 0;
    if (d > worst_d) {
      worst_d = d;
      worst = net + " (ours " + std::to_string(x.tc) + ", Icarus " + std::to_string(y.tc) + ")";
    }
  }
  std::printf("small array, window [%llu, %llu) ps: %llu toggles, %llu differ on %llu of %zu nets (%.4f %%), %llu nets X in Icarus; worst %s\n",
              static_cast<unsigned long long>(ours.begin_ps), static_cast<unsigned long long>(ours.end_ps),
              static_cast<unsigned long long>(total), static_cast<unsigned long long>(diff),
              static_cast<unsigned long long>(nets_differ), ours.nets.size(), total ? 100.0 * static_cast<double>(diff) / static_cast<double>(total) : 0.0,
              static_cast<unsigned long long>(x_nets), worst.c_str());
  EXPECT_GT(total, 10000u);
  EXPECT_EQ(x_nets, 0u);
  // The SAIF of the timed run carries the measured activity: parsed back, every net's TC, T0 and
  // T1 are the simulator's, and T1 is also what Icarus's waveform spent at 1.
  const qe::Activity back = qe::parse_saif(qe::saif_text(ours, {n.module, "test"}), "timed.saif");
  EXPECT_EQ(back.duration(), ours.duration());
  std::uint64_t t1_differ = 0;
  for (const auto& [net, x] : ours.nets) {
    ASSERT_TRUE(back.nets.count(net)) << net;
    EXPECT_EQ(back.nets.at(net).tc, x.tc) << net;
    EXPECT_EQ(back.nets.at(net).t0, x.t0) << net;
    EXPECT_EQ(back.nets.at(net).t1, x.t1) << net;
    t1_differ += back.nets.at(net).t1 != ic.nets.at(net).t1 ? 1 : 0;
  }
  EXPECT_LE(t1_differ, nets_differ);
  // The stated tolerance: the toggle counts of all nets agree within 0.5 % in sum (measured: exactly).
  EXPECT_LE(static_cast<double>(diff), 0.005 * static_cast<double>(total));
}

}  // namespace
