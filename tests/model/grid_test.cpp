// The golden grid model (qsq/grid.hpp) against an independent computation: plain dot products of
// the decoded, quality-truncated weights (qs_weight), worked out per row and per slot here; and the
// grid schedule of random layers against the 1-D schedule's accumulators (scheduled_accumulators).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "qsq/codebook.hpp"
#include "qsq/csd.hpp"
#include "qsq/grid.hpp"
#include "qsq/schedule.hpp"
#include "random_layer.hpp"

namespace {

qsq::GridLoad plain_row(int row, std::uint64_t on, std::vector<std::int32_t> w, qsq::Quality q = {0, 0}) {
  qsq::GridLoad ld;
  ld.row = row;
  ld.rows_on = on;
  ld.weights.quality = q;
  ld.weights.bypass = true;
  ld.weights.plain = std::move(w);
  return ld;
}

TEST(GridModel, ResultsByHand) {
  const qsq::Shape s = qsq::presets::kGridSmall;  // W = 5, N = 3, M = 3, 4 slots
  qsq::GridModel g(s);
  g.load(plain_row(0, 0b011, {1, 2, 3}));
  g.load(plain_row(1, 0b011, {-4, 0, 5}));
  EXPECT_FALSE(g.beat({{1, 1, 1}, 2, true, false}).has_value());   // slot 2: 6 | 1
  EXPECT_FALSE(g.beat({{2, -3, 0}, 0, true, false}).has_value());  // slot 0: -4 | -8
  auto r = g.beat({{0, 0, 2}, 2, false, true});                     // slot 2 + (6 | 10)
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->rows_on, 0b011u);
  EXPECT_EQ(r->values, (std::vector<std::int64_t>{12, 11, 0}));
  r = g.beat({{1, 0, 0}, 0, false, true});                          // slot 0 + (1 | -4)
  EXPECT_EQ(r->values, (std::vector<std::int64_t>{-3, -12, 0}));
}

TEST(GridModel, RowsOffKeepTheirSlotsAndReportNothing) {
  qsq::GridModel g(qsq::presets::kGridSmall);
  g.load(plain_row(0, 0b111, {1, 1, 1}));
  g.load(plain_row(2, 0b111, {2, 2, 2}));
  g.beat({{1, 1, 1}, 1, true, false});                 // rows 0, 1, 2: 3, 0, 6
  g.load(plain_row(0, 0b001, {1, 1, 1}));              // rows 1 and 2 off
  g.beat({{1, 0, 0}, 1, false, false});                // row 0: 4; rows 1, 2 keep 0, 6
  g.load(plain_row(2, 0b101, {2, 2, 2}));
  auto r = g.beat({{0, 0, 0}, 1, false, true});
  EXPECT_EQ(r->rows_on, 0b101u);
  EXPECT_EQ(r->values, (std::vector<std::int64_t>{4, 0, 6}));
}

TEST(GridModel, ContinuingAnUnstartedSlotIsAnError) {
  qsq::GridModel g(qsq::presets::kGridSmall);
  g.load(plain_row(0, 1, {1, 1, 1}));
  EXPECT_THROW(g.beat({{1, 1, 1}, 0, false, false}), qsq::Error);
  EXPECT_THROW(g.beat({{1, 1}, 0, true, false}), qsq::Error);
  EXPECT_THROW(g.beat({{1, 1, 1}, 4, true, false}), qsq::Error);
  EXPECT_THROW(g.load(plain_row(3, 1, {1, 1, 1})), qsq::Error);
  EXPECT_THROW(qsq::GridModel{qsq::presets::kDefault}, qsq::Error);  // not a grid
  g.beat({{1, 1, 1}, 1, true, false});
  g.beat({{1, 1, 1}, 1, false, true});                               // the slot's last beat
  EXPECT_THROW(g.beat({{1, 1, 1}, 1, false, false}), qsq::Error);    // ... leaves it undefined
}

