// Liberty reader: a small recursive-descent parser of the group / attribute syntax, then a walk
// that keeps only what the energy flow uses.
#include "qsq/energy/liberty.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <sstream>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"

namespace qsq::energy {

namespace {

struct Group {
  std::string type;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> attrs;                // name : value ;
  std::vector<std::pair<std::string, std::vector<std::string>>> complex;  // name (a, b) ;
  std::vector<std::unique_ptr<Group>> children;
  int line = 0;

  const std::string* attr(const std::string& n) const {
    for (const auto& [k, v] : attrs)
      if (k == n) return &v;
    return nullptr;
  }
  const std::vector<std::string>* cattr(const std::string& n) const {
    for (const auto& [k, v] : complex)
      if (k == n) return &v;
    return nullptr;
  }
};

class Parser {
 public:
  Parser(const std::string& text, std::string path) : s_(text), path_(std::move(path)) {}

  std::unique_ptr<Group> parse_top() {
    auto g = std::make_unique<Group>();
    skip();
    std::string name = word();
    parse_group_body_after_name(*g, name);
    return g;
  }

 private:
  const std::string& s_;
  std::string path_;
  size_t i_ = 0;
  int line_ = 1;

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(path_ + ":" + std::to_string(line_) + ": liberty: " + what);
  }

  void skip() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\n') { ++line_; ++i_; }
      else if (c == '\\' && i_ + 1 < s_.size() && (s_[i_ + 1] == '\n' || s_[i_ + 1] == '\r')) ++i_;
      else if (std::isspace(static_cast<unsigned char>(c))) ++i_;
      else if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '*') {
        size_t e = s_.find("*/", i_ + 2);
        if (e == std::string::npos) fail("unterminated comment");
        line_ += static_cast<int>(std::count(s_.begin() + i_, s_.begin() + e, '\n'));
        i_ = e + 2;
      } else if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '/') {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else break;
    }
  }

  // A word or a quoted string (quotes removed).
  std::string word() {
    skip();
    if (i_ >= s_.size()) fail("unexpected end of file");
    if (s_[i_] == '"') {
      size_t e = i_ + 1;
      std::string out;
      while (e < s_.size() && s_[e] != '"') {
        if (s_[e] == '\\' && e + 1 < s_.size()) { ++e; if (s_[e] == '\n') { ++line_; ++e; continue; } }
        if (s_[e] == '\n') ++line_;
        out += s_[e++];
      }
      if (e >= s_.size()) fail("unterminated string");
      i_ = e + 1;
      return out;
    }
    size_t b = i_;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (std::isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')' || c == '{' || c == '}' ||
          c == ':' || c == ';' || c == ',' || c == '"')
        break;
      ++i_;
    }
    if (b == i_) fail(std::string("unexpected '") + s_[i_] + "'");
    return s_.substr(b, i_ - b);
  }

  char peek() { skip(); return i_ < s_.size() ? s_[i_] : '\0'; }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }

  std::vector<std::string> arg_list() {
    expect('(');
    std::vector<std::string> args;
    while (peek() != ')') {
      args.push_back(word());
      if (peek() == ',') ++i_;
    }
    ++i_;
    return args;
  }

  void parse_group_body_after_name(Group& g, const std::string& name) {
    g.type = name;
    g.line = line_;
    g.args = arg_list();
    expect('{');
    parse_members(g);
  }

  // Members of a group whose '{' has been consumed, up to and including '}'.
  void parse_members(Group& g) {
    while (peek() != '}') {
      if (i_ >= s_.size()) fail("unterminated group " + g.type);
      std::string n = word();
      char c = peek();
      if (c == ':') {
        ++i_;
        std::string v = word();
        if (peek() == ';') ++i_;
        g.attrs.emplace_back(n, v);
      } else if (c == '(') {
        auto args = arg_list();
        if (peek() == '{') {
          ++i_;
          auto child = std::make_unique<Group>();
          child->type = n;
          child->line = line_;
          child->args = std::move(args);
          parse_members(*child);
          g.children.push_back(std::move(child));
        } else {
          if (peek() == ';') ++i_;
          g.complex.emplace_back(n, std::move(args));
        }
      } else {
        fail("expected ':' or '(' after " + n);
      }
    }
    ++i_;
  }
};

