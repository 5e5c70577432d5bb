// SDF reader: the file is an s-expression; a tokenizer builds the tree and a walk keeps the
// IOPATH delays of every CELL. The writer runs OpenSTA (sim/energy/scripts/sta_sdf.tcl.in).
#include "qsq/energy/sdf.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>

#include "qsq/energy/toolrun.hpp"
#include "qsq/error.hpp"
#include "qsq/flow/hash.hpp"
#include "qsq/flow/provenance.hpp"

namespace qsq::energy {

namespace {

struct Node {
  std::string atom;  // non-empty for a leaf
  std::vector<std::unique_ptr<Node>> kids;
  int line = 0;
  bool list() const { return atom.empty(); }
  const std::string& head() const {
    static const std::string none;
    return kids.empty() || !kids[0]->list() ? (kids.empty() ? none : kids[0]->atom) : none;
  }
};

class Reader {
 public:
  Reader(const std::string& s, std::string path) : s_(s), path_(std::move(path)) {}

  std::unique_ptr<Node> parse() {
    skip();
    if (i_ >= s_.size() || s_[i_] != '(') fail("expected '(' at the start of the file");
    auto n = list();
    skip();
    if (i_ < s_.size()) fail("text after the closing ')' of DELAYFILE");
    return n;
  }

  [[noreturn]] void fail(const std::string& what) const { throw Error(path_ + ":" + std::to_string(line_) + ": sdf: " + what); }

 private:
  const std::string& s_;
  std::string path_;
  size_t i_ = 0;
  int line_ = 1;

  void skip() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '\n') ++line_;
      if (std::isspace(static_cast<unsigned char>(c))) { ++i_; continue; }
      if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '/') {  // line comment
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
        continue;
      }
      if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '*') {
        const size_t e = s_.find("*/", i_ + 2);
        if (e == std::string::npos) fail("unterminated comment");
        line_ += static_cast<int>(std::count(s_.begin() + static_cast<long>(i_), s_.begin() + static_cast<long>(e), '\n'));
        i_ = e + 2;
        continue;
      }
      break;
    }
  }

  std::unique_ptr<Node> list() {
    auto n = std::make_unique<Node>();
    n->line = line_;
    ++i_;  // '('
    for (;;) {
      skip();
      if (i_ >= s_.size()) fail("unterminated '(' opened on line " + std::to_string(n->line));
      const char c = s_[i_];
      if (c == ')') { ++i_; return n; }
      if (c == '(') { n->kids.push_back(list()); continue; }
      auto a = std::make_unique<Node>();
      a->line = line_;
      a->atom = atom();
      n->kids.push_back(std::move(a));
    }
  }

  // A quoted string (kept with its quotes removed) or a run of identifier characters, where a
  // backslash escapes the next character (SDF's way of writing '[', '.', '/' inside a name).
  std::string atom() {
    std::string out;
    if (s_[i_] == '"') {
      const size_t e = s_.find('"', i_ + 1);
      if (e == std::string::npos) fail("unterminated string");
      out = s_.substr(i_ + 1, e - i_ - 1);
      i_ = e + 1;
      return out.empty() ? std::string("\"\"") : out;
    }
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '\\' && i_ + 1 < s_.size()) { out += s_[i_ + 1]; i_ += 2; continue; }
      if (std::isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')') break;
      out += c;
      ++i_;
    }
    return out;
  }
};

