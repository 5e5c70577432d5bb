// Unit tests: the fast evaluator against the golden model (qsq::forward and the N-lane schedule),
// per-layer tuning and the RTL export, on the model's seeded synthetic LeNet-5 (label unit).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "qsq/csd.hpp"
#include "qsq/codebook.hpp"
#include "qsq/net/int_engine.hpp"
#include "qsq/net/operand_trace.hpp"
#include "qsq/net/rtl_export.hpp"
#include "qsq/net/tune.hpp"
#include "qsq/schedule.hpp"
#include "qsq/synthetic.hpp"

namespace qn = qsq::net;

namespace {

qn::QuantizedInputs synthetic_inputs(const qsq::Network& net, int n, std::uint64_t seed0) {
  qn::QuantizedInputs x;
  x.count = n;
  x.size = static_cast<int>(net.input.size());
  for (int i = 0; i < n; ++i) {
    const auto t = qsq::synthetic_input(net, seed0 + static_cast<std::uint64_t>(i));
    x.values.insert(x.values.end(), t.begin(), t.end());
    x.labels.push_back(static_cast<std::uint8_t>(qsq::argmax(qsq::forward(net, t, qsq::Quality{}))));
  }
  return x;
}

void expect_matches_golden(const qsq::Network& net) {
  const qn::IntEngine eng(net);
  for (int q = 1; q <= qsq::max_digits(net.width); ++q) {
    for (std::uint64_t s = 1; s <= 3; ++s) {
      const auto x = qsq::synthetic_input(net, s);
      const std::vector<qsq::Quality> lv{{q, 0}};
      EXPECT_EQ(eng.forward(x, lv), qsq::forward(net, x, qsq::Quality{q, 0})) << "q=" << q << " seed=" << s;
    }
  }
  // Mixed per-layer levels.
  std::vector<qsq::Quality> mixed;
  for (std::size_t i = 0; i < net.layers.size(); ++i) mixed.push_back({static_cast<int>(i % 4) + 1, 0});
  const auto x = qsq::synthetic_input(net, 11);
  EXPECT_EQ(eng.forward(x, mixed), qsq::forward(net, x, mixed));
}

}  // namespace

TEST(IntEngine, MatchesGoldenForwardAtEveryLevel) { expect_matches_golden(qsq::synthetic_lenet5(3, qsq::Params{})); }

TEST(IntEngine, MatchesGoldenWithPlainEndsAndWideAccumulator) {
  qsq::Params p;
  p.acc_width = 40;  // takes the 64-bit path of the evaluator
  expect_matches_golden(qsq::synthetic_lenet5(5, p, qsq::ScaleMethod::max_abs, /*keep_ends=*/true));
}

TEST(IntEngine, LayerInputsMatchTheNLaneSchedule) {
  const qsq::Network net = qsq::synthetic_lenet5(7, qsq::Params{});
  const qn::IntEngine eng(net);
  const auto x = qsq::synthetic_input(net, 4);
  for (int q : {1, 4}) {
    const std::vector<qsq::Quality> lv{{q, 0}};
    const auto acts = eng.activations(x, lv);
    ASSERT_EQ(acts.size(), net.layers.size() + 1);
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
      const auto& L = net.layers[i];
      for (int lanes : {3, 8}) {
        const auto acc = qsq::scheduled_accumulators(L, acts[i], lanes, net.acc_width, {q, 0});
        // Requantize and pool the schedule's accumulators by hand and compare with the next input.
        const auto cs = L.conv_shape();
        std::vector<std::int32_t> pre(acc.size());
        for (std::size_t k = 0; k < acc.size(); ++k)
          pre[k] = L.requant.enabled ? qsq::requantize(acc[k], L.requant, net.width) : static_cast<std::int32_t>(acc[k]);
        std::vector<std::int32_t> out = pre;
        if (L.pool.kernel > 0) {
          const auto os = L.out_shape();
          out.assign(static_cast<std::size_t>(os.size()), 0);
          for (int c = 0; c < os.c; ++c)
            for (int oy = 0; oy < os.h; ++oy)
              for (int ox = 0; ox < os.w; ++ox) {
                std::int32_t m = INT32_MIN;
                for (int dy = 0; dy < L.pool.kernel; ++dy)
                  for (int dx = 0; dx < L.pool.kernel; ++dx)
                    m = std::max(m, pre[static_cast<std::size_t>((c * cs.h + oy * L.pool.stride + dy) * cs.w + ox * L.pool.stride + dx)]);
                out[static_cast<std::size_t>((c * os.h + oy) * os.w + ox)] = m;
              }
        }
        EXPECT_EQ(out, acts[i + 1]) << "layer " << L.name << " lanes " << lanes << " q " << q;
      }
    }
  }
}

