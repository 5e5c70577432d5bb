// Stream behaviour of the Verilated array: full throughput, back-pressure, mid-stream reset,
// a whole layer in the golden model's schedule, and the FST trace.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "qsq/csd.hpp"
#include "qsq/rtlsim/array_sim.hpp"
#include "qsq/rtlsim/layer_run.hpp"
#include "qsq/schedule.hpp"
#include "qsq/synthetic.hpp"
#include "qsq/transaction.hpp"

namespace {

using qsq::rtlsim::ArraySim;
using qsq::rtlsim::DotBeat;
using qsq::rtlsim::WeightLoad;

WeightLoad plain_load(std::vector<std::int32_t> w, qsq::Quality q) {
  WeightLoad ld;
  ld.quality = q;
  ld.bypass = true;
  ld.plain = std::move(w);
  return ld;
}

// Without back-pressure or gaps the array takes one beat per cycle: a load plus D dots
// finish in D + 1 cycles plus the two-stage latency.
TEST(RtlStream, FullThroughput) {
  auto sim = ArraySim::create("default");
  const std::vector<std::int32_t> w{1, -2, 3, -4, 5, -6, 7, -8};
  sim->push_load(plain_load(w, {4, 0}));
  const int dots = 500;
  for (int t = 0; t < dots; ++t) sim->push_dot({std::vector<std::int32_t>(8, static_cast<std::int32_t>(t % 100)), t});
  const auto c0 = sim->cycles();
  const auto r = sim->run();
  ASSERT_EQ(static_cast<int>(r.size()), dots);
  EXPECT_LE(sim->cycles() - c0, static_cast<std::uint64_t>(dots + 1 + 2));
  for (int t = 0; t < dots; ++t) EXPECT_EQ(r[t], t + (t % 100) * (1 - 2 + 3 - 4 + 5 - 6 + 7 - 8));
}

// Reset in the middle of a stream drops the beats in flight and clears the weights; the array
// then works normally.
TEST(RtlStream, MidStreamReset) {
  auto sim = ArraySim::create("default");
  sim->set_traffic({0.3, 0.1, 4});
  const std::vector<std::int32_t> w{10, 20, 30, 40, -50, -60, -70, 127};
  sim->push_load(plain_load(w, {2, 0}));
  for (int t = 0; t < 100; ++t) sim->push_dot({std::vector<std::int32_t>(8, 3), t});
  const auto partial = sim->run_cycles(30);
  EXPECT_LT(partial.size(), 100u);
  sim->reset(3);
  // Weights are zero after reset: the result is the psum.
  sim->push_dot({std::vector<std::int32_t>(8, 77), 12345});
  auto r = sim->run();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], 12345);
  // And a new load works as usual.
  const WeightLoad ld = plain_load(w, {1, 0});
  sim->push_load(ld);
  std::vector<std::int64_t> want;
  for (int t = 0; t < 50; ++t) {
    DotBeat b{std::vector<std::int32_t>(8, static_cast<std::int32_t>(t - 25)), -t};
    want.push_back(qsq::predict_dot(w, b, ld.quality, 32));
    sim->push_dot(b);
  }
  EXPECT_EQ(sim->run(), want);
}

// Heavy back-pressure: nothing is lost, duplicated or reordered.
TEST(RtlStream, HeavyBackPressureKeepsOrder) {
  auto sim = ArraySim::create("small");
  const auto& g = sim->geometry();
  sim->set_traffic({0.8, 0.5, 8});
  std::mt19937_64 rng(8);
  std::uniform_int_distribution<int> val(qsq::min_value(g.width), qsq::max_value(g.width));
  std::vector<std::int64_t> want;
  for (int chunk = 0; chunk < 20; ++chunk) {
    std::vector<std::int32_t> w(g.lanes);
    for (auto& x : w) x = val(rng);
    const WeightLoad ld = plain_load(w, {1 + chunk % qsq::max_digits(g.width), 0});
    sim->push_load(ld);
    for (int t = 0; t < 20; ++t) {
      DotBeat b{std::vector<std::int32_t>(g.lanes), chunk * 100 + t};
      for (auto& a : b.a) a = val(rng);
      want.push_back(qsq::predict_dot(w, b, ld.quality, g.acc_width));
      sim->push_dot(b);
    }
  }
  EXPECT_EQ(sim->run(), want);
}

// A whole layer in schedule order, psums chained through the array, equals the golden model's
// scheduled accumulators (coded conv layer, and a plain linear layer through the bypass).
TEST(RtlStream, LayersMatchScheduledAccumulators) {
  const qsq::Params params;  // the default preset
  const auto net = qsq::synthetic_lenet5(3, params, qsq::ScaleMethod::search, /*keep_ends=*/true);
  auto sim = ArraySim::create("default");
  sim->set_traffic({0.1, 0.05, 2});
  // conv2 (coded, 16 filters, 150 terms) on a seeded ReLU-like input of its shape.
  const auto& conv2 = net.layers.at(1);
  ASSERT_EQ(conv2.format, qsq::WeightFormat::coded);
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> act(1, 127);
  std::bernoulli_distribution zero(0.5);
  std::vector<std::int32_t> in2(static_cast<std::size_t>(conv2.in.size()));
  for (auto& x : in2) x = zero(rng) ? 0 : act(rng);
  const qsq::Quality q{2, 0};
  const auto r2 = qsq::rtlsim::run_layer(*sim, conv2, in2, q);
  EXPECT_EQ(r2.acc, qsq::scheduled_accumulators(conv2, in2, 8, 32, q));
  EXPECT_EQ(r2.dots, static_cast<std::uint64_t>(conv2.out_channels) * qsq::num_chunks(conv2, 8) *
                         qsq::num_positions(conv2));
  // fc3 (plain weights kept at higher precision, through the decoder bypass).
  const auto& fc3 = net.layers.back();
  ASSERT_EQ(fc3.format, qsq::WeightFormat::plain);
  std::vector<std::int32_t> in3(static_cast<std::size_t>(fc3.in.size()));
  for (auto& x : in3) x = zero(rng) ? 0 : act(rng);
  const auto r3 = qsq::rtlsim::run_layer(*sim, fc3, in3, {4, 0});
  EXPECT_EQ(r3.acc, qsq::scheduled_accumulators(fc3, in3, 8, 32, {4, 0}));
}