// Random coded rows, random beats, every level: the model against dot products computed here.
TEST(GridModel, RandomAgainstPlainDotProducts) {
  for (const qsq::Shape& s : {qsq::Shape(qsq::presets::kGridSmall), qsq::Shape(qsq::presets::kGrid)}) {
    std::mt19937_64 rng(7);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    qsq::GridModel g(s);
    const auto n = static_cast<std::size_t>(s.lanes);
    std::vector<std::vector<std::int32_t>> w(static_cast<std::size_t>(s.rows), std::vector<std::int32_t>(n, 0));
    std::vector<std::vector<std::int64_t>> acc(static_cast<std::size_t>(s.rows),
                                               std::vector<std::int64_t>(static_cast<std::size_t>(s.slots), 0));
    std::uint64_t on = 0;
    for (int step = 0; step < 4000; ++step) {
      if (pick(0, 7) == 0) {
        qsq::GridLoad ld;
        ld.row = pick(0, s.rows - 1);
        const std::uint64_t all = (std::uint64_t{1} << s.rows) - 1;
        ld.rows_on = on = step < 200 ? all : (static_cast<std::uint64_t>(pick(0, static_cast<int>(all))) | (std::uint64_t{1} << ld.row));
        ld.weights.quality = {pick(0, s.qmax()), pick(0, s.width - 1)};
        ld.weights.codebook = static_cast<qsq::CodebookId>(pick(0, qsq::kNumCodebooks - 1));
        ld.weights.scale = static_cast<std::uint32_t>(pick(0, static_cast<int>(qsq::max_scale(s.width))));
        for (std::size_t i = 0; i < n; ++i) ld.weights.codes.push_back(static_cast<std::uint8_t>(pick(0, 7)));
        g.load(ld);
        const qsq::Codebook& cb = qsq::codebook(ld.weights.codebook, s.code_bits);
        const qsq::Quality q{ld.weights.quality.q == 0 ? s.qmax() : ld.weights.quality.q, ld.weights.quality.p};
        for (std::size_t i = 0; i < n; ++i)
          w[static_cast<std::size_t>(ld.row)][i] = qsq::qs_weight(cb.decode(ld.weights.codes[i], ld.weights.scale), q);
        continue;
      }
      qsq::GridBeat b;
      for (std::size_t i = 0; i < n; ++i) b.a.push_back(pick(0, 2) ? pick(qsq::min_value(s.width), qsq::max_value(s.width)) : 0);
      b.slot = pick(0, s.slots - 1);
      // The first 200 steps start every slot of every row (the first load turns all rows on),
      // so later beats may continue any slot.
      b.first = step <= 200 || pick(0, 3) == 0;
      b.last = pick(0, 3) == 0;
      if (step <= 200) b.slot = step % s.slots;
      if (!b.first) {
        try {
          (void)g.peek(b);
        } catch (const qsq::Error&) {
          b.first = true;  // a slot an on row has not started (or has ended with a last beat)
        }
      }
      std::vector<std::int64_t> expect(static_cast<std::size_t>(s.rows), 0);
      for (int r = 0; r < s.rows; ++r) {
        if (!(on >> r & 1)) continue;
        std::int64_t v = b.first ? 0 : acc[static_cast<std::size_t>(r)][static_cast<std::size_t>(b.slot)];
        for (std::size_t i = 0; i < n; ++i) v += static_cast<std::int64_t>(b.a[i]) * w[static_cast<std::size_t>(r)][i];
        expect[static_cast<std::size_t>(r)] = qsq::wrap_acc(v, s.acc_width);
      }
      auto res = g.beat(b);
      ASSERT_EQ(res.has_value(), b.last);
      if (b.last) {
        EXPECT_EQ(res->values, expect);
        EXPECT_EQ(res->rows_on, on);
      } else {
        for (int r = 0; r < s.rows; ++r)
          if (on >> r & 1) acc[static_cast<std::size_t>(r)][static_cast<std::size_t>(b.slot)] = expect[static_cast<std::size_t>(r)];
      }
    }
  }
}

