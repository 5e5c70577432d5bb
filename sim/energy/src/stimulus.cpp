#include "qsq/energy/stimulus.hpp"

#include <fstream>
#include <random>
#include <sstream>

#include "qsq/codebook.hpp"
#include "qsq/csd.hpp"
#include "qsq/error.hpp"

namespace qsq::energy {

std::uint64_t ArrayStream::act_beats() const {
  std::uint64_t n = 0;
  for (const auto& b : beats) n += b.kind == Beat::Kind::act;
  return n;
}
std::uint64_t ArrayStream::loads() const { return beats.size() - act_beats(); }

namespace {

Beat random_load(const ArrayShape& s, std::mt19937_64& rng) {
  Beat b;
  b.kind = Beat::Kind::load;
  b.scale = std::uniform_int_distribution<std::uint32_t>(0, max_scale(s.width))(rng);
  std::uniform_int_distribution<int> code(0, (1 << s.code_bits) - 1);
  b.v.resize(s.lanes);
  for (auto& c : b.v) c = code(rng);
  return b;
}

}  // namespace

ArrayStream make_array_stream(const std::string& workload, const ArrayShape& s, std::uint64_t seed,
                              std::uint64_t cycles, const std::string& trace_path) {
  ArrayStream st;
  st.workload = workload;
  st.seed = seed;
  std::mt19937_64 rng(seed);
  if (workload == "random") {
    std::uniform_int_distribution<std::int32_t> act(min_value(s.width), max_value(s.width));
    std::uniform_int_distribution<std::int64_t> psum(-(std::int64_t{1} << (s.acc_width - 1)),
                                                     (std::int64_t{1} << (s.acc_width - 1)) - 1);
    while (st.beats.size() + 2 <= cycles) {
      st.beats.push_back(random_load(s, rng));
      Beat a;
      a.psum = psum(rng);
      a.v.resize(s.lanes);
      for (auto& x : a.v) x = act(rng);
      st.beats.push_back(std::move(a));
    }
  } else if (workload == "stationary") {
    std::uniform_int_distribution<std::int32_t> act(1, max_value(s.width));
    std::bernoulli_distribution zero(0.5);
    while (st.beats.size() + 2 <= cycles) {
      st.beats.push_back(random_load(s, rng));
      for (int k = 0; k < 64 && st.beats.size() < cycles; ++k) {
        Beat a;
        a.v.resize(s.lanes);
        for (auto& x : a.v) x = zero(rng) ? 0 : act(rng);
        st.beats.push_back(std::move(a));
      }
    }
  } else if (workload == "real") {
    if (trace_path.empty()) throw Error("workload 'real' needs an operand trace (--trace FILE)");
    ArrayStream tr = read_trace(trace_path, s);
    st.codebook = tr.codebook;
    st.source = trace_path;
    if (tr.beats.empty()) throw Error("operand trace " + trace_path + " has no beats");
    // Replay the trace in order (wrapping around) until the cycle budget is used.
    size_t k = 0;
    while (st.beats.size() < cycles) {
      st.beats.push_back(tr.beats[k]);
      k = (k + 1) % tr.beats.size();
    }
    // Never end on a dangling load.
    while (!st.beats.empty() && st.beats.back().kind != Beat::Kind::act) st.beats.pop_back();
    if (st.beats.empty() || st.beats.front().kind == Beat::Kind::act)
      throw Error("operand trace " + trace_path + " must start with a weight load (L or P line)");
  } else {
    throw Error("unknown workload '" + workload + "' (random, stationary or real)");
  }
  return st;
}

ArrayStream read_trace(const std::string& path, const ArrayShape& s) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open operand trace " + path);
  ArrayStream st;
  st.workload = "real";
  st.source = path;
  std::string line;
  int ln = 0;
  auto fail = [&](const std::string& what) { throw Error(path + ":" + std::to_string(ln) + ": " + what); };
  bool header = false, shape = false;
  while (std::getline(in, line)) {
    ++ln;
    if (auto h = line.find('#'); h != std::string::npos) line.erase(h);
    std::istringstream ls(line);
    std::string tag;
    if (!(ls >> tag)) continue;
    if (!header) {
      int version = 0;
      if (tag != "qsq-trace" || !(ls >> version) || version != 1) fail("not a qsq-trace 1 file");
      header = true;
      continue;
    }
    if (tag == "shape") {
      int w, n, cb;
      if (!(ls >> w >> n >> cb)) fail("shape needs: width lanes code_bits");
      if (w != s.width || n != s.lanes || cb != s.code_bits)
        fail("trace shape W=" + std::to_string(w) + " N=" + std::to_string(n) + " b=" + std::to_string(cb) +
             " does not match the array (W=" + std::to_string(s.width) + " N=" + std::to_string(s.lanes) +
             " b=" + std::to_string(s.code_bits) + ")");
      shape = true;
      continue;
    }
    if (tag == "codebook") {
      std::string name;
      ls >> name;
      try {
        st.codebook = parse_codebook(name);
      } catch (const Error& e) {
        fail(e.what());
      }
      continue;
    }
    if (!shape) fail("'shape' must come before the first beat");
    Beat b;
    if (tag == "L") {
      b.kind = Beat::Kind::load;
      long long sc;
      if (!(ls >> sc) || sc < 0 || sc > static_cast<long long>(max_scale(s.width))) fail("bad scale");
      b.scale = static_cast<std::uint32_t>(sc);
    } else if (tag == "P") {
      b.kind = Beat::Kind::plain;
    } else if (tag == "A") {
      long long ps;
      if (!(ls >> ps)) fail("bad psum");
      b.psum = ps;
    } else {
      fail("unknown line tag '" + tag + "' (L, P, A, shape, codebook)");
    }
    b.v.resize(s.lanes);
    for (auto& x : b.v) {
      long long v;
      if (!(ls >> v)) fail("expected " + std::to_string(s.lanes) + " values");
      const bool code = b.kind == Beat::Kind::load;
      if (code ? (v < 0 || v >= (1 << s.code_bits)) : (v < min_value(s.width) || v > max_value(s.width)))
        fail("value " + std::to_string(v) + " out of range");
      x = static_cast<std::int32_t>(v);
    }
    std::string extra;
    if (ls >> extra) fail("too many values");
    st.beats.push_back(std::move(b));
  }
  if (!header) throw Error(path + ": empty operand trace");
  return st;
}

