#include "qsq/energy/stimulus.hpp"

#include <algorithm>
#include <random>
#include <sstream>
#include <variant>

#include "qsq/error.hpp"
#include "qsq/flow/operand_trace.hpp"

namespace qsq::energy {

std::uint64_t ArrayStream::act_beats() const {
  std::uint64_t n = 0;
  for (const auto& t : transactions) n += std::holds_alternative<DotBeat>(t);
  return n;
}
std::uint64_t ArrayStream::loads() const { return transactions.size() - act_beats(); }

namespace {

WeightLoad random_load(const ArrayShape& s, std::mt19937_64& rng) {
  WeightLoad ld;
  ld.scale = std::uniform_int_distribution<std::uint32_t>(0, max_scale(s.width))(rng);
  std::uniform_int_distribution<int> code(0, (1 << s.code_bits) - 1);
  ld.codes.resize(s.lanes);
  for (auto& c : ld.codes) c = static_cast<std::uint8_t>(code(rng));
  return ld;
}

bool is_beat(const Transaction& t) { return std::holds_alternative<DotBeat>(t); }

// The blocks of a stimulus and their levels: one per level ("q<q>p<p>") for the csd lanes; one
// ("exact", "bound" or "signed_bound") for the lanes whose result does not depend on the level.
std::vector<std::pair<std::string, Quality>> stimulus_blocks(const ArrayShape& s, const std::vector<Quality>& levels,
                                                             LaneKind lane) {
  if (lane != LaneKind::csd) {
    const char* name = lane == LaneKind::exact ? "exact" : lane == LaneKind::bound ? "bound" : "signed_bound";
    return {{name, Quality{max_digits(s.width), 0}}};
  }
  std::vector<std::pair<std::string, Quality>> b;
  for (const auto& q : levels) {
    std::ostringstream name;  // (not string +: GCC 12 warns falsely, -Wrestrict, on "q" + to_string)
    name << 'q' << q.q << 'p' << q.p;
    b.emplace_back(name.str(), q);
  }
  return b;
}

}  // namespace

ArrayStream make_array_stream(const std::string& workload, const ArrayShape& s, std::uint64_t seed,
                              std::uint64_t cycles, const std::string& trace_path) {
  ArrayStream st;
  st.workload = workload;
  st.seed = seed;
  auto& tx = st.transactions;
  std::mt19937_64 rng(seed);
  if (workload == "random") {
    std::uniform_int_distribution<std::int32_t> act(min_value(s.width), max_value(s.width));
    std::uniform_int_distribution<std::int64_t> psum(-(std::int64_t{1} << (s.acc_width - 1)),
                                                     (std::int64_t{1} << (s.acc_width - 1)) - 1);
    while (tx.size() + 2 <= cycles) {
      tx.emplace_back(random_load(s, rng));
      DotBeat a;
      a.psum = psum(rng);
      a.a.resize(s.lanes);
      for (auto& x : a.a) x = act(rng);
      tx.emplace_back(std::move(a));
    }
  } else if (workload == "stationary") {
    std::uniform_int_distribution<std::int32_t> act(1, max_value(s.width));
    std::bernoulli_distribution zero(0.5);
    while (tx.size() + 2 <= cycles) {
      tx.emplace_back(random_load(s, rng));
      for (int k = 0; k < 64 && tx.size() < cycles; ++k) {
        DotBeat a;
        a.a.resize(s.lanes);
        for (auto& x : a.a) x = zero(rng) ? 0 : act(rng);
        tx.emplace_back(std::move(a));
      }
    }
  } else if (workload == "real") {
    if (trace_path.empty()) throw Error("workload 'real' needs an operand trace (--trace FILE)");
    const ArrayStream tr = read_trace(trace_path, s);
    st.source = trace_path;
    if (tr.transactions.empty()) throw Error("operand trace " + trace_path + " has no beats");
    // Replay the trace in order (wrapping around) until the cycle budget is used.
    size_t k = 0;
    while (tx.size() < cycles) {
      tx.push_back(tr.transactions[k]);
      k = (k + 1) % tr.transactions.size();
    }
    // Never end on a dangling load.
    while (!tx.empty() && !is_beat(tx.back())) tx.pop_back();
    if (tx.empty() || is_beat(tx.front()))
      throw Error("operand trace " + trace_path + " must start with a weight load (L or P line)");
  } else {
    throw Error("unknown workload '" + workload + "' (random, stationary or real)");
  }
  return st;
}

ArrayStream read_trace(const std::string& path, const ArrayShape& s) {
  const flow::TraceShape shape{s.width, s.lanes, s.code_bits};
  ArrayStream st;
  st.workload = "real";
  st.source = path;
  st.transactions = flow::read_operand_trace(path, &shape).transactions;
  return st;
}

std::string array_stimulus(const ArrayShape& s, const ArrayStream& st, const std::vector<Quality>& levels,
                           LaneKind lane) {
  std::ostringstream o;
  o << "qsq-stim 1 array\n# workload " << st.workload << " seed " << st.seed << "\n";
  o << "shape " << s.lanes << " " << s.width << " " << s.code_bits << " " << s.acc_width << "\n";
  for (const auto& [name, q] : stimulus_blocks(s, levels, lane)) {
    o << "block " << name << "\n";
    // The golden transaction model predicts every result (all-zero weights until the first load).
    ArrayModel array(s.width, s.lanes, s.code_bits, s.acc_width, lane);
    for (const auto& t : st.transactions) {
      if (const auto* ld = std::get_if<WeightLoad>(&t)) {
        const bool by = ld->bypass;
        // The configuration is sampled with every load, so it is (re)stated before each one.
        o << "cfg " << q.q << " " << q.p << " " << static_cast<int>(ld->codebook) << " " << (by ? 1 : 0) << "\n";
        o << (by ? "P" : "L");
        if (!by) o << " " << ld->scale;
        for (int i = 0; i < s.lanes; ++i) o << " " << (by ? ld->plain[i] : static_cast<std::int32_t>(ld->codes[i]));
        o << "\n";
        WeightLoad at_level = *ld;
        at_level.quality = q;
        array.load(at_level);
      } else {
        const auto& b = std::get<DotBeat>(t);
        o << "A " << array.dot(b) << " " << b.psum;
        for (int i = 0; i < s.lanes; ++i) o << " " << b.a[i];
        o << "\n";
      }
    }
    o << "end\n";
  }
  return o.str();
}

std::uint64_t GridStream::beats() const {
  std::uint64_t n = 0;
  for (const auto& t : items) n += std::holds_alternative<flow::GridTraceBeat>(t);
  return n;
}
std::uint64_t GridStream::loads() const { return items.size() - beats(); }
std::uint64_t GridStream::macs() const {
  std::uint64_t n = 0;
  for (const auto& t : items)
    if (const auto* b = std::get_if<flow::GridTraceBeat>(&t)) n += b->macs;
  return n;
}

GridStream make_grid_stream(const std::string& workload, const ArrayShape& s, std::uint64_t seed, std::uint64_t cycles,
                            const std::string& trace_path) {
  if (!s.grid()) throw Error("make_grid_stream: the shape is not a grid");
  GridStream st;
  st.workload = workload;
  st.seed = seed;
  auto& items = st.items;
  std::mt19937_64 rng(seed);
  const std::uint64_t all_rows = s.rows >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << s.rows) - 1;
  const std::uint64_t full = static_cast<std::uint64_t>(s.rows) * static_cast<std::uint64_t>(s.lanes);
  auto load = [&](int row) {
    items.emplace_back(GridLoad{row, all_rows, random_load(s, rng)});
  };
  if (workload == "random") {
    std::uniform_int_distribution<std::int32_t> act(min_value(s.width), max_value(s.width));
    std::uniform_int_distribution<int> row(0, s.rows - 1), slot(0, s.slots - 1);
    for (int r = 0; r < s.rows; ++r) load(r);  // every row holds a filter before the first beat
    while (items.size() + 2 <= cycles) {
      load(row(rng));
      flow::GridTraceBeat b{GridBeat{std::vector<std::int32_t>(static_cast<std::size_t>(s.lanes)), slot(rng), true, true}, full};
      for (auto& x : b.beat.a) x = act(rng);
      items.emplace_back(std::move(b));
    }
  } else if (workload == "stationary") {
    std::uniform_int_distribution<std::int32_t> act(1, max_value(s.width));
    std::bernoulli_distribution zero(0.5);
    // 64 beats per weight set, in whole passes over the slots (at least one).
    const int passes = std::max(1, 64 / s.slots);
    while (items.size() + static_cast<std::size_t>(s.rows) + 1 <= cycles) {
      for (int r = 0; r < s.rows; ++r) load(r);
      for (int k = 0; k < passes * s.slots && items.size() < cycles; ++k) {
        const int pass = k / s.slots;
        flow::GridTraceBeat b{GridBeat{std::vector<std::int32_t>(static_cast<std::size_t>(s.lanes)), k % s.slots,
                                       pass == 0, pass == passes - 1},
                              full};
        for (auto& x : b.beat.a) x = zero(rng) ? 0 : act(rng);
        items.emplace_back(std::move(b));
      }
    }
  } else if (workload == "real") {
    if (trace_path.empty()) throw Error("workload 'real' needs a grid operand trace (--trace FILE)");
    const flow::TraceShape shape{s.width, s.lanes, s.code_bits};
    flow::OperandTrace tr = flow::read_operand_trace(trace_path, &shape);
    if (tr.grid.rows == 0)
      throw Error("operand trace " + trace_path + " is a one-row trace; the grid needs a grid trace (qsq export --grid-trace)");
    if (tr.grid.rows != s.rows || tr.grid.slots != s.slots)
      throw Error("grid trace " + trace_path + " is cut for M = " + std::to_string(tr.grid.rows) + ", " +
                  std::to_string(tr.grid.slots) + " slots; the grid has M = " + std::to_string(s.rows) + ", " +
                  std::to_string(s.slots) + " slots");
    if (tr.grid_items.empty()) throw Error("grid trace " + trace_path + " has no beats");
    st.source = trace_path;
    items = std::move(tr.grid_items);
  } else {
    throw Error("unknown workload '" + workload + "' (random, stationary or real)");
  }
  return st;
}