// Random layers (conv with padding, stride, pooling; linear; coded and plain) at every level:
// the grid schedule's accumulators equal the one-row schedule's (bias added outside the grid).
TEST(GridModel, ScheduleEqualsTheOneRowSchedule) {
  std::mt19937_64 rng(3);
  for (const qsq::Shape& s : {qsq::Shape(qsq::presets::kGridSmall), qsq::Shape(qsq::presets::kGrid)}) {
    for (int trial = 0; trial < 40; ++trial) {
      qsq::Layer l = qsq_test::random_layer(rng, s.width, trial % 3 == 0);
      if (l.format == qsq::WeightFormat::coded) l.code_bits = s.code_bits;
      for (auto& c : l.codes) c = static_cast<std::uint8_t>(c & ((1 << s.code_bits) - 1));
      const auto in = qsq_test::random_input(rng, l, s.width);
      for (int q = 1; q <= s.qmax(); ++q) {
        qsq::GridCost cost;
        const auto grid = qsq::grid_layer_accumulators(l, in, s, {q, 0}, qsq::LaneKind::csd, &cost);
        EXPECT_EQ(grid, qsq::scheduled_accumulators(l, in, s.lanes, s.acc_width, {q, 0})) << l.name << " q=" << q;
        EXPECT_EQ(cost.beats + cost.loads, cost.cycles);
        EXPECT_LE(cost.macs, cost.slot_macs);
      }
    }
  }
}

// MACs of a beat: the group's rows times the chunk's lanes inside the dot product. Fan-in 8 on
// N = 3 lanes: chunks of 3, 3 and 2 lanes; 5 filters on M = 3 rows: groups of 3 and 2 rows.
TEST(GridModel, StepMacsCountOnlyFiltersAndTermsOfTheLayer) {
  const qsq::Shape s = qsq::presets::kGridSmall;  // M = 3, N = 3, 4 slots
  qsq::Layer l;
  l.name = "conv";
  l.kind = qsq::LayerKind::conv2d;
  l.kernel = 2;
  l.in = {2, 3, 3};  // fan-in 2 x 2 x 2 = 8, 2 x 2 = 4 positions
  l.out_channels = 5;
  l.format = qsq::WeightFormat::plain;
  l.plain.assign(static_cast<std::size_t>(l.num_weights()), 1);
  l.bias.assign(5, 0);
  std::map<std::pair<int, int>, std::uint64_t> per_group_chunk;  // (group, chunk) -> MACs of one beat
  std::uint64_t total = 0;
  qsq::for_each_grid_step(l, s, [&](const qsq::GridStep& st) {
    const std::uint64_t m = qsq::grid_step_macs(l, s, st);
    if (st.kind == qsq::GridStep::Kind::load) {
      EXPECT_EQ(m, 0u);
      return;
    }
    per_group_chunk[{st.group, st.chunk}] = m;
    total += m;
  });
  EXPECT_EQ(per_group_chunk.at({0, 0}), 9u);  // 3 rows x 3 lanes
  EXPECT_EQ(per_group_chunk.at({0, 2}), 6u);  // 3 rows x 2 lanes (one padded lane)
  EXPECT_EQ(per_group_chunk.at({1, 1}), 6u);  // 2 rows (one without a filter) x 3 lanes
  EXPECT_EQ(per_group_chunk.at({1, 2}), 4u);
  EXPECT_EQ(total, 5u * 4u * 8u);
  EXPECT_EQ(total, static_cast<std::uint64_t>(l.macs()));
}

// Digit-serial cycles: one per kept digit of the busiest lane with a non-zero activation.
TEST(GridModel, SerialBeatCycles) {
  qsq::GridModel g(qsq::presets::kGrid);
  g.load(plain_row(0, 0b11, {127, 1, 0, 0, 0, 0, 0, 85}, {0, 0}));  // 127 = 2^7 - 1: 2 digits; 85: 4
  g.load(plain_row(1, 0b11, {3, 0, 0, 0, 0, 0, 0, 0}, {0, 0}));     // 3 = 4 - 1: 2 digits
  EXPECT_EQ(g.kept_digits(0, 7), 4);
  EXPECT_EQ(qsq::serial_beat_cycles(g, std::vector<std::int32_t>{1, 1, 0, 0, 0, 0, 0, 0}), 2);
  EXPECT_EQ(qsq::serial_beat_cycles(g, std::vector<std::int32_t>{0, 1, 0, 0, 0, 0, 0, 9}), 4);
  EXPECT_EQ(qsq::serial_beat_cycles(g, std::vector<std::int32_t>(8, 0)), 1);
  g.load(plain_row(0, 0b11, {127, 1, 0, 0, 0, 0, 0, 85}, {1, 0}));  // q = 1: every weight one digit
  EXPECT_EQ(qsq::serial_beat_cycles(g, std::vector<std::int32_t>{0, 1, 0, 0, 0, 0, 0, 9}), 1);
}

}  // namespace
