// The N-lane schedule produces the same accumulators as the direct layer, for any lane count,
// including wrap-around of a narrow accumulator between chunks.
#include <gtest/gtest.h>

#include "qsq/schedule.hpp"
#include "random_layer.hpp"

namespace {

TEST(Schedule, ChunkedAccumulatorsEqualDirectForward) {
  std::mt19937_64 rng(99);
  for (int it = 0; it < 300; ++it) {
    const int width = 8, acc = it % 3 == 0 ? 16 : 32;
    auto l = qsq_test::random_layer(rng, width, it % 2);
    const auto x = qsq_test::random_input(rng, l, width);
    qsq::Layer raw = l;
    raw.requant.enabled = false;
    raw.pool = {};
    const qsq::Quality q{1 + it % 4, it % 2};
    const auto direct = qsq::forward_layer(raw, x, width, acc, q);
    for (int lanes : {1, 3, 8, 64}) {
      const auto sched = qsq::scheduled_accumulators(l, x, lanes, acc, q);
      ASSERT_EQ(sched.size(), direct.size());
      for (std::size_t i = 0; i < direct.size(); ++i) ASSERT_EQ(sched[i], direct[i]) << "lanes " << lanes;
    }
  }
}

TEST(Schedule, StepOrderIsFilterChunkPosition) {
  std::mt19937_64 rng(5);
  auto l = qsq_test::random_layer(rng, 8, false);
  const int lanes = 4, chunks = qsq::num_chunks(l, lanes), positions = qsq::num_positions(l);
  std::vector<qsq::Step> steps;
  qsq::for_each_step(l, lanes, [&](const qsq::Step& s) { steps.push_back(s); });
  ASSERT_EQ(steps.size(), static_cast<std::size_t>(l.out_channels * chunks * (1 + positions)));
  std::size_t i = 0;
  for (int f = 0; f < l.out_channels; ++f)
    for (int j = 0; j < chunks; ++j) {
      EXPECT_EQ(steps[i].kind, qsq::Step::Kind::load);
      EXPECT_EQ(steps[i].filter, f);
      EXPECT_EQ(steps[i++].chunk, j);
      for (int p = 0; p < positions; ++p, ++i) {
        EXPECT_EQ(steps[i].kind, qsq::Step::Kind::dot);
        EXPECT_EQ(steps[i].position, p);
      }
    }
}

TEST(Schedule, PaddingTermsAreZero) {
  std::mt19937_64 rng(8);
  auto l = qsq_test::random_layer(rng, 8, true);
  const auto x = qsq_test::random_input(rng, l, 8);
  const int lanes = l.fan_in() + 3;
  std::vector<std::int32_t> a(lanes), w(lanes);
  qsq::chunk_activations(l, x, 0, 0, a);
  qsq::chunk_weights(l, l.decoded_weights(), 0, 0, w);
  for (int i = l.fan_in(); i < lanes; ++i) {
    EXPECT_EQ(a[i], 0);
    EXPECT_EQ(w[i], 0);
  }
  for (int i = 0; i < l.fan_in(); ++i) EXPECT_EQ(a[i], x[i]);
}

}  // namespace