std::string grid_stimulus(const ArrayShape& s, const GridStream& st, const std::vector<Quality>& levels, LaneKind lane) {
  std::ostringstream o;
  o << "qsq-stim 1 grid\n# workload " << st.workload << " seed " << st.seed << "\n";
  o << "shape " << s.rows << " " << s.lanes << " " << s.width << " " << s.code_bits << " " << s.acc_width << "\n";
  for (const auto& [name, q] : stimulus_blocks(s, levels, lane)) {
    o << "block " << name << "\n";
    GridModel grid(s, lane);  // every result predicted by the golden model
    for (const auto& t : st.items) {
      if (const auto* g = std::get_if<GridLoad>(&t)) {
        const WeightLoad& ld = g->weights;
        o << "cfg " << q.q << " " << q.p << " " << static_cast<int>(ld.codebook) << " " << (ld.bypass ? 1 : 0) << "\n";
        o << (ld.bypass ? "GP " : "G ") << g->row << " " << g->rows_on;
        if (!ld.bypass) o << " " << ld.scale;
        for (int i = 0; i < s.lanes; ++i) o << " " << (ld.bypass ? ld.plain[i] : static_cast<std::int32_t>(ld.codes[i]));
        o << "\n";
        GridLoad at_level = *g;
        at_level.weights.quality = q;
        grid.load(at_level);
      } else {
        const GridBeat& b = std::get<flow::GridTraceBeat>(t).beat;
        o << "B " << b.slot << " " << (b.first ? 1 : 0) << " " << (b.last ? 1 : 0);
        for (int i = 0; i < s.lanes; ++i) o << " " << b.a[i];
        if (const auto r = grid.beat(b)) {
          o << " " << r->rows_on;
          for (auto v : r->values) o << " " << v;
        }
        o << "\n";
      }
    }
    o << "end\n";
  }
  return o.str();
}