double number(const std::string& s, const Reader& r) {
  try {
    size_t used = 0;
    const double v = std::stod(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  r.fail("bad number '" + s + "'");
}

// "(0.1::0.2)", "(0.1:0.15:0.2)", "(0.2)" or "()" -> the largest value given; false when empty.
bool delay_value(const Node& n, const Reader& r, double& out) {
  if (!n.list()) r.fail("expected a delay value in parentheses");
  if (n.kids.empty()) return false;
  if (n.kids.size() != 1 || n.kids[0]->list()) r.fail("a delay value has one rvalue");
  const std::string& v = n.kids[0]->atom;
  bool any = false;
  size_t p = 0;
  while (p <= v.size()) {
    const size_t q = std::min(v.find(':', p), v.size());
    if (q > p) {
      const double x = number(v.substr(p, q - p), r);
      out = any ? std::max(out, x) : x;
      any = true;
    }
    p = q + 1;
  }
  return any;
}

SdfArc iopath(const Node& n, const Reader& r, double scale) {
  // (IOPATH port_spec port (rise) (fall) ...): port_spec may be (posedge CLK).
  if (n.kids.size() < 4) r.fail("IOPATH needs an input, an output and at least one delay");
  SdfArc a;
  const Node& in = *n.kids[1];
  if (in.list()) {
    if (in.kids.size() != 2 || in.kids[0]->list() || in.kids[1]->list()) r.fail("bad IOPATH input edge");
    const std::string& e = in.kids[0]->atom;
    if (e == "posedge") a.edge = SdfArc::Edge::posedge;
    else if (e == "negedge") a.edge = SdfArc::Edge::negedge;
    else r.fail("IOPATH input edge '" + e + "' (posedge or negedge expected)");
    a.from = in.kids[1]->atom;
  } else {
    a.from = in.atom;
  }
  if (n.kids[2]->list()) r.fail("IOPATH output must be a port name");
  a.to = n.kids[2]->atom;
  // One value: rise = fall; two: rise, fall; more (0->Z etc.) are tri-state edges: ignored.
  a.has_rise = delay_value(*n.kids[3], r, a.rise_ns);
  if (n.kids.size() >= 5) {
    a.has_fall = delay_value(*n.kids[4], r, a.fall_ns);
  } else {
    a.has_fall = a.has_rise;
    a.fall_ns = a.rise_ns;
  }
  a.rise_ns *= scale;
  a.fall_ns *= scale;
  return a;
}

double timescale_ns(const Node& n, const Reader& r) {
  std::string t;
  for (size_t k = 1; k < n.kids.size(); ++k) t += n.kids[k]->atom;
  size_t used = 0;
  double v = 1;
  try {
    v = std::stod(t, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string unit = t.substr(used);
  if (unit == "s") return v * 1e9;
  if (unit == "ms") return v * 1e6;
  if (unit == "us") return v * 1e3;
  if (unit == "ns") return v;
  if (unit == "ps") return v * 1e-3;
  if (unit == "fs") return v * 1e-6;
  r.fail("TIMESCALE '" + t + "' (1ns, 10ps, ... expected)");
}

}  // namespace

const SdfCell* Sdf::find(const std::string& instance) const {
  const auto it = index.find(instance);
  return it == index.end() ? nullptr : &cells[it->second];
}

Sdf parse_sdf(const std::string& text, const std::string& path) {
  Reader r(text, path);
  const auto top = r.parse();
  if (top->head() != "DELAYFILE") r.fail("the file does not start with (DELAYFILE");
  Sdf sdf;
  for (const auto& k : top->kids) {
    if (!k->list()) continue;
    const std::string& h = k->head();
    if (h == "DESIGN" && k->kids.size() > 1) sdf.design = k->kids[1]->atom;
    else if (h == "TIMESCALE") sdf.timescale_ns = timescale_ns(*k, r);
  }
  for (const auto& k : top->kids) {
    if (!k->list() || k->head() != "CELL") continue;
    SdfCell c;
    for (const auto& f : k->kids) {
      if (!f->list()) continue;
      if (f->head() == "CELLTYPE" && f->kids.size() > 1) c.type = f->kids[1]->atom;
      else if (f->head() == "INSTANCE") c.instance = f->kids.size() > 1 ? f->kids[1]->atom : std::string();
      else if (f->head() == "DELAY") {
        for (const auto& kind : f->kids) {
          if (!kind->list()) continue;
          if (kind->head() != "ABSOLUTE") r.fail("only ABSOLUTE delays are read (found " + kind->head() + ")");
          for (const auto& d : kind->kids) {
            if (!d->list()) continue;
            if (d->head() == "IOPATH") {
              c.arcs.push_back(iopath(*d, r, sdf.timescale_ns));
            } else if (d->head() == "INTERCONNECT" || d->head() == "PORT") {
              double v = 0;
              for (size_t x = 1; x < d->kids.size(); ++x)
                if (d->kids[x]->list() && delay_value(*d->kids[x], r, v))
                  sdf.max_interconnect_ns = std::max(sdf.max_interconnect_ns, v * sdf.timescale_ns);
            } else if (d->head() == "COND" || d->head() == "CONDELSE") {
              r.fail("conditional IOPATH delays (" + d->head() + ") are not read");
            }
          }
        }
      }
    }
    if (c.type.empty()) r.fail("a CELL without CELLTYPE");
    if (c.instance.empty()) continue;  // the design-level entry: interconnect only
    if (sdf.index.count(c.instance)) r.fail("instance " + c.instance + " appears twice");
    sdf.index.emplace(c.instance, sdf.cells.size());
    sdf.cells.push_back(std::move(c));
  }
  return sdf;
}

Sdf read_sdf(const std::string& path) { return parse_sdf(flow::read_file(path), path); }

void zero_instance_delays(Sdf& sdf, const std::vector<std::string>& instances) {
  for (const auto& name : instances) {
    const auto it = sdf.index.find(name);
    if (it == sdf.index.end()) throw Error("SDF: no instance " + name);
    for (auto& a : sdf.cells[it->second].arcs) a.rise_ns = a.fall_ns = 0;
  }
}

std::string sdf_text(const Sdf& sdf) {
  // Names are written with SDF escapes for the characters that are not identifier characters.
  auto esc = [](const std::string& s) {
    std::string o;
    for (char c : s) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) o += '\\';
      o += c;
    }
    return o;
  };
  // Whole picoseconds under TIMESCALE 1ps: Icarus 11 ignores TIMESCALE and rounds each value
  // to an integer of the annotated module's unit (1 ps in qsq's cell models).
  auto value = [](bool has, double ns) {
    if (!has) return std::string("()");
    std::string v = "(";  // appended piecewise: GCC 12's -Wrestrict misfires on "(" + s + ")"
    v += std::to_string(std::llround(std::max(0.0, ns) * 1000.0));
    v += ')';
    return v;
  };
  std::string o = "(DELAYFILE\n (SDFVERSION \"3.0\")\n (DESIGN \"" + sdf.design + "\")\n (PROGRAM \"qsq\")\n (DIVIDER /)\n (TIMESCALE 1ps)\n";
  for (const auto& c : sdf.cells) {
    o += " (CELL\n  (CELLTYPE \"" + c.type + "\")\n  (INSTANCE " + esc(c.instance) + ")\n  (DELAY\n   (ABSOLUTE\n";
    for (const auto& a : c.arcs) {
      std::string from = esc(a.from);
      if (a.edge == SdfArc::Edge::posedge) from = "(posedge " + from + ")";
      if (a.edge == SdfArc::Edge::negedge) from = "(negedge " + from + ")";
      o += "    (IOPATH " + from + " " + esc(a.to) + " " + value(a.has_rise, a.rise_ns) + " " + value(a.has_fall, a.fall_ns) + ")\n";
    }
    o += "   )\n  )\n )\n";
  }
  return o + ")\n";
}

fs::path write_sdf(const AsicResult& a, const std::string& liberty, double clock_ns, const fs::path& work) {
  const fs::path tmpl_path = energy_source_dir() / "scripts" / "sta_sdf.tcl.in";
  const fs::path sdc = source_root() / "constraints" / "qsq.sdc";
  const std::string tmpl = read_file(tmpl_path);
  const std::string h = flow::hash_hex(a.hash + tmpl + read_file(sdc) + std::to_string(clock_ns) +
                                       flow::hash_file(liberty) + flow::external_tool_version("sta") +
                                       flow::code_unit_hash("synth"));
  const fs::path dir = flow::cached_dir(flow::absolute_path(work) / "cache" / ("sdf-" + h), [&](const fs::path& tmp) {
    write_file_atomic(tmp / "sdf.tcl",
                      expand_template(tmpl, {{"LIB", tcl_quote(flow::absolute_path(liberty).string())},
                                             {"NETLIST", tcl_quote(flow::absolute_path(a.netlist).string())},
                                             {"TOP", a.top}, {"CLOCK_NS", std::to_string(clock_ns)}, {"CLOCK_PORT", "clk_i"},
                                             {"SDC", tcl_quote(sdc.string())}, {"SDF", tcl_quote((tmp / (a.top + ".sdf")).string())}}));
    run_tool("sta -no_splash -exit " + shell_quote((tmp / "sdf.tcl").string()), tmp / "sta.log", "OpenSTA SDF of " + a.label);
    if (read_file(tmp / "sta.log").find("QSQ_END") == std::string::npos || !fs::exists(tmp / (a.top + ".sdf")))
      throw Error("OpenSTA wrote no SDF for " + a.label + " (see " + (tmp / "sta.log").string() + ")");
  });
  return dir / (a.top + ".sdf");
}

}  // namespace qsq::energy
