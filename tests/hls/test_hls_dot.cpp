// Description: the HLS array datapath against the golden model: random N-term dot products
// (random codebook, codes, scale, bypass weights, q, p, activations and partial sums) against
// wrap_acc(psum + sum_i qsq::qs_mul(a_i, w_i, {q, p})), and whole layers of the synthetic LeNet-5
// driven through the HLS top in the schedule's order against qsq::scheduled_accumulators, for
// both presets of config/params.json.
// Usage: ctest -R hls.Dot
#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "qsq/codebook.hpp"
#include "qsq/csd.hpp"
#include "qsq/layer.hpp"
#include "qsq/schedule.hpp"
#include "qsq/synthetic.hpp"
#include "qsq_hls_array.hpp"

namespace {

template <class C>
void random_dot_products(std::uint64_t seed, int count) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](long long lo, long long hi) { return std::uniform_int_distribution<long long>(lo, hi)(rng); };
  const long long acc_lo = -(1LL << (C::acc_width - 1)), acc_hi = (1LL << (C::acc_width - 1)) - 1;
  for (int n = 0; n < count; ++n) {
    qsq_hls::Beat<C> load;
    load.is_load = true;
    load.cfg.q = uniform(1, C::qmax);
    load.cfg.p = uniform(0, 3) == 0 ? uniform(0, C::width) : 0;
    load.cfg.codebook = uniform(0, 2);
    load.cfg.bypass = uniform(0, 3) == 0;
    load.scale = uniform(0, qsq::max_scale(C::width));
    const auto& cb = qsq::codebook(static_cast<qsq::CodebookId>(static_cast<long long>(load.cfg.codebook)), C::code_bits);
    std::int32_t w[C::lanes];
    for (int i = 0; i < C::lanes; ++i) {
      load.codes[i] = uniform(0, (1 << C::code_bits) - 1);
      load.plain[i] = uniform(qsq::min_value(C::width), qsq::max_value(C::width));
      w[i] = load.cfg.bypass ? static_cast<std::int32_t>(load.plain[i])
                             : cb.decode(static_cast<std::uint32_t>(load.codes[i]), static_cast<std::uint32_t>(load.scale));
    }
    qsq_hls::ArrayState<C> state;
    qsq_hls::qsq_array_top<C>(load, state);

    const qsq::Quality quality{static_cast<int>(load.cfg.q), static_cast<int>(load.cfg.p)};
    for (int k = 0; k < 4; ++k) {  // a few activation beats per load, as the array sees them
      qsq_hls::Beat<C> dot;
      // extremes often, to exercise the wrap and the largest rows
      const long long psum = uniform(0, 4) == 0 ? (uniform(0, 1) ? acc_lo : acc_hi) : uniform(acc_lo, acc_hi);
      dot.psum = psum;
      std::int64_t expect = psum;
      for (int i = 0; i < C::lanes; ++i) {
        const std::int32_t a = uniform(0, 4) == 0 ? qsq::min_value(C::width) : uniform(qsq::min_value(C::width), qsq::max_value(C::width));
        dot.acts[i] = a;
        expect += qsq::qs_mul(a, w[i], quality);
      }
      expect = qsq::wrap_acc(expect, C::acc_width);
      const auto got = qsq_hls::qsq_array_top<C>(dot, state);
      ASSERT_EQ(static_cast<long long>(got), expect) << "seed=" << seed << " n=" << n << " q=" << quality.q << " p=" << quality.p;
    }
  }
}

TEST(Dot, RandomDefaultPreset) { random_dot_products<qsq_hls::DefaultConfig>(1, 20000); }
TEST(Dot, RandomSmallPreset) { random_dot_products<qsq_hls::SmallConfig>(2, 20000); }
// A narrow accumulator wraps on almost every beat.
TEST(Dot, RandomNarrowAccumulatorWraps) { random_dot_products<qsq_hls::ArrayConfig<8, 8, 3, 9>>(3, 5000); }

// One layer through the HLS top in the schedule's order (load, then every position; psum is the
// bias for chunk 0 and the previous chunk's result after), against scheduled_accumulators.
template <class C>
void check_layer(const qsq::Layer& layer, const std::vector<std::int32_t>& input, qsq::Quality q) {
  const int positions = qsq::num_positions(layer);
  std::vector<std::int64_t> acc(static_cast<std::size_t>(layer.out_channels) * positions);
  const auto decoded = layer.decoded_weights();
  qsq_hls::ArrayState<C> state;
  qsq::for_each_step(layer, C::lanes, [&](const qsq::Step& s) {
    qsq_hls::Beat<C> beat;
    if (s.kind == qsq::Step::Kind::load) {
      beat.is_load = true;
      beat.cfg.q = q.q;
      beat.cfg.p = q.p;
      beat.cfg.codebook = static_cast<int>(layer.codebook);
      beat.cfg.bypass = layer.format == qsq::WeightFormat::plain;
      std::uint8_t codes[C::lanes];
      std::int32_t plain[C::lanes];
      if (beat.cfg.bypass) {
        qsq::chunk_weights(layer, decoded, s.filter, s.chunk, plain);
      } else {
        qsq::chunk_codes(layer, s.filter, s.chunk, codes);
        beat.scale = layer.scales[static_cast<std::size_t>(s.filter)];
      }
      for (int i = 0; i < C::lanes; ++i) {
        if (beat.cfg.bypass) beat.plain[i] = plain[i]; else beat.codes[i] = codes[i];
      }
      qsq_hls::qsq_array_top<C>(beat, state);
      return;
    }
    std::int32_t a[C::lanes];
    qsq::chunk_activations(layer, input, s.position, s.chunk, a);
    for (int i = 0; i < C::lanes; ++i) beat.acts[i] = a[i];
    auto& slot = acc[static_cast<std::size_t>(s.filter) * positions + s.position];
    beat.psum = s.chunk == 0 ? layer.bias[static_cast<std::size_t>(s.filter)] : slot;
    slot = static_cast<long long>(qsq_hls::qsq_array_top<C>(beat, state));
  });
  const auto expect = qsq::scheduled_accumulators(layer, input, C::lanes, C::acc_width, q);
  ASSERT_EQ(acc.size(), expect.size());
  for (std::size_t i = 0; i < acc.size(); ++i) ASSERT_EQ(acc[i], expect[i]) << layer.name << " index " << i;
}

template <class C>
void check_synthetic_lenet(std::uint64_t seed) {
  qsq::Params params;
  params.width = C::width;
  params.code_bits = C::code_bits;
  params.acc_width = C::acc_width;
  const qsq::Network net = qsq::synthetic_lenet5(seed, params, qsq::ScaleMethod::search, /*keep_ends=*/true);
  const qsq::Tensor x = qsq::synthetic_input(net, seed + 1);
  for (int q = 1; q <= C::qmax; ++q) {
    const qsq::Quality quality{q, q == 1 ? 1 : 0};
    std::vector<std::int32_t> in(x.begin(), x.end());
    for (std::size_t l = 0; l < 2 && l < net.layers.size(); ++l) {  // conv1 (plain with keep_ends), conv2 (coded)
      check_layer<C>(net.layers[l], in, quality);
      in = qsq::forward_layer(net.layers[l], in, C::width, C::acc_width, quality);
    }
  }
}

TEST(Dot, SyntheticLenetLayersDefaultPreset) { check_synthetic_lenet<qsq_hls::DefaultConfig>(11); }
TEST(Dot, SyntheticLenetLayersSmallPreset) { check_synthetic_lenet<qsq_hls::SmallConfig>(12); }

}  // namespace