std::vector<MultCycle> make_mult_stream(const std::string& workload, int width, bool is_signed, std::uint64_t seed,
                                        std::uint64_t cycles) {
  std::mt19937_64 rng(seed);
  const std::int64_t lo = is_signed ? -(std::int64_t{1} << (width - 1)) : 0;
  const std::int64_t hi = is_signed ? (std::int64_t{1} << (width - 1)) - 1 : (std::int64_t{1} << width) - 1;
  std::uniform_int_distribution<std::int64_t> any(lo, hi), pos(1, hi);
  std::bernoulli_distribution zero(0.5);
  std::vector<MultCycle> out(cycles);
  if (workload == "random") {
    for (auto& c : out) {
      c.a = any(rng);
      c.b = any(rng);
    }
  } else if (workload == "stationary") {
    std::int64_t b = 0;
    for (std::uint64_t t = 0; t < cycles; ++t) {
      out[t].en_b = t % 64 == 0;
      if (out[t].en_b) b = any(rng);
      out[t].b = b;
      out[t].a = zero(rng) ? 0 : pos(rng);
    }
  } else {
    throw Error("unknown multiplier workload '" + workload + "' (random or stationary)");
  }
  return out;
}

std::vector<MultCycle> exhaustive_mult_stream(int width, bool is_signed) {
  std::vector<MultCycle> out;
  const std::int64_t lo = is_signed ? -(std::int64_t{1} << (width - 1)) : 0;
  const std::int64_t n = std::int64_t{1} << width;
  out.reserve(static_cast<size_t>(n * n + 2));
  for (std::int64_t a = 0; a < n; ++a)
    for (std::int64_t b = 0; b < n; ++b) out.push_back({true, true, lo + a, lo + b});
  // Two flush cycles so the last product leaves the output register.
  out.push_back(out.back());
  out.push_back(out.back());
  return out;
}

std::string mult_stimulus(int width, const std::vector<std::pair<std::string, const std::vector<MultCycle>*>>& blocks) {
  std::ostringstream o;
  o << "qsq-stim 1 mult\nshape " << width << "\n";
  for (const auto& [name, cyc] : blocks) {
    o << "block " << name << "\n";
    for (const auto& c : *cyc) o << "C " << c.en_a << " " << c.en_b << " " << c.a << " " << c.b << "\n";
    o << "end\n";
  }
  return o.str();
}

}  // namespace qsq::energy
