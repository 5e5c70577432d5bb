// The Verilated 2-D grid (rtl/qsq_grid.sv) against the golden grid model (qsq/grid.hpp):
// co-simulation of both built presets (every lane operand pair of grid-small exhaustively, random
// whole-grid traffic, heavy back-pressure), GateEn = 0 against the gated grid, rows without a
// filter clocking none of their banks, and random layers in the grid schedule, bit-exact against
// the one-row schedule's accumulators at every level, at the throughput the schedule promises.
#include <gtest/gtest.h>

#include <random>

#include "../model/random_layer.hpp"
#include "qsq/grid.hpp"
#include "qsq/rtlsim/cosim.hpp"
#include "qsq/rtlsim/grid_layer.hpp"
#include "qsq/rtlsim/grid_sim.hpp"
#include "qsq/schedule.hpp"

namespace {

qsq::rtlsim::CosimReport cosim(const char* preset, bool exhaustive, std::uint64_t vectors, bool gate = true,
                               bool serial = false) {
  qsq::rtlsim::CosimOptions o;
  o.serial = serial;
  o.preset = preset;
  o.exhaustive = exhaustive;
  o.vectors = vectors;
  o.gate_en = gate;
  return qsq::rtlsim::run_cosim(o);
}

void expect_clean(const qsq::rtlsim::CosimReport& r) {
  EXPECT_EQ(r.mismatches(), 0u) << (r.first_mismatches.empty() ? "" : r.first_mismatches.front());
  ASSERT_EQ(r.parts.size(), 3u);
  for (const auto& p : r.parts) EXPECT_GT(p.vectors, 0u) << p.name;
  for (const auto& l : r.levels) EXPECT_GT(l.vectors, 0u) << "q=" << l.q;
}

TEST(Cosim, GridSmallExhaustiveLanePairs) {
  const auto r = cosim("grid-small", true, 20000);
  expect_clean(r);
  // Every (a, w) pair of W = 5 through every lane of every row, at every level.
  const auto& g = r.geometry;
  const std::uint64_t pairs = std::uint64_t{1} << (2 * g.width);
  EXPECT_GE(r.parts[0].vectors, pairs * static_cast<std::uint64_t>(g.lanes * g.rows * g.qmax()));
}

TEST(Cosim, GridSmallWithoutClockGating) { expect_clean(cosim("grid-small", false, 5000, false)); }

TEST(Cosim, GridPresetShortRun) { expect_clean(cosim("grid", false, 3000)); }

TEST(Cosim, GridSmallSerialExhaustiveLanePairs) { expect_clean(cosim("grid-small", true, 20000, true, true)); }
TEST(Cosim, GridSerialShortRun) { expect_clean(cosim("grid", false, 3000, true, true)); }

TEST(Gating, RowsWithoutAFilterNeverClock) {
  auto sim = qsq::rtlsim::GridSim::create("grid-small");
  sim->watch_gated_clocks(true);
  const auto& g = sim->geometry();
  qsq::GridLoad ld;
  ld.rows_on = 0b001;  // only row 0 holds a filter
  ld.weights.bypass = true;
  ld.weights.plain.assign(static_cast<std::size_t>(g.lanes), 3);
  sim->push_load(ld);
  std::mt19937_64 rng(5);
  for (int t = 0; t < 200; ++t) {
    qsq::GridBeat b{{}, t % g.slots, t < g.slots || t % 3 == 0, t >= g.slots && t % 2 == 0};
    for (int i = 0; i < g.lanes; ++i) b.a.push_back(static_cast<std::int32_t>(rng() % 16));
    sim->push_beat(b);
  }
  sim->run();
  const auto banks = sim->gated_banks();
  ASSERT_FALSE(banks.empty());
  std::uint64_t on_row_edges = 0;
  for (const auto& b : banks) {
    if (b.rfind("gen_row[1]", 0) == 0 || b.rfind("gen_row[2]", 0) == 0) {
      EXPECT_EQ(sim->gated_clock_edges(b), 0u) << b;
    }
    if (b.rfind("gen_row[0].u_row.gen_slot", 0) == 0) on_row_edges += sim->gated_clock_edges(b);
  }
  EXPECT_GT(on_row_edges, 0u);
  EXPECT_EQ(sim->gated_clock_edges("gen_row[0].u_row.u_weight_bank"), 1u);
}

// Random layers of the golden model's test helper through the grid, at every level.
void layers_through(const char* preset, int trials, bool serial = false) {
  auto sim = qsq::rtlsim::GridSim::create(preset, true, false, serial);
  const qsq::Shape s = sim->geometry();
  std::mt19937_64 rng(11);
  for (int t = 0; t < trials; ++t) {
    qsq::Layer l = qsq_test::random_layer(rng, s.width, t % 3 == 2);
    if (l.format == qsq::WeightFormat::coded) {
      l.code_bits = s.code_bits;
      for (auto& c : l.codes) c = static_cast<std::uint8_t>(c & ((1 << s.code_bits) - 1));
    }
    const auto in = qsq_test::random_input(rng, l, s.width);
    for (int q = 1; q <= s.qmax(); ++q) {
      const auto run = qsq::rtlsim::run_grid_layer(*sim, l, in, {q, 0});
      ASSERT_EQ(run.acc, qsq::scheduled_accumulators(l, in, s.lanes, s.acc_width, {q, 0}))
          << preset << " layer " << t << " q=" << q;
      // A perfect stream: one load or beat step per cycle (the golden model's count), plus the
      // pipeline's fill and drain.
      qsq::GridCost cost;
      qsq::grid_layer_accumulators(l, in, s, {q, 0}, qsq::LaneKind::csd, &cost,
                                   serial ? qsq::LaneOrg::serial : qsq::LaneOrg::parallel);
      EXPECT_EQ(cost.loads, run.loads);
      EXPECT_EQ(cost.beats, run.beats);
      EXPECT_GE(run.cycles, cost.cycles);
      EXPECT_LE(run.cycles, cost.cycles + 3) << preset << (serial ? " serial" : "") << " q=" << q;
    }
  }
}

TEST(Layer, RandomLayersThroughGridSmall) { layers_through("grid-small", 12); }
TEST(Layer, RandomLayersThroughGrid) { layers_through("grid", 6); }
TEST(Layer, RandomLayersThroughGridSmallSerial) { layers_through("grid-small", 12, true); }
TEST(Layer, RandomLayersThroughGridSerial) { layers_through("grid", 6, true); }

}  // namespace
