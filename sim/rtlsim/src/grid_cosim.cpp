// run_grid_cosim: drives the Verilated grid with golden-model transactions and scores every row
// of every result against qsq::qs_mul (lane pairs) or qsq::GridModel (random traffic).
#include "qsq/rtlsim/grid_cosim.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include "qsq/csd.hpp"
#include "qsq/error.hpp"
#include "qsq/grid.hpp"
#include "qsq/rtlsim/grid_sim.hpp"

namespace qsq::rtlsim {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// One expected row value and what it was, for a readable mismatch.
struct Want {
  std::int64_t value;
  int row, q;
  std::string what;
};

class GridScorer {
 public:
  GridScorer(CosimReport& rep, PartResult& part, GridSim& sim) : rep_(rep), part_(part), sim_(sim) {}
  // Expected results of the next last beat: the on-rows' values (others ignored).
  void expect(std::vector<Want> rows, std::uint64_t rows_on) { pending_.push_back({std::move(rows), rows_on}); }
  void flush() {
    const auto got = sim_.run();
    if (got.size() != pending_.size())
      throw Error("rtlsim: the grid returned " + std::to_string(got.size()) + " results for " +
                  std::to_string(pending_.size()) + " last beats");
    for (std::size_t k = 0; k < got.size(); ++k) {
      const auto& [want, on] = pending_[k];
      if (got[k].rows_on != on) fail(0, "rows_on " + std::to_string(got[k].rows_on) + ", golden " + std::to_string(on));
      for (const Want& w : want) {
        ++part_.vectors;
        auto& lv = rep_.levels.at(static_cast<std::size_t>(w.q - 1));
        ++lv.vectors;
        const std::int64_t g = got[k].values.at(static_cast<std::size_t>(w.row));
        if (g == w.value) continue;
        ++lv.mismatches;
        fail(1, w.what + " row " + std::to_string(w.row) + ": rtl " + std::to_string(g) + ", golden " +
                    std::to_string(w.value));
      }
    }
    pending_.clear();
  }
  std::size_t pending() const { return pending_.size(); }

 private:
  void fail(int counted, const std::string& msg) {
    ++part_.mismatches;
    if (!counted) ++part_.vectors;
    if (rep_.first_mismatches.size() < 10) rep_.first_mismatches.push_back(part_.name + ": " + msg);
  }
  CosimReport& rep_;
  PartResult& part_;
  GridSim& sim_;
  std::vector<std::pair<std::vector<Want>, std::uint64_t>> pending_;
};

std::int32_t wrap_w(std::int64_t v, int w) { return static_cast<std::int32_t>(sign_extend(static_cast<std::uint64_t>(v), w)); }

// ---- every (a, w) pair through every lane of every row ------------------------------------------
// Block (q, k, s, g): row r holds weight v = g*M + (r + s) % M (mod 2^W) in lane (r + k) % N only;
// beat t gives every lane a = t. Over all k (lanes), s (rows) and g, every lane of every row sees
// every weight, and over t every activation.
void lane_pairs_part(CosimReport& rep, GridSim& sim, std::mt19937_64& rng) {
  const Geometry& g = sim.geometry();
  const int w = g.width, n = g.lanes, m = g.rows;
  const std::int64_t span = std::int64_t{1} << w;
  PartResult part{"grid_lane_pairs"};
  GridScorer sc(rep, part, sim);
  const auto t0 = Clock::now();
  const std::uint64_t c0 = sim.cycles();
  const bool ex = rep.options.exhaustive;
  const std::int64_t groups = (span + m - 1) / m;
  std::uniform_int_distribution<std::int64_t> any(0, span - 1);
  std::uniform_int_distribution<int> lane_d(0, n - 1), row_d(0, m - 1);
  const std::uint64_t all = m >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << m) - 1;
  for (const Quality& level : all_levels(w)) {
    const std::int64_t blocks = ex ? std::int64_t{n} * m * groups : 24;
    for (std::int64_t blk = 0; blk < blocks; ++blk) {
      const int k = ex ? static_cast<int>(blk % n) : lane_d(rng);
      const int s = ex ? static_cast<int>(blk / n % m) : row_d(rng);
      const std::int64_t grp = ex ? blk / (std::int64_t{n} * m) : any(rng);
      std::vector<std::int32_t> wt(static_cast<std::size_t>(m));
      for (int r = 0; r < m; ++r) {
        wt[static_cast<std::size_t>(r)] = wrap_w(grp * m + (r + s) % m, w);
        GridLoad ld;
        ld.row = r;
        ld.rows_on = all;
        ld.weights.quality = level;
        ld.weights.bypass = true;
        ld.weights.plain.assign(static_cast<std::size_t>(n), 0);
        ld.weights.plain[static_cast<std::size_t>((r + k) % n)] = wt[static_cast<std::size_t>(r)];
        sim.push_load(ld);
      }
      const std::int64_t beats = ex ? span : 16;
      for (std::int64_t tt = 0; tt < beats; ++tt) {
        const std::int32_t a = wrap_w(ex ? tt : any(rng), w);
        sim.push_beat(GridBeat{std::vector<std::int32_t>(static_cast<std::size_t>(n), a), 0, true, true});
        std::vector<Want> want;
        for (int r = 0; r < m; ++r) {
          const std::int32_t wr = wt[static_cast<std::size_t>(r)];
          std::string what;
          if (rep.first_mismatches.size() < 10)
            what = "a=" + std::to_string(a) + " w=" + std::to_string(wr) + " q=" + std::to_string(level.q) + " lane " +
                   std::to_string((r + k) % n);
          want.push_back({wrap_acc(qs_mul(a, wr, level), g.acc_width), r, level.q, std::move(what)});
        }
        sc.expect(std::move(want), all);
      }
      if (sc.pending() >= 2048) sc.flush();
    }
    sc.flush();
  }
  part.cycles = sim.cycles() - c0;
  part.seconds = seconds_since(t0);
  rep.parts.push_back(part);
}