TEST(RtlStream, WritesFstTrace) {
  const auto path = std::filesystem::temp_directory_path() / "qsq_rtl_test_trace.fst";
  std::filesystem::remove(path);
  {
    auto sim = ArraySim::create("small");
    sim->open_trace(path.string());
    sim->push_load(plain_load({1, 2, 3}, {1, 0}));
    for (int t = 0; t < 10; ++t) sim->push_dot({{1, 1, 1}, t});
    EXPECT_EQ(sim->run().size(), 10u);
    sim->close_trace();
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_GT(std::filesystem::file_size(path), 100u);
  std::filesystem::remove(path);
}

TEST(RtlStream, RejectsBadOperands) {
  auto sim = ArraySim::create("default");
  EXPECT_THROW(sim->push_dot({std::vector<std::int32_t>(8, 128), 0}), qsq::Error);
  EXPECT_THROW(sim->push_dot({std::vector<std::int32_t>(7, 0), 0}), qsq::Error);
  EXPECT_THROW(sim->push_load(plain_load(std::vector<std::int32_t>(8, 0), {5, 0})), qsq::Error);
  EXPECT_THROW(ArraySim::create("huge"), qsq::Error);
}

}  // namespace

namespace {

// The pipeline timing diagram of docs/hardware.md, cycle by cycle: load L, beats B0..B4,
// res_ready low in cycle 5 only. The SystemC model must reproduce exactly this table.
TEST(RtlTiming, MatchesTheDocumentedDiagram) {
  auto sim = ArraySim::create("default");
  sim->force_res_ready({true, true, true, true, true, false, true, true, true, true});
  sim->log_cycles(true);
  const std::vector<std::int32_t> w{1, 1, 1, 1, 1, 1, 1, 1};
  sim->push_load(plain_load(w, {4, 0}));
  for (int t = 0; t < 5; ++t) sim->push_dot({std::vector<std::int32_t>(8, 1), 100 * t});  // R_t = 100 t + 8
  const auto r = sim->run();
  ASSERT_EQ(r, (std::vector<std::int64_t>{8, 108, 208, 308, 408}));
  const auto& log = sim->cycle_log();
  ASSERT_EQ(log.size(), 9u);
  //                              cycle: 0  1  2  3  4  5  6  7  8
  const std::vector<int> wld_valid{1, 0, 0, 0, 0, 0, 0, 0, 0};
  const std::vector<int> wld_ready{1, 1, 1, 1, 1, 0, 1, 1, 1};
  const std::vector<int> act_valid{0, 1, 1, 1, 1, 1, 1, 0, 0};
  const std::vector<int> act_ready{0, 1, 1, 1, 1, 0, 1, 1, 1};
  const std::vector<int> res_valid{0, 0, 0, 1, 1, 1, 1, 1, 1};
  const std::vector<std::int64_t> res_data{-1, -1, -1, 8, 108, 208, 208, 308, 408};
  for (std::size_t c = 0; c < log.size(); ++c) {
    EXPECT_EQ(log[c].wld_valid, wld_valid[c] != 0) << "cycle " << c;
    EXPECT_EQ(log[c].wld_ready, wld_ready[c] != 0) << "cycle " << c;
    EXPECT_EQ(log[c].act_valid, act_valid[c] != 0) << "cycle " << c;
    EXPECT_EQ(log[c].act_ready, act_ready[c] != 0) << "cycle " << c;
    EXPECT_EQ(log[c].res_valid, res_valid[c] != 0) << "cycle " << c;
    if (res_data[c] >= 0) {
      EXPECT_EQ(log[c].res_data, res_data[c]) << "cycle " << c;
    }
  }
}

}  // namespace

namespace {

// A freshly created array has been reset: all weights are zero, so a dot product before any
// load returns its psum (the weight bank's asynchronous reset really fired).
TEST(RtlStream, FreshArrayHasZeroWeights) {
  for (const char* preset : {"default", "small"}) {
    auto sim = ArraySim::create(preset);
    const auto& g = sim->geometry();
    sim->push_dot({std::vector<std::int32_t>(g.lanes, 3), -77});
    sim->push_dot({std::vector<std::int32_t>(g.lanes, qsq::max_value(g.width)), 5});
    EXPECT_EQ(sim->run(), (std::vector<std::int64_t>{-77, 5})) << preset;
  }
}

}  // namespace
