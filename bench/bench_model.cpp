// Golden-model throughput: the bit-exact quality-scalable dot product (goal >= 2 G MAC/s on one
// core at W = 8) and the decoding of packed 3-bit codes (goal >= 1 G codes/s).
// Run: build/bin/qsq_bench_model   (items_per_second is MAC/s or codes/s)
#include <benchmark/benchmark.h>

#include <random>

#include "qsq/csd.hpp"
#include "qsq/kernels.hpp"

namespace {

// Workload: seeded (seed 1) uniform signed 8-bit activations and weights; the weights are
// truncated to level q once, as an evaluator would per layer.
void BM_QualityScalableDot(benchmark::State& state) {
  const int q = static_cast<int>(state.range(0));
  const std::size_t n = static_cast<std::size_t>(state.range(1));
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<std::int16_t> a(n), tw(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = static_cast<std::int16_t>(d(rng));
    tw[i] = static_cast<std::int16_t>(qsq::qs_weight(d(rng), {q, 0}));
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(qsq::dot_wrap32(a.data(), tw.data(), n, 0));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
  state.SetLabel("W=8 q=" + std::to_string(q) + " seed=1");
}
BENCHMARK(BM_QualityScalableDot)->ArgsProduct({{1, 4}, {400, 4096}});

// Workload: 1 M seeded random 3-bit pow2 codes of one filter (scale 97), packed LSB-first.
void BM_DecodePackedCodes(benchmark::State& state) {
  const int bits = static_cast<int>(state.range(0));
  const std::size_t n = 1 << 20;
  std::mt19937_64 rng(1);
  std::vector<std::uint8_t> codes(n), packed(qsq::packed_bytes(n, bits));
  for (auto& c : codes) c = static_cast<std::uint8_t>(rng() % (1u << bits));
  qsq::pack_codes(codes.data(), n, bits, packed.data());
  qsq::PackedDecoder dec(qsq::codebook(qsq::CodebookId::pow2, bits), 97);
  std::vector<std::int16_t> out(n);
  for (auto _ : state) {
    dec.decode(packed.data(), 0, n, out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
  state.SetLabel("pow2/" + std::to_string(bits) + " seed=1");
}
BENCHMARK(BM_DecodePackedCodes)->Arg(3)->Arg(4);

// Reference point: one quality-scalable product through the full CSD recoding (no pre-truncation).
void BM_QsMulWithRecoding(benchmark::State& state) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<std::int32_t> a(4096), w(4096);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = d(rng), w[i] = d(rng);
  for (auto _ : state) {
    std::int64_t s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += qsq::qs_mul(a[i], w[i], {2, 0});
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 4096);
  state.SetLabel("W=8 q=2 seed=1");
}
BENCHMARK(BM_QsMulWithRecoding);

}  // namespace