std::vector<double> numbers(const std::string& list, const std::string& where) {
  std::vector<double> out;
  std::string tok;
  std::istringstream in(list);
  while (std::getline(in, tok, ',')) {
    tok.erase(std::remove_if(tok.begin(), tok.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
              tok.end());
    if (tok.empty()) continue;
    try {
      out.push_back(std::stod(tok));
    } catch (const std::exception&) {
      throw Error(where + ": liberty: bad number '" + tok + "'");
    }
  }
  return out;
}

double number(const std::string& v, const std::string& where) {
  try {
    return std::stod(v);
  } catch (const std::exception&) {
    throw Error(where + ": liberty: bad number '" + v + "'");
  }
}

struct Templates {
  std::map<std::string, std::vector<std::string>> vars;  // template -> variable names
};

Table read_table(const Group& g, const Templates& t, const std::string& where) {
  Table tab;
  if (auto* i1 = g.cattr("index_1"); i1 && !i1->empty()) tab.index1 = numbers((*i1)[0], where);
  if (auto* i2 = g.cattr("index_2"); i2 && !i2->empty()) tab.index2 = numbers((*i2)[0], where);
  if (auto* v = g.cattr("values")) {
    for (const auto& row : *v) {
      auto r = numbers(row, where);
      tab.values.insert(tab.values.end(), r.begin(), r.end());
    }
  }
  const std::string tmpl = g.args.empty() ? "" : g.args[0];
  auto it = t.vars.find(tmpl);
  if (it != t.vars.end() && !it->second.empty()) {
    const auto& v = it->second;
    // qsq's lookup convention: 2-D = (load, slew), 1-D = (slew). Swap axes when the template says otherwise.
    bool first_is_load = v[0] == "total_output_net_capacitance";
    if (v.size() == 2 && !first_is_load) {
      Table s;
      s.index1 = tab.index2;
      s.index2 = tab.index1;
      s.values.resize(tab.values.size());
      for (size_t a = 0; a < tab.index1.size(); ++a)
        for (size_t b = 0; b < tab.index2.size(); ++b)
          s.values[b * tab.index1.size() + a] = tab.values[a * tab.index2.size() + b];
      tab = std::move(s);
    }
  }
  size_t expect = std::max<size_t>(tab.index1.size(), 1) * std::max<size_t>(tab.index2.size(), 1);
  if (tab.values.size() == 1 && tab.index1.empty()) return tab;  // scalar
  if (tab.values.size() != expect) throw Error(where + ": liberty: table size does not match its indexes");
  return tab;
}

}  // namespace

double Table::lookup(double x1, double x2) const {
  if (values.empty()) return 0.0;
  if (index1.empty()) return values[0];
  auto bracket = [](const std::vector<double>& ax, double x, size_t& lo, double& f) {
    if (ax.size() == 1) { lo = 0; f = 0; return; }
    size_t k = 0;
    while (k + 2 < ax.size() && x > ax[k + 1]) ++k;
    lo = k;
    double d = ax[k + 1] - ax[k];
    f = d != 0 ? (x - ax[k]) / d : 0.0;
  };
  size_t i, j = 0;
  double fi, fj = 0;
  bracket(index1, x1, i, fi);
  if (index2.empty()) {
    if (index1.size() == 1) return values[0];
    return values[i] + fi * (values[i + 1] - values[i]);
  }
  bracket(index2, x2, j, fj);
  const size_t n2 = index2.size();
  auto v = [&](size_t a, size_t b) { return values[a * n2 + b]; };
  const size_t i1 = index1.size() > 1 ? i + 1 : i, j1 = n2 > 1 ? j + 1 : j;
  double a = v(i, j) + fj * (v(i, j1) - v(i, j));
  double b = v(i1, j) + fj * (v(i1, j1) - v(i1, j));
  return a + fi * (b - a);
}

double InternalPower::energy(double load_pf, double slew_ns) const {
  // Energy tables are not extrapolated beyond their characterised range: an unbuffered
  // high-fanout net of the raw synthesis netlist would otherwise get absurd per-toggle energies.
  auto clamp = [](const std::vector<double>& ax, double x) {
    return ax.empty() ? x : std::min(std::max(x, ax.front()), ax.back());
  };
  auto at = [&](const Table& t) {
    return t.index2.empty() ? t.lookup(clamp(t.index1, slew_ns))
                            : t.lookup(clamp(t.index1, load_pf), clamp(t.index2, slew_ns));
  };
  int n = 0;
  double e = 0;
  if (!rise.empty()) { e += at(rise); ++n; }
  if (!fall.empty()) { e += at(fall); ++n; }
  return n ? e / n : 0.0;
}

bool TimingArc::is_delay() const {
  for (const char* check : {"setup", "hold", "recovery", "removal", "skew", "min_pulse", "minimum_period",
                            "nochange", "non_seq", "max_clock_tree_path", "min_clock_tree_path"})
    if (timing_type.find(check) != std::string::npos) return false;
  return true;
}

const LibPin& LibCell::pin(const std::string& n) const {
  auto it = pins.find(n);
  if (it == pins.end()) throw Error("liberty cell " + name + " has no pin " + n);
  return it->second;
}

