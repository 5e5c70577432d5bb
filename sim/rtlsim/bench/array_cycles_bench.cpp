// Simulated clock cycles per second of the Verilated qsq_array alone (goal: >= 1 M cycles/s for
// N = 8): a steady stream of dot products with res_ready high, no scoring, no trace.
// Run: qsq_rtlsim_bench   (the "cycles_per_second" counter is the figure)
#include <benchmark/benchmark.h>

#include <random>

#include "qsq/rtlsim/array_sim.hpp"

namespace {

void stream(benchmark::State& state, const char* preset, bool gate_en, double zero_fraction) {
  auto sim = qsq::rtlsim::ArraySim::create(preset, gate_en);
  const auto& g = sim->geometry();
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<std::int32_t> act(qsq::min_value(g.width), qsq::max_value(g.width));
  std::bernoulli_distribution zero(zero_fraction);
  // 64 beats per weight load: the `stationary` workload's shape.
  std::vector<qsq::rtlsim::DotBeat> beats(4096);
  for (auto& b : beats) {
    b.a.resize(g.lanes);
    for (auto& a : b.a) a = zero(rng) ? 0 : act(rng);
  }
  qsq::rtlsim::WeightLoad ld;
  ld.quality = {2, 0};
  ld.codes.assign(g.lanes, 0);
  ld.scale = qsq::max_scale(g.width) / 2;
  for (int i = 0; i < g.lanes; ++i) ld.codes[i] = static_cast<std::uint8_t>(1 + i % ((1 << g.code_bits) - 1));
  const std::uint64_t c0 = sim->cycles();
  for (auto _ : state) {
    for (std::size_t i = 0; i < beats.size(); ++i) {
      if (i % 64 == 0) sim->push_load(ld);
      sim->push_dot(beats[i]);
    }
    benchmark::DoNotOptimize(sim->run());
  }
  state.counters["cycles_per_second"] =
      benchmark::Counter(static_cast<double>(sim->cycles() - c0), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(stream, default_gated_relu, "default", true, 0.5)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(stream, default_ungated_relu, "default", false, 0.5)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(stream, default_gated_dense, "default", true, 0.0)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(stream, small_gated_relu, "small", true, 0.5)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
