// Clock gating: a gated clock whose enable is off does not toggle, each gated clock pulses
// exactly in the cycles the stimulus predicts, and GateEn = 0 gives identical results.
#include <gtest/gtest.h>

#include <random>

#include "qsq/codebook.hpp"
#include "qsq/csd.hpp"
#include "qsq/rtlsim/array_sim.hpp"
#include "qsq/transaction.hpp"

namespace {

using qsq::rtlsim::ArraySim;
using qsq::rtlsim::DotBeat;
using qsq::rtlsim::WeightLoad;

std::string act_bank(int lane) { return "gen_lane[" + std::to_string(lane) + "].u_lane.u_act_bank"; }

TEST(RtlGating, AllBanksObservable) {
  auto sim = ArraySim::create("default", true);
  sim->watch_gated_clocks(true);
  const auto banks = sim->gated_banks();
  EXPECT_EQ(static_cast<int>(banks.size()), sim->geometry().lanes + 4);
  for (const char* b : {"u_load_bank", "u_weight_bank", "u_beat_bank", "u_result_bank"})
    EXPECT_NO_THROW(sim->gated_clock_edges(b)) << b;
  EXPECT_NO_THROW(sim->gated_clock_edges(act_bank(sim->geometry().lanes - 1)));
}

// Lane 3 holds a zero weight and lane 5 only ever sees zero activations: their activation
// banks must never be clocked. Every other bank pulses exactly as often as predicted.
TEST(RtlGating, GatedClocksFollowTheStimulus) {
  auto sim = ArraySim::create("default", true);
  const int n = sim->geometry().lanes;
  sim->set_traffic({0.3, 0.2, 5});
  sim->watch_gated_clocks(true);
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> act(-128, 127);
  std::bernoulli_distribution zero(0.4);
  const auto& cb = qsq::codebook(qsq::CodebookId::pow2, 3);
  std::vector<std::uint64_t> expect_act(n, 0);
  int loads = 0, dots = 0;
  for (int chunk = 0; chunk < 5; ++chunk) {
    WeightLoad ld;
    ld.quality = {2, 0};
    ld.scale = 90;
    ld.codes.assign(n, 0b011);            // +S: digits present
    ld.codes[3] = 0b000;                  // zero weight in lane 3
    ASSERT_EQ(cb.decode(ld.codes[3], ld.scale), 0);
    sim->push_load(ld);
    ++loads;
    for (int t = 0; t < 40; ++t) {
      DotBeat b;
      b.a.resize(n);
      for (int i = 0; i < n; ++i) {
        b.a[i] = (i == 5 || zero(rng)) ? 0 : act(rng);
        if (b.a[i] != 0 && i != 3) ++expect_act[i];
      }
      sim->push_dot(b);
      ++dots;
    }
  }
  const auto res = sim->run();
  ASSERT_EQ(static_cast<int>(res.size()), dots);
  EXPECT_EQ(sim->gated_clock_edges("u_load_bank"), static_cast<std::uint64_t>(loads));
  EXPECT_EQ(sim->gated_clock_edges("u_weight_bank"), static_cast<std::uint64_t>(loads));
  EXPECT_EQ(sim->gated_clock_edges("u_beat_bank"), static_cast<std::uint64_t>(dots));
  EXPECT_EQ(sim->gated_clock_edges("u_result_bank"), static_cast<std::uint64_t>(dots));
  EXPECT_EQ(sim->gated_clock_edges(act_bank(3)), 0u) << "lane with a zero weight was clocked";
  EXPECT_EQ(sim->gated_clock_edges(act_bank(5)), 0u) << "lane with zero activations was clocked";
  for (int i = 0; i < n; ++i) EXPECT_EQ(sim->gated_clock_edges(act_bank(i)), expect_act[i]) << "lane " << i;
  EXPECT_GT(sim->cycles(), static_cast<std::uint64_t>(dots + loads));  // stalls happened
}

// With no operation offered, no gated clock pulses at all.
TEST(RtlGating, IdleArrayClocksNothing) {
  auto sim = ArraySim::create("default", true);
  sim->watch_gated_clocks(true);
  sim->push_load({{2, 0}, qsq::CodebookId::pow2, false, std::vector<std::uint8_t>(8, 3), 50, {}});
  sim->run();
  for (int t = 0; t < 20; ++t) sim->push_dot({std::vector<std::int32_t>(8, 0), t});  // all-zero activations
  const auto r = sim->run();
  EXPECT_EQ(r.size(), 20u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(sim->gated_clock_edges(act_bank(i)), 0u);
  EXPECT_EQ(sim->gated_clock_edges("u_load_bank"), 1u);    // one load ...
  EXPECT_EQ(sim->gated_clock_edges("u_weight_bank"), 1u);  // ... written once
  EXPECT_EQ(sim->gated_clock_edges("u_beat_bank"), 20u);
  // Idle cycles with nothing offered clock no bank at all.
  const auto beat = sim->gated_clock_edges("u_beat_bank"), res = sim->gated_clock_edges("u_result_bank");
  sim->push_load({{2, 0}, qsq::CodebookId::pow2, false, std::vector<std::uint8_t>(8, 3), 50, {}});
  sim->run();
  EXPECT_EQ(sim->gated_clock_edges("u_beat_bank"), beat);
  EXPECT_EQ(sim->gated_clock_edges("u_result_bank"), res);
}

// Same stimulus, same traffic: GateEn = 1 and GateEn = 0 give identical results in identical
// cycles, and both match the golden model.
TEST(RtlGating, GatingNeverChangesResults) {
  auto gated = ArraySim::create("default", true);
  auto plain = ArraySim::create("default", false);
  std::mt19937_64 rng(21);
  std::uniform_int_distribution<int> act(-128, 127), code(0, 7), q(1, 4), p(0, 8), cbd(0, 2);
  std::uniform_int_distribution<std::uint32_t> scale(0, 127);
  std::bernoulli_distribution zero(0.5);
  std::vector<std::int64_t> want;
  qsq::ArrayModel golden(8, 8, 3, 32);  // the golden transaction model of the default preset
  for (auto* s : {gated.get(), plain.get()}) s->set_traffic({0.3, 0.15, 9});
  for (int chunk = 0; chunk < 60; ++chunk) {
    WeightLoad ld;
    ld.quality = {q(rng), chunk % 3 == 0 ? p(rng) : 0};
    ld.codebook = static_cast<qsq::CodebookId>(cbd(rng));
    ld.scale = scale(rng);
    ld.codes.resize(8);
    for (int i = 0; i < 8; ++i) ld.codes[i] = static_cast<std::uint8_t>(code(rng));
    gated->push_load(ld);
    plain->push_load(ld);
    golden.load(ld);
    for (int t = 0; t < 50; ++t) {
      DotBeat b{std::vector<std::int32_t>(8), chunk * 1000 - t};
      for (int i = 0; i < 8; ++i) b.a[i] = zero(rng) ? 0 : act(rng);
      want.push_back(golden.dot(b));
      gated->push_dot(b);
      plain->push_dot(b);
    }
  }
  const auto rg = gated->run();
  const auto rp = plain->run();
  EXPECT_EQ(rg, rp);
  EXPECT_EQ(rg, want);
  EXPECT_EQ(gated->cycles(), plain->cycles());
}

}  // namespace