const LibCell& Liberty::cell(const std::string& n) const {
  auto it = cells.find(n);
  if (it == cells.end()) throw Error("liberty " + path + " has no cell " + n);
  return it->second;
}

const LibCell* Liberty::find(const std::string& n) const {
  auto it = cells.find(n);
  return it == cells.end() ? nullptr : &it->second;
}

Liberty parse_liberty(const std::string& text, const std::string& path) {
  Parser p(text, path);
  auto top = p.parse_top();
  if (top->type != "library") throw Error(path + ": liberty: the file does not start with library(...)");
  Liberty lib;
  lib.path = path;
  lib.name = top->args.empty() ? "" : top->args[0];
  if (auto* v = top->attr("nom_voltage")) lib.voltage = number(*v, path);
  Templates t;
  for (const auto& g : top->children) {
    if (g->type == "lu_table_template" || g->type == "power_lut_template") {
      std::vector<std::string> vars;
      for (const char* k : {"variable_1", "variable_2"})
        if (auto* v = g->attr(k)) vars.push_back(*v);
      if (!g->args.empty()) t.vars[g->args[0]] = vars;
    } else if (g->type == "operating_conditions" && lib.voltage == 0) {
      if (auto* v = g->attr("voltage")) lib.voltage = number(*v, path);
    }
  }
  for (const auto& g : top->children) {
    if (g->type != "cell" || g->args.empty()) continue;
    LibCell c;
    c.name = g->args[0];
    const std::string where = path + ":" + std::to_string(g->line) + " (cell " + c.name + ")";
    if (auto* v = g->attr("area")) c.area = number(*v, where);
    if (auto* v = g->attr("cell_leakage_power")) c.leakage = number(*v, where);
    for (const auto& m : g->children) {
      if (m->type == "ff" || m->type == "latch") {
        c.sequential = true;
        c.latch = c.latch || m->type == "latch";
        LibSequential& q = c.seq;
        q.latch = m->type == "latch";
        if (m->args.size() >= 1) q.state = m->args[0];
        if (m->args.size() >= 2) q.state_n = m->args[1];
        auto get = [&](const char* k) { const std::string* v = m->attr(k); return v ? *v : std::string(); };
        q.next = get(q.latch ? "data_in" : "next_state");
        q.clock = get(q.latch ? "enable" : "clocked_on");
        q.clear = get("clear");
        q.preset = get("preset");
        q.clear_preset_var1 = get("clear_preset_var1");
        q.clear_preset_var2 = get("clear_preset_var2");
      }
      if (m->type != "pin" || m->args.empty()) continue;
      LibPin pin;
      pin.name = m->args[0];
      if (auto* d = m->attr("direction")) {
        if (*d == "output") pin.dir = LibPin::Dir::output;
        else if (*d == "internal") pin.dir = LibPin::Dir::internal;
        else pin.dir = LibPin::Dir::input;
      }
      if (auto* v = m->attr("capacitance")) pin.capacitance = number(*v, where);
      if (auto* v = m->attr("clock")) pin.is_clock = *v == "true";
      if (auto* v = m->attr("function")) pin.function = *v;
      for (const auto& pg : m->children) {
        if (pg->type == "internal_power") {
          InternalPower ip;
          if (auto* r = pg->attr("related_pin")) ip.related_pin = *r;
          for (const auto& tg : pg->children) {
            if (tg->type == "rise_power") ip.rise = read_table(*tg, t, where);
            else if (tg->type == "fall_power") ip.fall = read_table(*tg, t, where);
          }
          pin.internal.push_back(std::move(ip));
        } else if (pg->type == "timing") {
          Transition tr;
          if (auto* r = pg->attr("related_pin")) tr.related_pin = *r;
          for (const auto& tg : pg->children) {
            if (tg->type == "rise_transition") tr.rise = read_table(*tg, t, where);
            else if (tg->type == "fall_transition") tr.fall = read_table(*tg, t, where);
          }
          // related_pin may list several pins ("A B"): one arc each.
          std::istringstream rel(tr.related_pin);
          const std::string* type = pg->attr("timing_type");
          for (std::string r; rel >> r;) pin.timing.push_back({r, type ? *type : std::string()});
          if (!tr.rise.empty() || !tr.fall.empty()) pin.transitions.push_back(std::move(tr));
        }
      }
      c.pins.emplace(pin.name, std::move(pin));
    }
    lib.cells.emplace(c.name, std::move(c));
  }
  if (lib.cells.empty()) throw Error(path + ": liberty: no cells");
  return lib;
}

Liberty read_liberty(const std::string& path) { return parse_liberty(flow::read_file(path), path); }

}  // namespace qsq::energy