TEST(IntEngine, AccuracyCountsArgmaxHitsOnAnyThreadCount) {
  const qsq::Network net = qsq::synthetic_lenet5(3, qsq::Params{});
  const qn::IntEngine eng(net);
  qn::QuantizedInputs x = synthetic_inputs(net, 24, 100);
  const std::vector<qsq::Quality> exact{{qsq::max_digits(net.width), 0}};
  EXPECT_DOUBLE_EQ(eng.accuracy(x, exact, 1), 1.0);  // labels are the exact network's own answers
  for (int i = 0; i < 6; ++i) x.labels[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>((x.labels[static_cast<std::size_t>(i)] + 1) % 10);
  EXPECT_EQ(eng.correct(x, exact, 1), 18);
  EXPECT_EQ(eng.correct(x, exact, 2), 18);
  EXPECT_EQ(eng.correct(x, exact, 5), 18);
  const std::vector<qsq::Quality> q1{{1, 0}};
  int hits = 0;
  for (int i = 0; i < x.count; ++i) hits += qsq::argmax(qsq::forward(net, x.image(i), qsq::Quality{1, 0})) == x.labels[static_cast<std::size_t>(i)];
  EXPECT_EQ(eng.correct(x, q1, 2), hits);
}

TEST(Tune, BudgetBoundsTheChoice) {
  const qsq::Network net = qsq::synthetic_lenet5(3, qsq::Params{});
  const qn::IntEngine eng(net);
  const qn::QuantizedInputs val = synthetic_inputs(net, 40, 500);
  // Independent energy of the all-exact network: MACs x mean rows of the layer's own weights.
  double exact = 0;
  for (const auto& L : net.layers) {
    double rows = 0;
    const auto w = L.decoded_weights();
    for (auto v : w) rows += qsq::csd_nonzeros(qsq::csd_encode(v));
    exact += static_cast<double>(L.macs()) * rows / static_cast<double>(w.size());
  }
  qn::TuneOptions all;
  all.budget_points = 100;
  const auto r_all = qn::tune(eng, val, all);
  EXPECT_NEAR(r_all.energy_exact, exact, 1e-6 * exact);
  // Any drop is allowed: every layer ends at its cheapest level (q = 1 or one of equal energy).
  for (std::size_t i = 0; i < net.layers.size(); ++i)
    EXPECT_DOUBLE_EQ(r_all.layer_energy[i], qn::layer_energy(net.layers[i], {1, 0}, all)) << i;
  EXPECT_LT(r_all.energy, r_all.energy_exact);
  qn::TuneOptions none;
  none.budget_points = 0;
  const auto r0 = qn::tune(eng, val, none);
  EXPECT_GE(r0.val_acc, r0.val_acc_exact);
  EXPECT_DOUBLE_EQ(r0.val_acc, eng.accuracy(val, r0.levels, 1));
  EXPECT_LE(r0.energy, r0.energy_exact);
  // An energy table replaces the rows model.
  qn::TuneOptions table;
  table.budget_points = 100;
  table.energy_per_mac = {{1, 1.0}, {2, 2.0}, {3, 3.0}, {4, 4.0}};
  const auto rt = qn::tune(eng, val, table);
  double macs = 0;
  for (const auto& L : net.layers) macs += static_cast<double>(L.macs());
  EXPECT_DOUBLE_EQ(rt.energy_exact, 4.0 * macs);
  EXPECT_DOUBLE_EQ(rt.energy, 1.0 * macs);
}

TEST(RtlExport, CodesAndBiasesReadBack) {
  const qsq::Network net = qsq::synthetic_lenet5(9, qsq::Params{});
  const auto dir = std::filesystem::temp_directory_path() / ("qsq_export_test_" + std::to_string(::getpid()));
  const int lanes = 8;
  const auto s = qn::export_rtl(net, lanes, dir.string());
  EXPECT_EQ(s.files.size(), 3 * net.layers.size() + 1);
  const auto& L = net.layers[1];  // conv2: fan_in 150, not a multiple of 8
  std::ifstream codes(dir / ("1_" + L.name + ".codes.memh"));
  std::ifstream bias(dir / ("1_" + L.name + ".bias.memh"));
  ASSERT_TRUE(codes && bias);
  const int fan = L.fan_in(), chunks = (fan + lanes - 1) / lanes;
  std::string line;
  for (int f = 0; f < L.out_channels; ++f) {
    for (int j = 0; j < chunks; ++j) {
      ASSERT_TRUE(std::getline(codes, line));
      ASSERT_EQ(line.size(), static_cast<std::size_t>((lanes * L.code_bits + 3) / 4));
      const unsigned long long word = std::stoull(line, nullptr, 16);
      for (int i = 0; i < lanes; ++i) {
        const int t = j * lanes + i;
        const unsigned want = t < fan ? L.codes[static_cast<std::size_t>(f * fan + t)] : 0u;
        EXPECT_EQ((word >> (i * L.code_bits)) & ((1u << L.code_bits) - 1), want) << f << " " << j << " " << i;
      }
    }
    ASSERT_TRUE(std::getline(bias, line));
    const auto b = static_cast<std::int32_t>(static_cast<std::uint32_t>(std::stoul(line, nullptr, 16)));
    EXPECT_EQ(b, L.bias[static_cast<std::size_t>(f)]);
  }
  EXPECT_FALSE(std::getline(codes, line));
  EXPECT_TRUE(std::filesystem::exists(dir / "manifest.json"));
  std::filesystem::remove_all(dir);
}

TEST(OperandTrace, ReplayGivesTheScheduledAccumulators) {
  const qsq::Network net = qsq::synthetic_lenet5(4, qsq::Params{});
  const qn::IntEngine eng(net);
  qn::QuantizedInputs x;
  x.count = 1;
  x.size = static_cast<int>(net.input.size());
  x.values = qsq::synthetic_input(net, 2);
  x.labels = {0};
  const int lanes = 8;
  const std::string text = qn::operand_trace(eng, x, {lanes, 1, {0}});
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "qsq-trace 1");
  const auto& L = net.layers[0];
  const auto& cb = qsq::codebook(L.codebook, L.code_bits);
  const auto acc = qsq::scheduled_accumulators(L, x.values, lanes, net.acc_width, qsq::resolve_quality({}, net.width));
  const int chunks = qsq::num_chunks(L, lanes), positions = qsq::num_positions(L);
  std::vector<std::int32_t> w(lanes);
  int filter = -1, chunk = -1, pos = 0, loads = 0, beats = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string tag;
    ls >> tag;
    if (tag == "L") {
      std::uint32_t scale;
      ls >> scale;
      for (auto& v : w) {
        unsigned c;
        ls >> c;
        v = cb.decode(c, scale);  // the decoder, independently of the library's decoded weights
      }
      ++loads;
      if (++chunk == chunks || filter < 0) {
        chunk = 0;
        ++filter;
      }
      pos = 0;
    } else if (tag == "A") {
      std::int64_t r;
      ls >> r;
      for (int i = 0; i < lanes; ++i) {
        std::int64_t a;
        ls >> a;
        r += a * w[static_cast<std::size_t>(i)];
      }
      if (chunk == chunks - 1) {
        ASSERT_EQ(qsq::wrap_acc(r, net.acc_width), acc[static_cast<std::size_t>(filter * positions + pos)]) << filter << " " << pos;
      }
      ++pos;
      ++beats;
    }
  }
  EXPECT_EQ(loads, L.out_channels * chunks);
  EXPECT_EQ(beats, L.out_channels * chunks * positions);
}
