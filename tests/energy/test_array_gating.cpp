// The energy flow on the real qsq_array (small preset: W=5, N=3, so it stays a CI-sized run): every
// result matches the golden model, and each gated clock net of the array toggles exactly twice
// per cycle in which the stimulus enables its bank (counted from the stimulus, not the netlist).
#include <gtest/gtest.h>

#include "qsq/defaults.hpp"
#include "qsq/energy/energy_flow.hpp"
#include "qsq/energy/netlist.hpp"
#include "qsq/energy/toolrun.hpp"

namespace qe = qsq::energy;
namespace fs = std::filesystem;

TEST(ArrayGating, GatedClockNetsToggleTwicePerEnabledCycle) {
  if (!qe::rtl_array_available()) GTEST_SKIP() << "rtl/qsq_array.sv not present";
  const auto& p = qsq::presets::kSmall;
  const qe::ArrayShape s{p.width, p.lanes, p.code_bits, p.acc_width};
  const qe::Design d = qe::rtl_array_design({{"Width", std::to_string(s.width)},
                                             {"Lanes", std::to_string(s.lanes)},
                                             {"CodeBits", std::to_string(s.code_bits)},
                                             {"AccWidth", std::to_string(s.acc_width)},
                                             {"GateEn", "1"},
                                             {"ExactLane", "0"}});
  const fs::path work = QSQ_TEST_WORK;
  const qe::AsicResult a = qe::synth_asic(d, work, qe::default_liberty());
  const qe::ArrayStream st = qe::make_array_stream("stationary", s, 7, 400, "");
  qe::MeasureSetup ms{qe::default_liberty(), work, 10.0, s.lanes, {}};
  // measure() throws on any result that differs from the golden model.
  const auto m = qe::measure(a, qe::DriverKind::array, qe::array_stimulus(s, st, {{1, 0}, {2, 0}}, false), ms, "array");
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
