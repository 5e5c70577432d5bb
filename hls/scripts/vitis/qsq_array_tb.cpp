// Description: C simulation testbench of qsq_array_top_default for Vitis HLS: random loads and
// beats against the golden model. CI compiles it natively with the top (ctest hls.csim_tb) so the
// files the HLS scripts use stay valid C++; the tools themselves are not run by CI.
// Usage: part of run_hls.tcl (csim_design, cosim_design); returns non-zero on a mismatch.
#include <cstdint>
#include <cstdio>
#include <random>

#include "qsq/codebook.hpp"
#include "qsq/csd.hpp"
#include "qsq_hls_array.hpp"

using Config = qsq_hls::DefaultConfig;
Config::acc_t qsq_array_top_default(const qsq_hls::Beat<Config>& beat);

int main() {
  std::mt19937 rng(1);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int errors = 0;
  for (int n = 0; n < 200; ++n) {
    qsq_hls::Beat<Config> load;
    load.is_load = true;
    const int q = uniform(1, Config::qmax), p = uniform(0, 2), cb = uniform(0, 2);
    load.cfg.q = q;
    load.cfg.p = p;
    load.cfg.codebook = cb;
    load.scale = uniform(0, 127);
    int w[Config::lanes];
    for (int i = 0; i < Config::lanes; ++i) {
      const int code = uniform(0, 7);
      load.codes[i] = code;
      w[i] = qsq::qs_weight(qsq::codebook(static_cast<qsq::CodebookId>(cb), 3).decode(code, static_cast<std::uint32_t>(qsq_hls::to_ll(load.scale))), {q, p});
    }
    qsq_array_top_default(load);
    for (int k = 0; k < 8; ++k) {
      qsq_hls::Beat<Config> beat;
      long long expect = uniform(-100000, 100000);
      beat.psum = expect;
      for (int i = 0; i < Config::lanes; ++i) {
        const int a = uniform(-128, 127);
        beat.acts[i] = a;
        expect += static_cast<long long>(a) * w[i];
      }
      const long long got = qsq_hls::to_ll(qsq_array_top_default(beat));
      if (got != qsq::wrap_acc(expect, Config::acc_width)) ++errors;
    }
  }
  std::printf("qsq_array_tb: %d mismatches\n", errors);
  return errors == 0 ? 0 : 1;
}
