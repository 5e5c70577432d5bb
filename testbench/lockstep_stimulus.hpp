// Description: seeded random stimulus for the lock-step testbench, as a stream of transactions:
// layers (a configuration: q, p, codebook, bypass) cut into weight chunks, each a load followed by
// a run of activation beats with their partial sums; idle gaps between transactions; resets in
// the middle of a stream (after which a few beats may arrive before any load, to check that the
// weight bank really cleared). Independent of SystemC, so it can be reasoned about on its own.
// Usage:
//   qsq_tb::Stimulus<C> gen(seed);
//   qsq_tb::Txn<C> t = gen.next();   // kind load | beat | gap | reset
#pragma once
#include <cstdint>
#include <deque>
#include <random>

#include "qsq/params.hpp"

namespace qsq_tb {

template <class C>
struct Txn {
  enum class Kind { load, beat, gap, reset } kind = Kind::gap;
  int length = 1;  // gap: idle cycles; reset: cycles rst_ni is held low
  // load
  int q = 0, p = 0, codebook = 0;
  bool bypass = false;
  std::uint32_t codes[C::lanes] = {};
  std::uint32_t scale = 0;
  std::int32_t plain[C::lanes] = {};
  // beat
  std::int32_t acts[C::lanes] = {};
  std::int64_t psum = 0;
};

template <class C>
class Stimulus {
 public:
  using Kind = typename Txn<C>::Kind;
  explicit Stimulus(std::uint64_t seed) : rng_(seed) {}

  // How often things happen; the defaults stress every rule of the timing contract.
  double gap_probability = 0.15;
  int reset_every = 3000;  // mean cycles between resets (0: never)

  Txn<C> next() {
    if (queue_.empty()) plan_layer();
    Txn<C> t = queue_.front();
    queue_.pop_front();
    return t;
  }

  // Called when the testbench asserts a reset on its own: drop the rest of the current layer.
  void restart_after_reset() {
    queue_.clear();
    const int early = chance(0.5) ? uniform(1, 3) : 0;  // beats before the first load
    for (int i = 0; i < early; ++i) queue_.push_back(beat());
  }

  // Whether a reset should start this cycle (one draw per cycle).
  bool reset_now() { return reset_every > 0 && chance(1.0 / reset_every); }
  int reset_length() { return uniform(1, 3); }

  // Random garbage for inputs whose valid is low (the array must ignore them).
  std::uint64_t garbage() { return rng_(); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::int64_t uniform64(std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_); }

 private:
  std::mt19937_64 rng_;
  std::deque<Txn<C>> queue_;

  void plan_layer() {
    Txn<C> cfg;
    cfg.kind = Kind::load;
    cfg.q = uniform(0, C::qmax);  // 0 is the RTL's shorthand for exact
    cfg.p = chance(0.25) ? uniform(1, C::width - 1) : 0;
    cfg.codebook = uniform(0, 3);  // 3 decodes as pow2
    cfg.bypass = chance(0.2);
    const bool relu_like = chance(0.5);  // post-ReLU activations: about half zeros, never negative
    const int chunks = uniform(1, 4);
    for (int c = 0; c < chunks; ++c) {
      Txn<C> load = cfg;
      load.scale = static_cast<std::uint32_t>(uniform(0, static_cast<int>(qsq::max_scale(C::width))));
      for (int i = 0; i < C::lanes; ++i) {
        load.codes[i] = static_cast<std::uint32_t>(uniform(0, (1 << C::code_bits) - 1));
        load.plain[i] = uniform(qsq::min_value(C::width), qsq::max_value(C::width));
      }
      maybe_gap();
      queue_.push_back(load);
      const int beats = chance(0.1) ? uniform(30, 80) : uniform(1, 16);
      for (int b = 0; b < beats; ++b) {
        maybe_gap();
        queue_.push_back(beat(relu_like));
      }
    }
  }

  void maybe_gap() {
    if (!chance(gap_probability)) return;
    Txn<C> g;
    g.kind = Kind::gap;
    g.length = chance(0.8) ? 1 : uniform(2, 6);
    queue_.push_back(g);
  }

  Txn<C> beat(bool relu_like = false) {
    Txn<C> t;
    t.kind = Kind::beat;
    for (int i = 0; i < C::lanes; ++i) {
      if (relu_like) {
        t.acts[i] = chance(0.5) ? 0 : uniform(1, qsq::max_value(C::width));
      } else {
        t.acts[i] = chance(0.1) ? qsq::min_value(C::width) : uniform(qsq::min_value(C::width), qsq::max_value(C::width));
      }
    }
    const std::int64_t lo = -(std::int64_t{1} << (C::acc_width - 1)), hi = -lo - 1;
    const int pick = uniform(0, 9);
    t.psum = pick == 0 ? 0 : pick == 1 ? lo : pick == 2 ? hi : uniform64(lo, hi);  // extremes make it wrap
    return t;
  }
};

}  // namespace qsq_tb
