// VCD reader: a whitespace token scanner over the whole text (dumps are tens of MB: no regular
// expressions, no per-line strings), the header into a table of id codes whose selected bits own
// consecutive "slots", then the body as one stream of (slot, ps, value) changes handed to a
// consumer: the activity meter or the wave recorder.
#include "qsq/energy/vcd.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <string_view>
#include <unistd.h>
#include <unordered_map>

#include "qsq/energy/toolrun.hpp"
#include "qsq/error.hpp"

namespace qsq::energy {

namespace {

enum : std::uint8_t { kV0 = 0, kV1 = 1, kVX = 2, kVZ = 3 };

// 4-state code of a value character; VHDL's weak and unknown states fold into 0, 1 and X.
int value_code(char c) {
  switch (c) {
    case '0': case 'l': case 'L': return kV0;
    case '1': case 'h': case 'H': return kV1;
    case 'x': case 'X': case 'u': case 'U': case 'w': case 'W': case '-': return kVX;
    case 'z': case 'Z': return kVZ;
    default: return -1;
  }
}

struct Signal {              // one id code (every $var sharing it is an alias)
  std::uint32_t width = 0;
  std::int64_t first_slot = -1;  // -1: no alias is selected; its changes are checked and skipped
  bool ignored = false;          // real, string, event: no bits
};

class Reader {
 public:
  Reader(const std::string& text, std::string path) : s_(text), path_(std::move(path)) {}

  [[noreturn]] void fail(const std::string& what, std::size_t line) const {
    throw Error(path_ + ":" + std::to_string(line) + ": vcd: " + what);
  }

  // Reads up to and including $enddefinitions; selects the bits of `scope` (empty: the top scope).
  void header(const std::string& scope, bool recursive);

  // Calls on_change(slot, ps, code) for every change of a selected bit, in file order.
  template <class F>
  void body(F&& on_change);

  // The last timestamp of the body in ps, found from the end of the text (0 if there is none).
  std::uint64_t last_ps();

  std::uint32_t slots() const { return slots_; }
  const std::vector<std::pair<std::string, std::uint32_t>>& names() const { return names_; }

 private:
  std::string_view s_;
  std::string path_;
  std::size_t i_ = 0, line_ = 1, tok_line_ = 1, body_start_ = 0;
  std::unordered_map<std::string_view, Signal> ids_;
  // The common one- and two-character id codes, looked up without hashing.
  std::array<Signal*, 128> one_char_{};
  std::vector<Signal*> two_char_ = std::vector<Signal*>(128 * 128, nullptr);
  std::uint64_t num_ = 1, den_ = 1;      // ps = time * num_ / den_
  std::uint32_t slots_ = 0;
  std::vector<std::pair<std::string, std::uint32_t>> names_;  // selected bit name -> slot

  std::string_view token() {
    const char* p = s_.data() + i_;
    const char* e = s_.data() + s_.size();
    while (p < e && static_cast<unsigned char>(*p) <= ' ') {
      if (*p == '\n') ++line_;
      ++p;
    }
    const char* b = p;
    while (p < e && static_cast<unsigned char>(*p) > ' ') ++p;
    i_ = static_cast<std::size_t>(p - s_.data());
    tok_line_ = line_;
    return {b, static_cast<std::size_t>(p - b)};
  }

  // The tokens of a header command up to its $end.
  std::vector<std::string_view> until_end(std::string_view cmd) {
    const std::size_t line = tok_line_;
    std::vector<std::string_view> out;
    for (;;) {
      std::string_view t = token();
      if (t.empty()) fail("truncated header: " + std::string(cmd) + " has no $end", line);
      if (t == "$end") return out;
      out.push_back(t);
    }
  }

  Signal& lookup(std::string_view id) {
    if (id.size() == 1 && static_cast<unsigned char>(id[0]) < 128 && one_char_[static_cast<unsigned char>(id[0])])
      return *one_char_[static_cast<unsigned char>(id[0])];
    if (id.size() == 2 && static_cast<unsigned char>(id[0]) < 128 && static_cast<unsigned char>(id[1]) < 128) {
      if (Signal* s = two_char_[static_cast<unsigned char>(id[0]) * 128u + static_cast<unsigned char>(id[1])]) return *s;
    }
    auto it = ids_.find(id);
    if (it == ids_.end()) fail("unknown id code '" + std::string(id) + "'", tok_line_);
    return it->second;
  }

