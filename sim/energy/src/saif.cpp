// SAIF writer (measured and estimated activity) and a reader of the s-expression syntax.
#include "qsq/energy/saif.hpp"

#include <cmath>
#include <map>
#include <memory>
#include <sstream>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/provenance.hpp"

namespace qsq::energy {

std::string saif_name(const std::string& net) {
  std::string out;
  for (char c : net) {
    if (c == '[' || c == ']' || c == '.' || c == '/' || c == '\\' || c == '(' || c == ')') out += '\\';
    out += c;
  }
  return out;
}

namespace {

// One INSTANCE of the written hierarchy: its nets and its sub-instances.
struct Scope {
  std::vector<std::pair<std::string, const NetActivity*>> nets;
  std::map<std::string, std::unique_ptr<Scope>> subs;
};

void write_scope(std::ostringstream& o, const std::string& name, const Scope& s, const std::string& indent) {
  o << indent << "(INSTANCE " << name << "\n";
  if (!s.nets.empty()) {
    o << indent << "  (NET\n";
    for (const auto& [n, x] : s.nets)
      o << indent << "    (" << n << "\n" << indent << "      (T0 " << x->t0 << ") (T1 " << x->t1 << ") (TX " << x->tx
        << ")\n" << indent << "      (TC " << x->tc << ") (IG " << x->ig << ")\n" << indent << "    )\n";
    o << indent << "  )\n";
  }
  for (const auto& [n, sub] : s.subs) write_scope(o, n, *sub, indent + "  ");
  o << indent << ")\n";
}

}  // namespace

std::string saif_text(const Activity& a, const SaifHeader& h) {
  Scope top;
  for (const auto& [name, x] : a.nets) {
    Scope* s = &top;
    std::string leaf = name;
    if (h.hierarchy_separator) {
      std::size_t b = 0, k;
      while ((k = leaf.find(h.hierarchy_separator, b)) != std::string::npos) {
        auto& sub = s->subs[saif_name(leaf.substr(b, k - b))];
        if (!sub) sub = std::make_unique<Scope>();
        s = sub.get();
        b = k + 1;
      }
      leaf = leaf.substr(b);
    }
    s->nets.emplace_back(saif_name(leaf), &x);
  }
  std::ostringstream o;
  o << "(SAIFILE\n(SAIFVERSION \"2.0\")\n(DIRECTION \"backward\")\n(DESIGN \"" << h.design << "\")\n";
  o << "(VENDOR \"qsq\")\n(PROGRAM_NAME \"" << h.what << "\")\n";
  o << "(VERSION \"" << flow::tool_version() << " git " << flow::git_revision() << "\")\n";
  o << "(DIVIDER / )\n(TIMESCALE 1 ps)\n(DURATION " << a.duration() << ")\n";
  write_scope(o, saif_name(h.design), top, "");
  o << ")\n";
  return o.str();
}

std::string saif_text_estimated(const Netlist& n, const std::vector<std::uint64_t>& toggles, std::uint64_t cycles,
                                double period_ns, const std::string& what) {
  // Durations in integer time units of 1 ps so that T0 + T1 = DURATION exactly.
  const auto duration = static_cast<std::uint64_t>(std::llround(static_cast<double>(cycles) * period_ns * 1000.0));
  Activity a;
  a.end_ps = duration;
  for (std::size_t k = 0; k < n.net_names.size(); ++k) {
    if (n.is_const(static_cast<int>(k))) continue;
    NetActivity& x = a.nets[n.net_names[k]];
    x.t0 = duration / 2;
    x.t1 = duration - x.t0;
    x.tc = toggles[k];
  }
  return saif_text(a, {n.module, "qsq " + what + "; T0/T1 estimated as DURATION/2, TC counted", 0});
}

namespace {

class SaifParser {
 public:
  SaifParser(const std::string& text, std::string path) : s_(text), path_(std::move(path)) {}

  Activity parse() {
    expect_open();
    if (atom() != "SAIFILE") fail("the file does not start with (SAIFILE");
    bool have_duration = false;
    double duration = 0;
    while (!close_next()) {
      expect_open();
      const std::size_t line = line_;
      const std::string key = atom();
      if (key == "TIMESCALE") {
        std::string t;
        while (!close_next()) t += atom();
        timescale(t, line);
      } else if (key == "DURATION") {
        duration = number(atom());
        have_duration = true;
        expect_close();
      } else if (key == "INSTANCE") {
        instance("", true);
      } else {
        skip_rest();
      }
    }
    if (!have_duration) fail("no DURATION");
    out_.end_ps = to_ps(duration);
    return std::move(out_);
  }

 private:
  const std::string& s_;
  std::string path_;
  std::size_t i_ = 0;
  std::size_t line_ = 1;
  double ps_per_unit_ = 1.0;  // until TIMESCALE (which every SAIF we know states before DURATION)
  Activity out_;

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(path_ + ":" + std::to_string(line_) + ": saif: " + what);
  }

