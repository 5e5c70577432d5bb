// The energy flow on the real qsq_array (small preset: W=5, N=3, so it stays a CI-sized run): every
// result matches the golden model, and each gated clock net of the array toggles exactly twice
// per cycle in which the stimulus enables its bank (counted from the stimulus, not the netlist).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>

#include "qsq/contract.hpp"
#include "qsq/energy/energy_flow.hpp"
#include "qsq/energy/liberty.hpp"
#include "qsq/energy/netlist.hpp"
#include "qsq/energy/power.hpp"
#include "qsq/energy/toolrun.hpp"

namespace qe = qsq::energy;
namespace fs = std::filesystem;

TEST(ArrayGating, GatedClockNetsToggleTwicePerEnabledCycle) {
  const auto& p = qsq::presets::kSmall;
  const qe::ArrayShape s = p;
  const qe::Design d = qe::array_variant(s, /*gate=*/true, qe::LaneKind::csd);
  const fs::path work = QSQ_TEST_WORK;
  const qe::AsicResult a = qe::synth_asic(d, work, qe::default_liberty());
  const qe::ArrayStream st = qe::make_array_stream("stationary", s, 7, 400, "");
  qe::MeasureSetup ms{qe::default_liberty(), work, 10.0, s.lanes, {}};
  // measure() throws on any result that differs from the golden model.
  const auto m = qe::measure(a, qe::DriverKind::array, qe::array_stimulus(s, st, {{1, 0}, {2, 0}}, qe::LaneKind::csd), ms, "array");
  ASSERT_EQ(m.size(), 2u);
  const qe::Netlist net = qe::read_netlist(a.netlist.string());
  // From the stimulus: one load and one act transfer per beat (the stream never stalls with
  // res_ready_i held high); the load bank and the weight bank (one cycle later) clock once per
  // load, the beat bank and the result bank once per activation beat.
  const std::uint64_t loads = st.loads(), beats = st.act_beats();
  for (const auto& blk : m) {
    EXPECT_EQ(blk.loads, loads);
    EXPECT_EQ(blk.beats, beats);
    auto toggles = [&](const std::string& name) {
      const int id = net.find_net(name);
      EXPECT_GE(id, 0) << name << " is not a net of the netlist";
      return id >= 0 ? blk.net_toggles[id] : 0;
    };
    EXPECT_EQ(toggles("u_load_bank.gclk"), 2 * loads) << blk.block;
    EXPECT_EQ(toggles("u_weight_bank.gclk"), 2 * loads) << blk.block;
    EXPECT_EQ(toggles("u_beat_bank.gclk"), 2 * beats) << blk.block;
    EXPECT_EQ(toggles("u_result_bank.gclk"), 2 * beats) << blk.block;
    EXPECT_EQ(toggles("clk_i"), 2 * blk.cycles) << blk.block;
  }
}