std::int64_t golden_dot(const ArrayShape& s, const std::vector<std::int32_t>& w, const Beat& act, const Quality& q,
                        LaneKind lane) {
  std::int64_t acc = act.psum;
  for (int i = 0; i < s.lanes; ++i) {
    const std::int64_t wi = lane == LaneKind::exact ? w[i] : lane == LaneKind::bound ? (w[i] != 0) : qs_weight(w[i], q);
    acc += static_cast<std::int64_t>(act.v[i]) * wi;
  }
  return wrap_acc(acc, s.acc_width);
}

std::string array_stimulus(const ArrayShape& s, const ArrayStream& st, const std::vector<Quality>& levels,
                           LaneKind lane) {
  std::ostringstream o;
  o << "qsq-stim 1 array\n# workload " << st.workload << " seed " << st.seed << "\n";
  o << "shape " << s.lanes << " " << s.width << " " << s.code_bits << " " << s.acc_width << "\n";
  const Codebook& cb = codebook(st.codebook, s.code_bits);
  const bool one_block = lane != LaneKind::csd;
  std::vector<Quality> lv = one_block ? std::vector<Quality>{Quality{max_digits(s.width), 0}} : levels;
  for (const auto& q : lv) {
    o << "block ";
    if (one_block) o << (lane == LaneKind::exact ? "exact" : "bound");
    else o << 'q' << q.q << 'p' << q.p;
    o << "\n";
    std::vector<std::int32_t> w(s.lanes, 0);
    for (const auto& b : st.beats) {
      switch (b.kind) {
        case Beat::Kind::load:
        case Beat::Kind::plain: {
          const bool by = b.kind == Beat::Kind::plain;
          // The configuration is sampled with every load, so it is (re)stated before each one.
          o << "cfg " << q.q << " " << q.p << " " << static_cast<int>(st.codebook) << " " << (by ? 1 : 0) << "\n";
          o << (by ? "P" : "L");
          if (!by) o << " " << b.scale;
          for (int i = 0; i < s.lanes; ++i) {
            o << " " << b.v[i];
            w[i] = by ? b.v[i] : cb.decode(static_cast<std::uint32_t>(b.v[i]), b.scale);
          }
          o << "\n";
          break;
        }
        case Beat::Kind::act: {
          o << "A " << golden_dot(s, w, b, q, lane) << " " << b.psum;
          for (int i = 0; i < s.lanes; ++i) o << " " << b.v[i];
          o << "\n";
          break;
        }
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
