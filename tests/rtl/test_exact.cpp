// The exact baseline (ExactLane = 1) that the energy flow compares against: every product is the
// exact a * w whatever the quality level, with the same load/valid/zero-operand gating.
#include <gtest/gtest.h>

#include <random>

#include "qsq/codebook.hpp"
#include "qsq/rtlsim/array_sim.hpp"
#include "qsq/transaction.hpp"

namespace {

using qsq::rtlsim::ArraySim;

TEST(RtlExactLane, ComputesExactDotProducts) {
  auto sim = ArraySim::create("small", true, true);
  const auto& g = sim->geometry();
  ASSERT_TRUE(g.exact_lane);
  sim->set_traffic({0.3, 0.1, 6});
  std::mt19937_64 rng(6);
  std::uniform_int_distribution<int> val(qsq::min_value(g.width), qsq::max_value(g.width));
  std::uniform_int_distribution<int> code(0, (1 << g.code_bits) - 1), cbd(0, 2), q(1, qsq::max_digits(g.width));
  std::uniform_int_distribution<std::uint32_t> scale(0, qsq::max_scale(g.width));
  std::bernoulli_distribution zero(0.4), bypass(0.3);
  std::vector<std::int64_t> want;
  qsq::ArrayModel golden(g.width, g.lanes, g.code_bits, g.acc_width, qsq::LaneKind::exact);
  for (int chunk = 0; chunk < 200; ++chunk) {
    qsq::rtlsim::WeightLoad ld;
    ld.quality = {q(rng), 0};  // ignored by the baseline
    ld.codebook = static_cast<qsq::CodebookId>(cbd(rng));
    ld.bypass = bypass(rng);
    if (ld.bypass) {
      for (int i = 0; i < g.lanes; ++i) ld.plain.push_back(val(rng));
    } else {
      ld.scale = scale(rng);
      for (int i = 0; i < g.lanes; ++i) ld.codes.push_back(static_cast<std::uint8_t>(code(rng)));
    }
    sim->push_load(ld);
    golden.load(ld);  // the exact lane: a * w whatever the level
    for (int t = 0; t < 16; ++t) {
      qsq::rtlsim::DotBeat b{std::vector<std::int32_t>(g.lanes), chunk - t};
      for (int i = 0; i < g.lanes; ++i) b.a[i] = zero(rng) ? 0 : val(rng);
      want.push_back(golden.dot(b));
      sim->push_dot(b);
    }
  }
  EXPECT_EQ(sim->run(), want);
}

TEST(RtlExactLane, SameOperandGatingAsTheQsqArray) {
  auto sim = ArraySim::create("small", true, true);
  sim->watch_gated_clocks(true);
  ASSERT_EQ(static_cast<int>(sim->gated_banks().size()), sim->geometry().lanes + 4);
  qsq::rtlsim::WeightLoad ld;
  ld.bypass = true;
  ld.plain = {5, 0, -3};  // lane 1: zero weight
  sim->push_load(ld);
  for (int t = 0; t < 10; ++t) sim->push_dot({{t % 2 ? 0 : 7, 9, 11}, 0});  // lane 0: zero every other beat
  const auto r = sim->run();
  ASSERT_EQ(r.size(), 10u);
  EXPECT_EQ(r[0], 5 * 7 - 3 * 11);
  EXPECT_EQ(r[1], -3 * 11);
  EXPECT_EQ(sim->gated_clock_edges("gen_lane[0].u_lane.u_act_bank"), 5u);
  EXPECT_EQ(sim->gated_clock_edges("gen_lane[1].u_lane.u_act_bank"), 0u);
  EXPECT_EQ(sim->gated_clock_edges("gen_lane[2].u_lane.u_act_bank"), 10u);
}

}  // namespace