  std::uint64_t to_ps(std::string_view digits, std::size_t line) const;
  void timescale(const std::vector<std::string_view>& args, std::size_t line);
  void var(const std::vector<std::string_view>& args, const std::string& prefix, bool selected,
           std::map<std::string, std::uint32_t>& seen, std::size_t line);

  template <class F>
  void apply(const Signal& sig, std::string_view value, std::uint64_t now, F& on_change) {
    if (sig.ignored || sig.first_slot < 0) {
      for (char c : value)
        if (value_code(c) < 0) fail("bad value '" + std::string(value) + "'", tok_line_);
      return;
    }
    const std::size_t w = sig.width;
    if (value.empty()) fail("empty value", tok_line_);
    if (value.size() > w) {  // tolerated only as redundant leading zeros
      const std::size_t extra = value.size() - w;
      for (std::size_t k = 0; k < extra; ++k)
        if (value[k] != '0') fail("value '" + std::string(value) + "' is wider than its " + std::to_string(w) + "-bit signal", tok_line_);
      value.remove_prefix(extra);
    }
    const int first = value_code(value[0]);
    if (first < 0) fail("bad value '" + std::string(value) + "'", tok_line_);
    // IEEE 1364 left extension: 0 and 1 extend with 0, X with X, Z with Z.
    const auto pad = static_cast<std::uint8_t>(first == kV1 ? kV0 : first);
    const std::size_t npad = w - value.size();
    const auto base = static_cast<std::uint32_t>(sig.first_slot);
    for (std::size_t k = 0; k < npad; ++k) on_change(base + static_cast<std::uint32_t>(k), now, pad);
    for (std::size_t k = 0; k < value.size(); ++k) {
      const int v = value_code(value[k]);
      if (v < 0) fail("bad value '" + std::string(value) + "'", tok_line_);
      on_change(base + static_cast<std::uint32_t>(npad + k), now, static_cast<std::uint8_t>(v));
    }
  }
};

std::string unescape(std::string_view n) {
  if (!n.empty() && n[0] == '\\') n.remove_prefix(1);
  return std::string(n);
}

bool parse_int(std::string_view s, long long& out) {
  if (s.empty()) return false;
  bool neg = false;
  if (s[0] == '-') { neg = true; s.remove_prefix(1); }
  if (s.empty() || s.size() > 12) return false;
  long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = neg ? -v : v;
  return true;
}

std::uint64_t Reader::to_ps(std::string_view digits, std::size_t line) const {
  if (digits.empty()) fail("bad time '#'", line);
  std::uint64_t t = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') fail("bad time '#" + std::string(digits) + "'", line);
    if (__builtin_mul_overflow(t, 10u, &t) || __builtin_add_overflow(t, static_cast<unsigned>(c - '0'), &t))
      fail("time #" + std::string(digits) + " overflows", line);
  }
  std::uint64_t ps = 0;
  if (__builtin_mul_overflow(t, num_, &ps)) fail("time #" + std::string(digits) + " overflows in ps", line);
  if (ps % den_ != 0) fail("timestamp #" + std::string(digits) + " is not a whole ps", line);
  return ps / den_;
}

void Reader::timescale(const std::vector<std::string_view>& args, std::size_t line) {
  std::string t;
  for (auto a : args) t += a;  // "1ps" or "1 ps"
  std::size_t k = 0;
  while (k < t.size() && t[k] >= '0' && t[k] <= '9') ++k;
  const std::string n = t.substr(0, k), unit = t.substr(k);
  std::uint64_t mult = 0;
  if (n == "1") mult = 1;
  else if (n == "10") mult = 10;
  else if (n == "100") mult = 100;
  else fail("bad $timescale '" + t + "'", line);
  static const std::pair<const char*, std::uint64_t> units[] = {
      {"s", 1000000000000ull}, {"ms", 1000000000ull}, {"us", 1000000ull}, {"ns", 1000ull}, {"ps", 1ull}};
  for (const auto& [u, ps] : units)
    if (unit == u) {
      num_ = mult * ps;
      den_ = 1;
      return;
    }
  if (unit != "fs") fail("bad $timescale unit '" + unit + "'", line);
  const std::uint64_t g = std::gcd(mult, std::uint64_t{1000});
  num_ = mult / g;
  den_ = 1000 / g;
}

void Reader::var(const std::vector<std::string_view>& a, const std::string& prefix, bool selected,
                 std::map<std::string, std::uint32_t>& seen, std::size_t line) {
  if (a.size() < 4 || a.size() > 5) fail("bad $var (expected: type size id name [range])", line);
  long long size = 0;
  if (!parse_int(a[1], size) || size <= 0 || size > (1 << 24)) fail("bad $var size '" + std::string(a[1]) + "'", line);
  const std::string_view type = a[0];
  const bool ignored = type == "real" || type == "realtime" || type == "string" || type == "event";
  std::string name = unescape(a[3]);
  std::string range = a.size() == 5 ? std::string(a[4]) : std::string();
  // "name[7:0]" with the range attached (an escaped name keeps its brackets: they are its own).
  if (range.empty() && a[3][0] != '\\' && !name.empty() && name.back() == ']') {
    const std::size_t lb = name.rfind('[');
    if (lb != std::string::npos && name.find(':', lb) != std::string::npos) {
      range = name.substr(lb);
      name.erase(lb);
    }
  }
  // The bit names, leftmost (most significant in the value) first.
  std::vector<std::string> bits;
  if (!ignored) {
    if (range.empty()) {
      if (size == 1) bits.push_back(name);
      else
        for (long long b = size - 1; b >= 0; --b) bits.push_back(name + "[" + std::to_string(b) + "]");
    } else {
      if (range.size() < 3 || range.front() != '[' || range.back() != ']') fail("bad range '" + range + "'", line);
      const std::string inner = range.substr(1, range.size() - 2);
      const std::size_t colon = inner.find(':');
      long long l = 0, r = 0;
      if (colon == std::string::npos) {
        if (!parse_int(inner, l)) fail("bad range '" + range + "'", line);
        r = l;
      } else if (!parse_int(std::string_view(inner).substr(0, colon), l) ||
                 !parse_int(std::string_view(inner).substr(colon + 1), r)) {
        fail("bad range '" + range + "'", line);
      }
      const long long width = (l > r ? l - r : r - l) + 1;
      if (width != size) fail("range " + range + " of " + name + " is not " + std::to_string(size) + " bits", line);
      const long long dir = l > r ? -1 : 1;
      for (long long k = 0; k < size; ++k) bits.push_back(name + "[" + std::to_string(l + k * dir) + "]");
    }
  }
  auto [it, fresh] = ids_.try_emplace(a[2]);
  Signal& sig = it->second;
  if (fresh) {
    sig.width = static_cast<std::uint32_t>(size);
    sig.ignored = ignored;
    const auto c0 = static_cast<unsigned char>(a[2][0]);
    if (a[2].size() == 1 && c0 < 128) one_char_[c0] = &sig;
    const auto c1 = a[2].size() == 2 ? static_cast<unsigned char>(a[2][1]) : 0;
    if (a[2].size() == 2 && c0 < 128 && c1 < 128) two_char_[c0 * 128u + c1] = &sig;
  } else if (sig.width != static_cast<std::uint32_t>(size) || sig.ignored != ignored) {
    fail("id code '" + std::string(a[2]) + "' is declared again with another size or type", line);
  }
  if (!selected || ignored) return;
  if (sig.first_slot < 0) {
    sig.first_slot = slots_;
    slots_ += sig.width;
  }
  for (std::size_t k = 0; k < bits.size(); ++k) {
    const auto slot = static_cast<std::uint32_t>(sig.first_slot + static_cast<std::int64_t>(k));
    const std::string full = prefix + bits[k];
    auto [s, added] = seen.emplace(full, slot);
    if (!added && s->second != slot) fail("signal " + full + " is declared twice with different id codes", line);
    if (added) names_.emplace_back(full, slot);
  }
}

void Reader::header(const std::string& scope, bool recursive) {
  std::vector<std::string> stack;
  std::string target = scope;
  bool target_seen = false, any_scope = false;
  std::map<std::string, std::uint32_t> seen;
  for (;;) {
    const std::string_view t = token();
    const std::size_t line = tok_line_;
    if (t.empty()) fail("truncated header: no $enddefinitions", line);
    if (t == "$enddefinitions") {
      until_end(t);
      break;
    }
    if (t == "$scope") {
      auto a = until_end(t);
      if (a.empty()) fail("bad $scope", line);
      stack.push_back(unescape(a.back()));
      if (!any_scope && target.empty()) target = stack.back();  // the top scope
      any_scope = true;
    } else if (t == "$upscope") {
      until_end(t);
      if (stack.empty()) fail("$upscope without $scope", line);
      stack.pop_back();
    } else if (t == "$timescale") {
      timescale(until_end(t), line);
    } else if (t == "$var") {
      auto a = until_end(t);
      std::string path;
      for (const auto& s : stack) path += (path.empty() ? "" : ".") + s;
      bool selected = false;
      std::string prefix;
      if (path == target) {
        selected = true;
        target_seen = true;
      } else if (recursive && path.size() > target.size() && path.compare(0, target.size(), target) == 0 &&
                 (target.empty() || path[target.size()] == '.')) {
        selected = true;
        target_seen = true;
        prefix = path.substr(target.empty() ? 0 : target.size() + 1) + ".";
      }
      var(a, prefix, selected, seen, line);
    } else if (!t.empty() && t[0] == '$') {
      until_end(t);  // $date, $version, $comment and vendor extensions
    } else {
      fail("unexpected '" + std::string(t) + "' in the header", line);
    }
  }
  body_start_ = i_;
  if (!target_seen && !scope.empty()) fail("no signals in scope '" + scope + "'", line_);
}

std::uint64_t Reader::last_ps() {
  // The last line of the body that starts with '#': a few lines from the end in any dump.
  std::size_t end = s_.size();
  while (end > body_start_) {
    std::size_t nl = s_.rfind('\n', end - 1);
    const std::size_t b = (nl == std::string_view::npos || nl < body_start_) ? body_start_ : nl + 1;
    std::size_t k = b;
    while (k < end && (s_[k] == ' ' || s_[k] == '\t')) ++k;
    if (k < end && s_[k] == '#') {
      std::size_t e = k + 1;
      while (e < end && s_[e] >= '0' && s_[e] <= '9') ++e;
      const std::size_t line = 1 + static_cast<std::size_t>(std::count(s_.begin(), s_.begin() + static_cast<std::ptrdiff_t>(b), '\n'));
      return to_ps(s_.substr(k + 1, e - k - 1), line);
    }
    if (b == body_start_) break;
    end = nl;
  }
  return 0;
}

template <class F>
void Reader::body(F&& on_change) {
  std::uint64_t now = 0;
  for (;;) {
    const std::string_view t = token();
    if (t.empty()) break;
    switch (t[0]) {
      case '#': {
        const std::uint64_t ps = to_ps(t.substr(1), tok_line_);
        if (ps < now) fail("time goes backwards (#" + std::string(t.substr(1)) + ")", tok_line_);
        now = ps;
        break;
      }
      case '$':
        if (t == "$comment") {
          for (std::string_view c = token(); c != "$end"; c = token())
            if (c.empty()) fail("$comment without $end", tok_line_);
        } else if (t != "$dumpvars" && t != "$dumpall" && t != "$dumpon" && t != "$dumpoff" && t != "$end") {
          fail("unexpected '" + std::string(t) + "' after $enddefinitions", tok_line_);
        }
        break;
      case 'b': case 'B': {
        const std::string_view value = t.substr(1);
        const std::string_view id = token();
        if (id.empty()) fail("vector value without id code", tok_line_);
        apply(lookup(id), value, now, on_change);
        break;
      }
      case 'r': case 'R': case 's': case 'S': {
        const std::string_view id = token();
        if (id.empty()) fail("value without id code", tok_line_);
        lookup(id);  // real and string values are not bits: checked, not measured
        break;
      }
      default: {
        if (value_code(t[0]) < 0 || t.size() < 2) fail("bad line '" + std::string(t) + "'", tok_line_);
        apply(lookup(t.substr(1)), t.substr(0, 1), now, on_change);
      }
    }
  }
}

// Time at each value and changes inside [begin, end) of every slot.
struct Meter {
  std::uint64_t begin, end;
  std::vector<std::uint8_t> v;
  std::vector<std::uint64_t> since;
  std::vector<NetActivity> a;
  Meter(std::uint32_t n, std::uint64_t b, std::uint64_t e) : begin(b), end(e), v(n, kVX), since(n, 0), a(n) {}

