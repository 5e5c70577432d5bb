// The golden transaction model (qsq/transaction.hpp) against results worked out by hand, against
// its definition through the golden model's functions, and the schedule's transactions against
// the layer's accumulators.
#include <gtest/gtest.h>

#include <random>

#include "qsq/codebook.hpp"
#include "qsq/csd.hpp"
#include "qsq/schedule.hpp"
#include "qsq/transaction.hpp"
#include "random_layer.hpp"

namespace {

qsq::WeightLoad coded(std::vector<std::uint8_t> codes, std::uint32_t scale, qsq::Quality q) {
  qsq::WeightLoad ld;
  ld.quality = q;
  ld.codes = std::move(codes);
  ld.scale = scale;
  return ld;
}

TEST(Transaction, AllLevels) {
  const auto l = qsq::all_levels(8, 1);
  ASSERT_EQ(l.size(), 4u);
  for (int q = 1; q <= 4; ++q) EXPECT_EQ(l[q - 1], (qsq::Quality{q, 1}));
  EXPECT_EQ(qsq::all_levels(5).size(), static_cast<std::size_t>(qsq::max_digits(5)));
}

// The sample trace's first chunk (docs/energy.md): scale 90, pow2 codes 3 2 0 7 1 6 0 3 decode to
// 90 45 0 -90 23 -45 0 90; psum 12, activations 0 5 17 0 0 33 40 2.
TEST(Transaction, ResultsByHand) {
  const qsq::WeightLoad ld = coded({3, 2, 0, 7, 1, 6, 0, 3}, 90, {0, 0});
  EXPECT_EQ(qsq::decode_load(ld, 3), (std::vector<std::int32_t>{90, 45, 0, -90, 23, -45, 0, 90}));
  const qsq::DotBeat b{{0, 5, 17, 0, 0, 33, 40, 2}, 12};
  qsq::ArrayModel m(8, 8, 3, 32);
  EXPECT_EQ(m.dot(b), 12);  // all-zero weights before the first load
  m.load(ld);                // q = 0: exact
  EXPECT_EQ(m.dot(b), 12 + 5 * 45 + 33 * -45 + 2 * 90);
  qsq::WeightLoad q1 = ld;
  q1.quality = {1, 0};  // the top CSD digit: 45 -> 64, -45 -> -64, 90 -> 128
  m.load(q1);
  EXPECT_EQ(m.dot(b), 12 + 5 * 64 + 33 * -64 + 2 * 128);
  qsq::ArrayModel exact(8, 8, 3, 32, qsq::LaneKind::exact);
  exact.load(q1);
  EXPECT_EQ(exact.dot(b), -1068);
  qsq::ArrayModel bound(8, 8, 3, 32, qsq::LaneKind::bound);
  bound.load(q1);
  EXPECT_EQ(bound.dot(b), 12 + 5 + 33 + 2);
  qsq::ArrayModel signed_bound(8, 8, 3, 32, qsq::LaneKind::signed_bound);  // the weights' signs: +, -, +
  signed_bound.load(q1);
  EXPECT_EQ(signed_bound.dot(b), 12 + 5 - 33 + 2);
  m.reset();
  EXPECT_EQ(m.dot(b), 12);
}

TEST(Transaction, WrapsToTheAccumulatorWidth) {
  qsq::ArrayModel m(8, 2, 3, 8);
  qsq::WeightLoad ld;
  ld.bypass = true;
  ld.plain = {127, 127};
  m.load(ld);
  EXPECT_EQ(m.dot({{1, 1}, 2}), qsq::wrap_acc(256, 8));
  EXPECT_EQ(m.dot({{1, 0}, 0}), 127);
}

TEST(Transaction, EqualsTheGoldenDefinition) {
  std::mt19937_64 rng(17);
  for (int it = 0; it < 2000; ++it) {
    const int w = 4 + it % 13, n = 1 + it % 9, b = 2 + it % 3, acc = 2 * w + 8;
    qsq::ArrayModel m(w, n, b, acc);
    qsq::WeightLoad ld;
    ld.quality = {static_cast<int>(rng() % (qsq::max_digits(w) + 1)), static_cast<int>(rng() % (w + 1))};
    ld.codebook = static_cast<qsq::CodebookId>(rng() % qsq::kNumCodebooks);
    ld.bypass = rng() % 4 == 0;
    ld.scale = static_cast<std::uint32_t>(rng() % (qsq::max_scale(w) + 1));
    for (int i = 0; i < n; ++i) {
      ld.codes.push_back(static_cast<std::uint8_t>(rng() % (1u << b)));
      ld.plain.push_back(qsq::sign_extend(rng(), w));
    }
    m.load(ld);
    const qsq::Quality q{ld.quality.q == 0 ? qsq::max_digits(w) : ld.quality.q, ld.quality.p};
    qsq::DotBeat beat;
    beat.psum = qsq::sign_extend(rng(), acc);
    std::int64_t want = beat.psum;
    const auto& cb = qsq::codebook(ld.codebook, b);
    for (int i = 0; i < n; ++i) {
      beat.a.push_back(static_cast<std::int32_t>(qsq::sign_extend(rng(), w)));
      const std::int32_t wi = ld.bypass ? ld.plain[i] : cb.decode(ld.codes[i], ld.scale);
      want += qsq::qs_mul(beat.a[i], wi, q);
    }
    ASSERT_EQ(m.dot(beat), qsq::wrap_acc(want, acc)) << it;
    ASSERT_EQ(qsq::predict_dot(qsq::decode_load(ld, b), beat, q, acc), m.dot(beat)) << it;
  }
}

TEST(Transaction, RejectsOutOfRangeTransactions) {
  qsq::ArrayModel m(8, 2, 3, 32);
  EXPECT_THROW(m.load(coded({0}, 1, {})), qsq::Error);           // one code for two lanes
  EXPECT_THROW(m.load(coded({0, 8}, 1, {})), qsq::Error);        // code out of 3 bits
  EXPECT_THROW(m.load(coded({0, 1}, 128, {})), qsq::Error);      // scale above 2^(W-1)-1
  EXPECT_THROW(m.load(coded({0, 1}, 1, {5, 0})), qsq::Error);    // q above Qmax(8) = 4
  EXPECT_THROW(m.load(coded({0, 1}, 1, {1, 9})), qsq::Error);    // p above W
  EXPECT_NO_THROW(m.load(coded({0, 1}, 1, {1, 8})));              // p = W drops every digit
  EXPECT_THROW(m.dot({{1, 2, 3}, 0}), qsq::Error);
  EXPECT_THROW(qsq::predict_dot(std::vector<std::int32_t>{1}, {{1}, 0}, {0, 0}, 32), qsq::Error);  // unresolved q
}

// A layer's chunk_load / chunk_beat transactions through the model give the layer's accumulators.
TEST(Transaction, ScheduleTransactionsGiveTheLayersAccumulators) {
  std::mt19937_64 rng(23);
  for (int it = 0; it < 60; ++it) {
    const int width = 8, acc = 32, lanes = 1 + it % 9;
    const auto l = qsq_test::random_layer(rng, width, it % 2);
    const auto x = qsq_test::random_input(rng, l, width);
    const qsq::Quality q{1 + it % 4, 0};
    const auto want = qsq::scheduled_accumulators(l, x, lanes, acc, q);
    qsq::ArrayModel m(width, lanes, l.format == qsq::WeightFormat::coded ? l.code_bits : 3, acc);
    std::vector<std::int64_t> got(want.size());
    const int positions = qsq::num_positions(l);
    qsq::for_each_step(l, lanes, [&](const qsq::Step& s) {
      if (s.kind == qsq::Step::Kind::load) {
        m.load(qsq::chunk_load(l, s.filter, s.chunk, lanes, q));
        return;
      }
      auto& slot = got[static_cast<std::size_t>(s.filter) * positions + s.position];
      const std::int64_t psum = s.chunk == 0 ? qsq::wrap_acc(l.bias[s.filter], acc) : slot;
      slot = m.dot(qsq::chunk_beat(l, x, s.position, s.chunk, lanes, psum));
    });
    ASSERT_EQ(got, want) << it;
  }
}

}  // namespace