// ---- random whole-grid traffic against qsq::GridModel -------------------------------------------
void random_part(CosimReport& rep, GridSim& sim, std::mt19937_64& rng, const char* name, std::uint64_t total) {
  const Geometry& g = sim.geometry();
  const int w = g.width, n = g.lanes, m = g.rows, qmax = max_digits(w);
  GridModel golden(g);
  sim.reset();  // the golden model starts from reset: zero weights, every row off
  PartResult part{name};
  GridScorer sc(rep, part, sim);
  const auto t0 = Clock::now();
  const std::uint64_t c0 = sim.cycles();
  std::uniform_int_distribution<std::int32_t> act_d(min_value(w), max_value(w));
  std::uniform_int_distribution<std::uint32_t> scale_d(0, max_scale(w)), code_d(0, (1u << g.code_bits) - 1);
  std::uniform_int_distribution<int> cb_d(0, kNumCodebooks - 1), q_d(0, qmax), p_d(0, g.p_port_range().hi),
      row_d(0, m - 1), slot_d(0, g.slots - 1), run_d(1, 3 * g.slots);
  std::uniform_int_distribution<std::uint64_t> mask_d(0, m >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << m) - 1);
  std::bernoulli_distribution half(0.5), zero_act(0.3), bypass_d(0.125), all_on(0.6), first_d(0.25), last_d(0.3);
  std::vector<int> row_q(static_cast<std::size_t>(m), qmax);
  const std::uint64_t all = m >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << m) - 1;
  std::uint64_t done = 0;
  while (done < total) {
    // A burst of loads (one row each), then a run of beats.
    const int nload = 1 + row_d(rng);
    const std::uint64_t mask = all_on(rng) ? all : mask_d(rng);
    for (int l = 0; l < nload; ++l) {
      GridLoad ld;
      ld.row = row_d(rng);
      ld.rows_on = mask;
      WeightLoad& wl = ld.weights;
      wl.quality = {q_d(rng), half(rng) ? 0 : p_d(rng)};
      wl.codebook = static_cast<CodebookId>(cb_d(rng));
      wl.bypass = bypass_d(rng);
      if (wl.bypass) {
        for (int i = 0; i < n; ++i) wl.plain.push_back(act_d(rng));
      } else {
        wl.scale = scale_d(rng);
        for (int i = 0; i < n; ++i) wl.codes.push_back(static_cast<std::uint8_t>(code_d(rng)));
      }
      sim.push_load(ld);
      golden.load(ld);
      row_q[static_cast<std::size_t>(ld.row)] = wl.quality.q == 0 ? qmax : wl.quality.q;
    }
    const int run = run_d(rng);
    for (int t = 0; t < run && done < total; ++t, ++done) {
      GridBeat b;
      for (int i = 0; i < n; ++i) b.a.push_back(zero_act(rng) ? 0 : act_d(rng));
      b.slot = slot_d(rng);
      b.first = first_d(rng);
      b.last = last_d(rng);
      if (!b.first) {
        try {
          (void)golden.peek(b);
        } catch (const Error&) {
          b.first = true;  // a slot of an on row not started since reset: start it
        }
      }
      sim.push_beat(b);
      if (auto r = golden.beat(b)) {
        std::vector<Want> want;
        for (int row = 0; row < m; ++row)
          if (r->rows_on >> row & 1u)
            want.push_back({r->values[static_cast<std::size_t>(row)], row, row_q[static_cast<std::size_t>(row)],
                            rep.first_mismatches.size() < 10 ? "beat " + std::to_string(done) + " slot " + std::to_string(b.slot)
                                                            : std::string()});
        sc.expect(std::move(want), r->rows_on);
      }
    }
    if (sc.pending() >= 1024) sc.flush();
  }
  sc.flush();
  part.cycles = sim.cycles() - c0;
  part.seconds = seconds_since(t0);
  rep.parts.push_back(part);
}

}  // namespace

bool is_grid_preset(const std::string& preset) {
  for (const auto& p : presets::kAll)
    if (preset == p.name) return p.grid();
  return false;
}

CosimReport run_grid_cosim(const CosimOptions& o) {
  if (!o.trace.empty()) throw Error("the grid models are built without tracing (drop --trace)");
  CosimReport rep;
  rep.options = o;
  auto sim = GridSim::create(o.preset, o.gate_en, false, o.serial);
  rep.geometry = sim->geometry();
  for (const Quality& l : all_levels(rep.geometry.width)) rep.levels.push_back({l.q, 0, 0});
  std::mt19937_64 rng(o.seed);
  sim->set_traffic({o.res_stall, o.valid_gap, o.seed});
  lane_pairs_part(rep, *sim, rng);
  const std::uint64_t total = o.exhaustive ? std::max<std::uint64_t>(o.vectors, 100000) : o.vectors;
  random_part(rep, *sim, rng, "grid_random", total);
  sim->set_traffic({0.7, 0.3, o.seed + 1});
  random_part(rep, *sim, rng, "grid_backpressure", std::max<std::uint64_t>(total / 4, 1));
  return rep;
}

}  // namespace qsq::rtlsim