// The bound instrument (BoundLane = 1: each lane passes its activation, no multiplier) has the
// same registers and gating as the qsq array: on the same stream its banks clock in exactly the
// same cycles, every result matches its own golden value (psum + the activations of lanes with a
// non-zero weight), and it costs less logic energy per MAC than the qsq lanes at every level.
TEST(ArrayGating, BoundArrayClocksLikeTheQsqArrayAndCostsLess) {
  const auto& p = qsq::presets::kSmall;
  const qe::ArrayShape s = p;
  const fs::path work = QSQ_TEST_WORK;
  const qe::ArrayStream st = qe::make_array_stream("stationary", s, 7, 400, "");
  qe::MeasureSetup ms{qe::default_liberty(), work, 10.0, s.lanes, {}};
  const qe::AsicResult aq = qe::synth_asic(qe::array_variant(s, true, qe::LaneKind::csd), work, qe::default_liberty());
  const qe::AsicResult ab = qe::synth_asic(qe::array_variant(s, true, qe::LaneKind::bound), work, qe::default_liberty());
  const auto mq = qe::measure(aq, qe::DriverKind::array, qe::array_stimulus(s, st, {{1, 0}, {3, 0}}, qe::LaneKind::csd), ms, "array-q");
  const auto mb = qe::measure(ab, qe::DriverKind::array, qe::array_stimulus(s, st, {}, qe::LaneKind::bound), ms, "array-bound");
  ASSERT_EQ(mb.size(), 1u);
  EXPECT_EQ(mb[0].block, "bound");
  // The weight bank holds 2W bits per lane in the qsq array (digit masks) plus the rows' summed
  // constant (2W + clog2(N) bits), W per lane in the bound (w); the bound does not use the load
  // bank's q (4 bits) and p (5 bits), so synthesis drops them.
  const int clog2_lanes = static_cast<int>(std::bit_width(static_cast<unsigned>(s.lanes - 1)));
  EXPECT_EQ(aq.flops - ab.flops, s.lanes * s.width + (2 * s.width + clog2_lanes) + 4 + 5);
  EXPECT_EQ(aq.clock_gates, ab.clock_gates);
  const qe::Netlist nq = qe::read_netlist(aq.netlist.string()), nb = qe::read_netlist(ab.netlist.string());
  for (const char* bank : {"u_load_bank.gclk", "u_weight_bank.gclk", "u_beat_bank.gclk", "u_result_bank.gclk", "clk_i"}) {
    const int iq = nq.find_net(bank), ib = nb.find_net(bank);
    ASSERT_GE(iq, 0) << bank;
    ASSERT_GE(ib, 0) << bank;
    for (const auto& blk : mq) EXPECT_EQ(blk.net_toggles[iq], mb[0].net_toggles[ib]) << bank << " " << blk.block;
  }
  for (const auto& blk : mq) EXPECT_LT(mb[0].energy.logic, blk.energy.logic) << blk.block;
}

// Fanout buffering (Design::buffer_clock_ns, `qsq energy --fanout-buffering`): ABC inserts
// buffers and sizes gates, so the slowest non-clock net of the netlist gets faster than in the
// plain mapping (slews from the liberty tables at each net's load, qsq::energy::PowerModel), the
// netlist holds buffer cells, and the array still computes every result of the golden model.
TEST(ArrayGating, FanoutBufferingSpeedsTheSlowestNetsAndKeepsTheResults) {
  const qe::ArrayShape s = qsq::presets::kDefault;
  const fs::path work = QSQ_TEST_WORK;
  const qe::Liberty lib = qe::read_liberty(qe::default_liberty());
  auto worst_slew = [&](const qe::AsicResult& a) {
    const qe::PowerModel pm(qe::read_netlist(a.netlist.string()), lib);
    double worst = 0;
    for (const auto& n : pm.nets())
      if (!n.clock && n.driver_inst >= 0) worst = std::max(worst, n.slew_ns);
    return worst;
  };
  qe::Design d = qe::array_variant(s, /*gate=*/true, qe::LaneKind::exact);
  const qe::AsicResult plain = qe::synth_asic(d, work, qe::default_liberty());
  d.buffer_clock_ns = 10.0;
  const qe::AsicResult buffered = qe::synth_asic(d, work, qe::default_liberty());
  EXPECT_NE(plain.hash, buffered.hash);
  EXPECT_EQ(plain.histogram.count("BUFX2") + plain.histogram.count("BUFX4"), 0u);
  EXPECT_GT(buffered.histogram.count("BUFX2") + buffered.histogram.count("BUFX4"), 0u);
  const double before = worst_slew(plain), after = worst_slew(buffered);
  RecordProperty("worst_slew_plain_ps", static_cast<int>(before * 1000));
  RecordProperty("worst_slew_buffered_ps", static_cast<int>(after * 1000));
  EXPECT_LT(after, before) << "worst non-clock slew: plain " << before << " ns, buffered " << after << " ns";
  const qe::ArrayStream st = qe::make_array_stream("stationary", s, 3, 300, "");
  qe::MeasureSetup ms{qe::default_liberty(), work, 10.0, s.lanes, {}};
  // measure() throws on any result that differs from the golden model.
  const auto m = qe::measure(buffered, qe::DriverKind::array, qe::array_stimulus(s, st, {{1, 0}}, qe::LaneKind::exact), ms,
                             "array-buffered");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].beats, st.act_beats());
}