  void credit(std::uint32_t slot, std::uint64_t from, std::uint64_t to) {
    const std::uint64_t lo = std::max(from, begin), hi = std::min(to, end);
    if (hi <= lo) return;
    NetActivity& x = a[slot];
    (v[slot] == kV0 ? x.t0 : v[slot] == kV1 ? x.t1 : x.tx) += hi - lo;
  }
  void operator()(std::uint32_t slot, std::uint64_t t, std::uint8_t nv) {
    const std::uint8_t ov = v[slot];
    if (ov == nv) return;
    credit(slot, since[slot], t);
    if (t >= begin && t < end) {
      if ((ov | nv) <= kV1) ++a[slot].tc;
      else ++a[slot].tx_changes;
    }
    v[slot] = nv;
    since[slot] = t;
  }
  void finish() {
    for (std::uint32_t s = 0; s < v.size(); ++s) credit(s, since[s], end);
  }
};

// Removes a temporary directory when it goes out of scope.
struct TempDir {
  fs::path dir;
  ~TempDir() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
};

bool is_fst(const std::string& path) {
  return path.size() >= 4 && path.compare(path.size() - 4, 4, ".fst") == 0;
}

}  // namespace

Activity parse_vcd_activity(const std::string& text, const std::string& path, const VcdWindow& w) {
  Reader r(text, path);
  r.header(w.scope, w.recursive);
  if (r.names().empty()) throw Error(path + ": vcd: no signals to measure in scope '" + w.scope + "'");
  const std::uint64_t last = r.last_ps();
  const std::uint64_t end = w.end_ps ? w.end_ps : last;
  Meter m(r.slots(), w.begin_ps, end);
  r.body(m);  // first, so that a corrupt file is reported as such rather than as a bad window
  if (end <= w.begin_ps)
    throw Error(path + ": vcd: the window [" + std::to_string(w.begin_ps) + ", " + std::to_string(end) + ") ps is empty");
  if (end > last)
    throw Error(path + ": vcd: the window ends at " + std::to_string(end) + " ps, after the dump's last timestamp " +
                std::to_string(last) + " ps");
  m.finish();
  Activity out;
  out.begin_ps = w.begin_ps;
  out.end_ps = end;
  for (const auto& [name, slot] : r.names()) out.nets[name] = m.a[slot];
  return out;
}

