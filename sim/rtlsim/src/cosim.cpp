// run_cosim: drives the Verilated lane and array with golden-model transactions and scores every
// lane product against qsq::qs_mul and every array result against the golden transaction model
// (qsq::ArrayModel, qsq/transaction.hpp).
#include "qsq/rtlsim/cosim.hpp"

#include <chrono>
#include <random>

#include "qsq/bits.hpp"
#include "qsq/csd.hpp"
#include "qsq/error.hpp"
#include "qsq/rtlsim/grid_cosim.hpp"
#include "qsq/rtlsim/lane_sim.hpp"
#include "qsq/transaction.hpp"

namespace qsq::rtlsim {

std::uint64_t CosimReport::vectors() const {
  std::uint64_t v = 0;
  for (const auto& p : parts) v += p.vectors;
  return v;
}
std::uint64_t CosimReport::mismatches() const {
  std::uint64_t v = 0;
  for (const auto& p : parts) v += p.mismatches;
  return v;
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Wraps an integer into the W-bit signed range.
std::int32_t wrap_w(std::int64_t v, int w) {
  return static_cast<std::int32_t>(sign_extend(static_cast<std::uint64_t>(v), w));
}

class Scorer {
 public:
  Scorer(CosimReport& rep, PartResult& part) : rep_(rep), part_(part) {}
  void check(int q, std::int64_t got, std::int64_t want, const std::string& what) {
    ++part_.vectors;
    auto& lv = rep_.levels.at(static_cast<std::size_t>(q - 1));
    ++lv.vectors;
    if (got == want) return;
    ++part_.mismatches;
    ++lv.mismatches;
    if (rep_.first_mismatches.size() < 10)
      rep_.first_mismatches.push_back(part_.name + ": " + what + ": rtl " + std::to_string(got) + ", golden " +
                                      std::to_string(want));
  }

 private:
  CosimReport& rep_;
  PartResult& part_;
};

// ---- lane: all operand pairs --------------------------------------------------------------------
void lane_part(CosimReport& rep, std::mt19937_64& rng) {
  LaneSim lane;
  const int w = lane.width(), qmax = max_digits(w);
  PartResult part{"lane_exhaustive"};
  Scorer sc(rep, part);
  const auto t0 = Clock::now();
  auto one = [&](std::int32_t a, std::int32_t b, Quality q) {
    const std::int64_t got = lane.mul(a, b, q);
    const std::int64_t want = qs_mul(a, b, q);
    if (got != want)
      sc.check(q.q, got, want, "a=" + std::to_string(a) + " w=" + std::to_string(b) + " q=" + std::to_string(q.q) +
                                   " p=" + std::to_string(q.p));
    else
      sc.check(q.q, got, want, {});
  };
  if (rep.options.exhaustive) {
    std::vector<Quality> levels = all_levels(w);
    for (int p = 1; p <= contract::p_port_range(w).hi; ++p) levels.push_back({qmax, p});  // p = W drops every digit
    for (const auto& q : levels)
      for (std::int32_t a = min_value(w); a <= max_value(w); ++a)
        for (std::int32_t b = min_value(w); b <= max_value(w); ++b) one(a, b, q);
  } else {
    std::uniform_int_distribution<std::int32_t> val(min_value(w), max_value(w));
    std::uniform_int_distribution<int> lvl(1, qmax), pd(0, contract::p_port_range(w).hi);
    for (std::uint64_t i = 0; i < rep.options.vectors; ++i) {
      const Quality q{lvl(rng), (i % 2) ? pd(rng) : 0};
      one(val(rng), val(rng), q);
    }
  }
  part.seconds = seconds_since(t0);
  rep.parts.push_back(part);
}

// The golden transaction model of the simulated array.
ArrayModel golden_array(const Geometry& g) { return ArrayModel(g.width, g.lanes, g.code_bits, g.acc_width); }

// Runs queued traffic, then scores it.
// What a pending result was, described only when it mismatches.
struct Tag {
  const char* kind;
  int q, p;
  std::int64_t x, y;  // bypass: weight set, beat; random: dot index, load index
};
std::string describe(const Tag& t) {
  return std::string(t.kind) + " q=" + std::to_string(t.q) + " p=" + std::to_string(t.p) + " (" +
         std::to_string(t.x) + ", " + std::to_string(t.y) + ")";
}
struct Pending {
  std::vector<std::int64_t> want;
  std::vector<Tag> tag;
};
void flush(ArraySim& sim, Pending& pend, Scorer& sc) {
  const auto got = sim.run();
  if (got.size() != pend.want.size()) throw Error("rtlsim: the array returned a wrong number of results");
  for (std::size_t i = 0; i < got.size(); ++i)
    sc.check(pend.tag[i].q, got[i], pend.want[i], got[i] == pend.want[i] ? std::string() : describe(pend.tag[i]));
  pend.want.clear();
  pend.tag.clear();
}

// ---- array, bypass: every (a, w) pair through every lane ---------------------------------------
void bypass_part(CosimReport& rep, ArraySim& sim, std::mt19937_64& rng) {
  const Geometry& g = sim.geometry();
  const int w = g.width, n = g.lanes;
  const std::int64_t span = std::int64_t{1} << w;
  ArrayModel golden = golden_array(g);
  PartResult part{"array_bypass"};
  Scorer sc(rep, part);
  const auto t0 = Clock::now();
  const std::uint64_t c0 = sim.cycles();
  std::uniform_int_distribution<std::int64_t> psum_d(-(std::int64_t{1} << (g.acc_width - 1)),
                                                      (std::int64_t{1} << (g.acc_width - 1)) - 1);
  // Exhaustive: weight sets k = 0..2^W-1, lane i holds w = k + 37 i, beat t gives lane i
  // a = t + 101 i (mod 2^W): over all k and t every lane sees every pair. Otherwise a
  // random sample of the same sets, `beats` per set.
  const std::int64_t sets = rep.options.exhaustive ? span : std::max<std::int64_t>(1, std::min<std::int64_t>(span, 16));
  const std::int64_t beats = rep.options.exhaustive ? span : 32;
  std::uniform_int_distribution<std::int64_t> pick(0, span - 1);
  Pending pend;
  for (const Quality& level : all_levels(w)) {
    const int q = level.q;
    for (std::int64_t s = 0; s < sets; ++s) {
      const std::int64_t k = rep.options.exhaustive ? s : pick(rng);
      WeightLoad ld;
      ld.quality = level;
      ld.bypass = true;
      ld.plain.resize(n);
      for (int i = 0; i < n; ++i) ld.plain[i] = wrap_w(k + 37 * i, w);
      sim.push_load(ld);
      golden.load(ld);
      DotBeat b;
      b.a.resize(n);
      for (std::int64_t tt = 0; tt < beats; ++tt) {
        const std::int64_t t = rep.options.exhaustive ? tt : pick(rng);
        for (int i = 0; i < n; ++i) b.a[i] = wrap_w(t + 101 * i, w);
        b.psum = psum_d(rng);
        sim.push_dot(b);
        pend.want.push_back(golden.dot(b));
        pend.tag.push_back({"bypass weight set, beat", q, 0, k, t});
      }
      flush(sim, pend, sc);
    }
  }
  part.cycles = sim.cycles() - c0;
  part.seconds = seconds_since(t0);
  rep.parts.push_back(part);
}

// ---- array, random dot products -----------------------------------------------------------------
void random_part(CosimReport& rep, ArraySim& sim, std::mt19937_64& rng) {
  const Geometry& g = sim.geometry();
  const int w = g.width, n = g.lanes, qmax = max_digits(w);
  ArrayModel golden = golden_array(g);
  PartResult part{"array_random"};
  Scorer sc(rep, part);
  const auto t0 = Clock::now();
  const std::uint64_t c0 = sim.cycles();
  const std::uint64_t total = rep.options.exhaustive ? std::max<std::uint64_t>(rep.options.vectors, 100000)
                                                     : rep.options.vectors;
  std::uniform_int_distribution<std::int32_t> act_d(min_value(w), max_value(w));
  std::uniform_int_distribution<std::uint32_t> scale_d(0, max_scale(w)), code_d(0, (1u << g.code_bits) - 1);
  std::uniform_int_distribution<int> cb_d(0, kNumCodebooks - 1), q_d(1, qmax), p_d(0, g.p_port_range().hi), run_d(1, 64);
  std::uniform_int_distribution<std::int64_t> psum_d(-(std::int64_t{1} << (g.acc_width - 1)),
                                                      (std::int64_t{1} << (g.acc_width - 1)) - 1);
  std::bernoulli_distribution half(0.5), zero_act(0.3), bypass_d(0.125);
  Pending pend;
  std::uint64_t done = 0, loads = 0;
  while (done < total) {
    WeightLoad ld;
    ld.quality = {q_d(rng), half(rng) ? 0 : p_d(rng)};
    ld.codebook = static_cast<CodebookId>(cb_d(rng));
    ld.bypass = bypass_d(rng);
    if (ld.bypass) {
      ld.plain.resize(n);
      for (int i = 0; i < n; ++i) ld.plain[i] = act_d(rng);
    } else {
      ld.scale = scale_d(rng);
      ld.codes.resize(n);
      for (int i = 0; i < n; ++i) ld.codes[i] = static_cast<std::uint8_t>(code_d(rng));
    }
    sim.push_load(ld);
    golden.load(ld);
    ++loads;
    const int run = run_d(rng);
    DotBeat b;
    b.a.resize(n);
    for (int r = 0; r < run && done < total; ++r, ++done) {
      for (int i = 0; i < n; ++i) b.a[i] = zero_act(rng) ? 0 : act_d(rng);
      b.psum = psum_d(rng);
      sim.push_dot(b);
      pend.want.push_back(golden.dot(b));
      pend.tag.push_back({ld.bypass ? "random bypass dot, load" : "random coded dot, load", ld.quality.q,
                          ld.quality.p, static_cast<std::int64_t>(done), static_cast<std::int64_t>(loads)});
    }
    if (pend.want.size() >= 4096) flush(sim, pend, sc);
  }
  flush(sim, pend, sc);
  part.cycles = sim.cycles() - c0;
  part.seconds = seconds_since(t0);
  rep.parts.push_back(part);
}

}  // namespace

CosimReport run_cosim(const CosimOptions& o) {
  if (is_grid_preset(o.preset)) return run_grid_cosim(o);
  if (o.serial) throw Error("--serial needs a grid preset (grid-small, grid)");
  CosimReport rep;
  rep.options = o;
  auto sim = ArraySim::create(o.preset, o.gate_en);
  rep.geometry = sim->geometry();
  for (const Quality& l : all_levels(rep.geometry.width)) rep.levels.push_back({l.q, 0, 0});
  std::mt19937_64 rng(o.seed);
  sim->set_traffic({o.res_stall, o.valid_gap, o.seed});
  if (!o.trace.empty()) sim->open_trace(o.trace);
  if (rep.geometry.width == defaults::kWidth) lane_part(rep, rng);  // the lane model is built for W = 8
  bypass_part(rep, *sim, rng);
  random_part(rep, *sim, rng);
  sim->close_trace();
  return rep;
}

}  // namespace qsq::rtlsim
