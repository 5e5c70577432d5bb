// Description: the HLS grid (hls/qsq_hls_grid.hpp) against the golden grid model (qsq::GridModel):
// random loads (rows, row masks, codebooks, scales, codes, bypass, q, p) and beats (activations,
// slots, first/last) on every grid preset small enough for a unit test, and whole random layers
// in the golden grid schedule against qsq::scheduled_accumulators.
// Usage: ctest -R hls.grid
#include <random>

#include <gtest/gtest.h>

#include "../model/random_layer.hpp"
#include "qsq/grid.hpp"
#include "qsq/schedule.hpp"
#include "qsq_hls_grid.hpp"

namespace {

template <class G>
void load_into(const qsq::GridLoad& ld, qsq_hls::GridState<G>& st) {
  qsq_hls::GridBeat<G> t;
  t.is_load = true;
  t.row = ld.row;
  for (int r = 0; r < G::rows; ++r) t.rows_on[r] = (ld.rows_on >> r) & 1u;
  t.cfg.q = ld.weights.quality.q;
  t.cfg.p = ld.weights.quality.p;
  t.cfg.codebook = static_cast<int>(ld.weights.codebook);
  t.cfg.bypass = ld.weights.bypass;
  t.scale = ld.weights.scale;
  for (int i = 0; i < G::lanes; ++i) {
    if (ld.weights.bypass) t.plain[i] = ld.weights.plain[static_cast<std::size_t>(i)];
    else t.codes[i] = ld.weights.codes[static_cast<std::size_t>(i)];
  }
  qsq_hls::GridOut<G> out;
  EXPECT_FALSE(qsq_hls::qsq_grid_top<G>(t, st, out));
}

template <class G>
bool beat_into(const qsq::GridBeat& b, qsq_hls::GridState<G>& st, qsq_hls::GridOut<G>& out) {
  qsq_hls::GridBeat<G> t;
  for (int i = 0; i < G::lanes; ++i) t.acts[i] = b.a[static_cast<std::size_t>(i)];
  t.slot = b.slot;
  t.first = b.first;
  t.last = b.last;
  return qsq_hls::qsq_grid_top<G>(t, st, out);
}

template <class G>
void random_traffic(std::uint64_t seed, int steps) {
  const qsq::Shape s = G::grid_shape;
  std::mt19937_64 rng(seed);
  auto pick = [&](long long lo, long long hi) { return std::uniform_int_distribution<long long>(lo, hi)(rng); };
  qsq::GridModel golden(s);
  qsq_hls::GridState<G> st;
  const long long all = (1LL << s.rows) - 1;
  for (int n = 0; n < steps; ++n) {
    if (pick(0, 5) == 0) {
      qsq::GridLoad ld;
      ld.row = static_cast<int>(pick(0, s.rows - 1));
      ld.rows_on = static_cast<std::uint64_t>(n < 50 || pick(0, 1) ? all : pick(0, all));
      ld.weights.quality = {static_cast<int>(pick(0, s.qmax())), static_cast<int>(pick(0, 1) ? 0 : pick(0, s.width))};
      ld.weights.codebook = static_cast<qsq::CodebookId>(pick(0, qsq::kNumCodebooks - 1));
      ld.weights.bypass = pick(0, 7) == 0;
      ld.weights.scale = static_cast<std::uint32_t>(pick(0, qsq::max_scale(s.width)));
      for (int i = 0; i < s.lanes; ++i) {
        ld.weights.plain.push_back(static_cast<std::int32_t>(pick(qsq::min_value(s.width), qsq::max_value(s.width))));
        ld.weights.codes.push_back(static_cast<std::uint8_t>(pick(0, (1 << s.code_bits) - 1)));
      }
      if (ld.weights.bypass) ld.weights.codes.clear(); else ld.weights.plain.clear();
      golden.load(ld);
      load_into<G>(ld, st);
      continue;
    }
    qsq::GridBeat b;
    for (int i = 0; i < s.lanes; ++i)
      b.a.push_back(pick(0, 2) ? static_cast<std::int32_t>(pick(qsq::min_value(s.width), qsq::max_value(s.width))) : 0);
    b.slot = static_cast<int>(pick(0, s.slots - 1));
    b.first = pick(0, 3) == 0;
    b.last = pick(0, 3) == 0;
    if (!b.first) {
      try {
        (void)golden.peek(b);
      } catch (const qsq::Error&) {
        b.first = true;  // the golden model refuses to continue a slot no first beat started
      }
    }
    qsq_hls::GridOut<G> out;
    const bool has = beat_into<G>(b, st, out);
    const auto want = golden.beat(b);
    ASSERT_EQ(has, want.has_value());
    if (!has) continue;
    for (int r = 0; r < s.rows; ++r) {
      ASSERT_EQ(out.on[r], ((want->rows_on >> r) & 1u) != 0) << "step " << n << " row " << r;
      ASSERT_EQ(static_cast<long long>(out.value[r]), want->values[static_cast<std::size_t>(r)]) << "step " << n << " row " << r;
    }
  }
}

TEST(Grid, RandomTrafficGridSmall) { random_traffic<qsq_hls::GridSmallConfig>(1, 20000); }
TEST(Grid, RandomTrafficGrid) { random_traffic<qsq_hls::GridConfig>(2, 5000); }
TEST(Grid, RandomTrafficGridLarge) { random_traffic<qsq_hls::GridLargeConfig>(3, 2000); }

// Random layers in the golden grid schedule through the HLS top, at every level.
template <class G>
void layers(std::uint64_t seed, int trials) {
  const qsq::Shape s = G::grid_shape;
  std::mt19937_64 rng(seed);
  for (int t = 0; t < trials; ++t) {
    qsq::Layer l = qsq_test::random_layer(rng, s.width, t % 3 == 2);
    if (l.format == qsq::WeightFormat::coded) {
      l.code_bits = s.code_bits;
      for (auto& c : l.codes) c = static_cast<std::uint8_t>(c & ((1 << s.code_bits) - 1));
    }
    const auto in = qsq_test::random_input(rng, l, s.width);
    const int positions = qsq::num_positions(l);
    for (int q = 1; q <= s.qmax(); ++q) {
      qsq_hls::GridState<G> st;
      std::vector<std::int64_t> acc(static_cast<std::size_t>(l.out_channels) * positions);
      qsq::for_each_grid_step(l, s, [&](const qsq::GridStep& step) {
        if (step.kind == qsq::GridStep::Kind::load) return load_into<G>(qsq::grid_step_load(l, s, step, {q, 0}), st);
        qsq_hls::GridOut<G> out;
        if (!beat_into<G>(qsq::grid_step_beat(l, in, s, step), st, out)) return;
        for (int r = 0; r < s.rows; ++r) {
          const int f = step.group * s.rows + r;
          if (f < l.out_channels)
            acc[static_cast<std::size_t>(f) * positions + step.position] =
                qsq::wrap_acc(l.bias[static_cast<std::size_t>(f)] + static_cast<long long>(out.value[r]), s.acc_width);
        }
      });
      ASSERT_EQ(acc, qsq::scheduled_accumulators(l, in, s.lanes, s.acc_width, {q, 0})) << "layer " << t << " q=" << q;
    }
  }
}

TEST(Grid, LayersGridSmall) { layers<qsq_hls::GridSmallConfig>(4, 20); }
TEST(Grid, LayersGrid) { layers<qsq_hls::GridConfig>(5, 8); }

}  // namespace