VcdWaves parse_vcd_waves(const std::string& text, const std::string& path, const std::string& scope) {
  Reader r(text, path);
  r.header(scope, false);
  std::vector<std::uint8_t> v(r.slots(), kVX);
  std::vector<std::vector<std::pair<std::uint64_t, char>>> ch(r.slots());
  static const char kChar[] = {'0', '1', 'x', 'z'};
  std::uint64_t last = 0;
  r.body([&](std::uint32_t slot, std::uint64_t t, std::uint8_t nv) {
    last = t;
    if (v[slot] == nv) return;
    v[slot] = nv;
    auto& c = ch[slot];
    if (!c.empty() && c.back().first == t) c.back().second = kChar[nv];  // the value that stands at t
    else c.emplace_back(t, kChar[nv]);
  });
  VcdWaves out;
  out.last_ps = std::max(last, r.last_ps());
  for (const auto& [name, slot] : r.names()) out.bits[name] = ch[slot];
  return out;
}

void fst_to_vcd(const fs::path& fst_in, const fs::path& vcd_out) {
  const fs::path fst = flow::absolute_path(fst_in), vcd = flow::absolute_path(vcd_out);
  if (!fs::is_regular_file(fst)) throw Error("cannot read " + fst_in.string() + ": no such file");
  run_tool("fst2vcd -f " + shell_quote(fst.string()) + " -o " + shell_quote(vcd.string()),
           vcd.parent_path() / (vcd.filename().string() + ".fst2vcd.log"), "fst2vcd of " + fst_in.string());
  if (!fs::exists(vcd)) throw Error("fst2vcd wrote nothing for " + fst_in.string());
}

Activity read_vcd_activity(const std::string& path, const VcdWindow& w, const fs::path& work) {
  if (!is_fst(path)) return parse_vcd_activity(read_file(path), path, w);
  TempDir tmp;
  const fs::path base = work.empty() ? fs::temp_directory_path() : flow::absolute_path(work);
  fs::create_directories(base);
  tmp.dir = flow::temp_sibling(base / "fst2vcd");
  fs::create_directories(tmp.dir);
  const fs::path vcd = tmp.dir / "wave.vcd";
  try {
    fst_to_vcd(path, vcd);
  } catch (const Error& e) {
    // The log is about to go with the temporary directory: keep only what the message says.
    std::string what = e.what();
    const std::size_t see = what.find(" (see ");
    const std::size_t close = see == std::string::npos ? see : what.find(')', see);
    if (close != std::string::npos) what.erase(see, close + 1 - see);
    throw Error(what);
  }
  // Errors name the FST file; their line numbers are those of fst2vcd's VCD.
  return parse_vcd_activity(read_file(vcd), path + " (as VCD)", w);
}

VcdWaves read_vcd_waves(const std::string& path, const std::string& scope) {
  return parse_vcd_waves(read_file(path), path, scope);
}

}  // namespace qsq::energy