  void skip_space() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '\n') ++line_;
      else if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '/') {  // comment to end of line
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
        continue;
      } else if (static_cast<unsigned char>(c) > ' ') return;
      ++i_;
    }
  }
  bool close_next() {
    skip_space();
    if (i_ >= s_.size()) fail("unexpected end of file (missing ')')");
    if (s_[i_] != ')') return false;
    ++i_;
    return true;
  }
  bool open_next() {
    skip_space();
    return i_ < s_.size() && s_[i_] == '(';
  }
  void expect_open() {
    if (!open_next()) fail("expected '('");
    ++i_;
  }
  void expect_close() {
    if (!close_next()) fail("expected ')'");
  }
  // An identifier, number or string, unescaped (a backslash keeps the next character).
  std::string atom() {
    skip_space();
    if (i_ >= s_.size()) fail("unexpected end of file");
    std::string out;
    if (s_[i_] == '"') {
      ++i_;
      while (i_ < s_.size() && s_[i_] != '"') {
        if (s_[i_] == '\n') ++line_;
        out += s_[i_++];
      }
      if (i_ >= s_.size()) fail("unterminated string");
      ++i_;
      return out;
    }
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '\\' && i_ + 1 < s_.size()) {
        out += s_[i_ + 1];
        i_ += 2;
        continue;
      }
      if (static_cast<unsigned char>(c) <= ' ' || c == '(' || c == ')') break;
      out += c;
      ++i_;
    }
    if (out.empty()) fail(std::string("unexpected '") + s_[i_] + "'");
    return out;
  }
  // Skips to the ')' that closes the group whose '(' and keyword were read.
  void skip_rest() {
    int depth = 1;
    while (depth > 0) {
      skip_space();
      if (i_ >= s_.size()) fail("unexpected end of file (missing ')')");
      const char c = s_[i_];
      if (c == '(') { ++depth; ++i_; }
      else if (c == ')') { --depth; ++i_; }
      else atom();
    }
  }
  double number(const std::string& t) {
    try {
      std::size_t used = 0;
      const double v = std::stod(t, &used);
      if (used != t.size() || !(v >= 0)) throw std::invalid_argument(t);
      return v;
    } catch (const std::exception&) {
      fail("bad number '" + t + "'");
    }
  }
  void timescale(const std::string& t, std::size_t line) {
    std::size_t k = 0;
    while (k < t.size() && ((t[k] >= '0' && t[k] <= '9') || t[k] == '.')) ++k;
    const double mult = k ? std::atof(t.substr(0, k).c_str()) : 1.0;
    const std::string unit = t.substr(k);
    static const std::pair<const char*, double> units[] = {{"s", 1e12}, {"ms", 1e9}, {"us", 1e6},
                                                            {"ns", 1e3}, {"ps", 1.0}, {"fs", 1e-3}};
    for (const auto& [u, ps] : units)
      if (unit == u && mult > 0) {
        ps_per_unit_ = mult * ps;
        return;
      }
    line_ = line;
    fail("bad TIMESCALE '" + t + "'");
  }
  std::uint64_t to_ps(double v) const { return static_cast<std::uint64_t>(std::llround(v * ps_per_unit_)); }

  // After "(INSTANCE": [design string] name, then NET, PORT and INSTANCE groups.
  void instance(const std::string& prefix, bool outermost) {
    skip_space();
    if (i_ < s_.size() && s_[i_] == '"') atom();  // the optional design / cell name
    const std::string name = atom();
    const std::string inner = outermost ? prefix : prefix + name + "/";
    while (!close_next()) {
      expect_open();
      const std::string key = atom();
      if (key == "NET" || key == "PORT") entries(inner);
      else if (key == "INSTANCE") instance(inner, false);
      else skip_rest();
    }
  }

  // Net entries "(name (T0 n) (T1 n) ...)" up to the closing ')' of the NET or PORT group.
  void entries(const std::string& prefix) {
    while (!close_next()) {
      expect_open();
      const std::size_t line = line_;
      const std::string name = prefix + atom();
      NetActivity x;
      while (!close_next()) {
        expect_open();
        const std::string key = atom();
        if (key == "T0" || key == "T1" || key == "TX" || key == "TZ" || key == "TB" || key == "TC" || key == "IG") {
          const double v = number(atom());
          expect_close();
          if (key == "T0") x.t0 = to_ps(v);
          else if (key == "T1") x.t1 = to_ps(v);
          else if (key == "TX" || key == "TZ") x.tx += to_ps(v);
          else if (key == "TC") x.tc = static_cast<std::uint64_t>(std::llround(v));
          else if (key == "IG") x.ig = static_cast<std::uint64_t>(std::llround(v));
          // TB (bus contention time) has no place in NetActivity.
        } else {
          skip_rest();  // COND / state-dependent groups, IK, vendor extensions
        }
      }
      if (!out_.nets.emplace(name, x).second && out_.nets[name] != x) {
        line_ = line;
        fail("net " + name + " is listed twice with different activity");
      }
    }
  }
};

}  // namespace

Activity parse_saif(const std::string& text, const std::string& path) { return SaifParser(text, path).parse(); }

Activity read_saif(const std::string& path) { return parse_saif(flow::read_file(path), path); }

}  // namespace qsq::energy
