// Description: checks the elaborated RTL against the hardware contract (qsq/contract.hpp). Reads
// the XML that `verilator --xml-only` writes for a top (qsq_array, qsq_lane or the package probe
// qsq_contract_probe.sv) and compares, in every elaborated module, the widths and types of the
// configuration ports (q, p, codebook), the shape-derived port widths and the derived parameters
// (partial-product rows = Qmax(W), the recoder's digit counter) with the C++ contract, and every
// value of qsq_pkg with the contract's. A width written by hand in the RTL that disagrees with the
// contract, or a configuration port not declared with the package's type, fails the check.
// Usage: qsq_rtl_contract_check FILE.xml...   (exit 1 on any disagreement; ctests rtl_contract_*)
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "qsq/contract.hpp"

namespace {

struct Var {
  std::string dtype, vartype;
  bool port = false;
  std::optional<long long> value;  // parameters
};
struct Module {
  std::string name, orig;
  bool top = false;
  std::map<std::string, Var> vars;
};
struct Design {
  std::vector<Module> modules;
  std::map<std::string, int> width_of;   // dtype id -> bits
  std::map<std::string, std::string> sub_of;  // dtype id -> dtype id it refers to
  int width(const std::string& id) const {
    std::string cur = id;
    for (int hop = 0; hop < 16; ++hop) {
      if (auto w = width_of.find(cur); w != width_of.end()) return w->second;
      auto s = sub_of.find(cur);
      if (s == sub_of.end()) break;
      cur = s->second;
    }
    return -1;
  }
};

std::string unescape(std::string s) {
  static const std::pair<const char*, const char*> kEnt[] = {
      {"&apos;", "'"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
  for (const auto& [e, c] : kEnt)
    for (std::size_t at; (at = s.find(e)) != std::string::npos;) s.replace(at, std::string(e).size(), c);
  return s;
}

// Verilog constants as Verilator prints them: 32'h5, 1'h0, 32'sh1f.
std::optional<long long> parse_const(const std::string& text) {
  static const std::regex re(R"(^\d+'s?([hdbo])([0-9a-fA-F_]+)$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  const int base = m[1] == "h" ? 16 : m[1] == "d" ? 10 : m[1] == "b" ? 2 : 8;
  std::string digits = m[2];
  std::erase(digits, '_');
  return std::stoll(digits, nullptr, base);
}

Design parse(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string xml = ss.str();
  static const std::regex attr_re(R"re(([A-Za-z_]+)="([^"]*)")re");
  Design d;
  Module* mod = nullptr;
  Var* param = nullptr;  // a parameter whose value (its first <const>) is still to come
  for (std::size_t at = xml.find('<'); at != std::string::npos; at = xml.find('<', at + 1)) {
    const std::size_t end = xml.find('>', at);
    if (end == std::string::npos) break;
    std::string tag = xml.substr(at + 1, end - at - 1);
    if (tag.empty() || tag[0] == '?' || tag[0] == '!') continue;
    const bool closing = tag[0] == '/';
    const bool self_closing = tag.back() == '/';
    std::string name = tag.substr(closing ? 1 : 0, tag.find_first_of(" /", closing ? 1 : 0) - (closing ? 1 : 0));
    std::map<std::string, std::string> a;
    for (std::sregex_iterator it(tag.begin(), tag.end(), attr_re), e; it != e; ++it) a[(*it)[1]] = unescape((*it)[2]);
    if (closing) {
      if (name == "module") mod = nullptr;
      if (name == "var") param = nullptr;
      continue;
    }
    if (name == "module") {
      d.modules.push_back({a["name"], a["origName"], a["topModule"] == "1", {}});
      mod = &d.modules.back();
    } else if (name == "var" && mod) {
      Var v;
      v.dtype = a["dtype_id"];
      v.vartype = a["vartype"];
      v.port = a.count("dir") != 0;
      auto [it, fresh] = mod->vars.emplace(a["name"], v);
      param = (fresh && (a["param"] == "true" || a["localparam"] == "true") && !self_closing) ? &it->second : nullptr;
    } else if (name == "const" && param) {
      if (!param->value) param->value = parse_const(a["name"]);
    } else if (name == "basicdtype") {
      const bool ranged = a.count("left") && a.count("right");
      d.width_of[a["id"]] = ranged ? std::abs(std::stoi(a["left"]) - std::stoi(a["right"])) + 1 : 1;
    } else if (a.count("id") && a.count("sub_dtype_id") && name != "unpackarraydtype") {
      d.sub_of[a["id"]] = a["sub_dtype_id"];  // refdtype, typedefs
    }
  }
  return d;
}

class Checker {
 public:
  int failures = 0, checks = 0;
  std::set<std::string> seen;  // origNames of the modules checked

  void expect(const Module& m, const std::string& what, long long got, long long want) {
    ++checks;
    if (got == want) return;
    ++failures;
    std::cout << "  " << m.name << ": " << what << " = " << got << ", the contract says " << want << "\n";
  }

  long long param(const Module& m, const std::string& p) {
    auto it = m.vars.find(p);
    if (it == m.vars.end() || !it->second.value) {
      ++failures;
      std::cout << "  " << m.name << ": parameter " << p << " not found in the elaborated module\n";
      return -1;
    }
    return *it->second.value;
  }

  void port(const Design& d, const Module& m, const std::string& p, long long want) {
    auto it = m.vars.find(p);
    if (it == m.vars.end() || !it->second.port) {
      ++failures;
      std::cout << "  " << m.name << ": port " << p << " not found\n";
      return;
    }
    expect(m, "width of port " + p, d.width(it->second.dtype), want);
  }

  // A configuration port must have the package's type, not a hand-written width.
  void typed_port(const Design& d, const Module& m, const std::string& p, const std::string& type, long long want) {
    port(d, m, p, want);
    auto it = m.vars.find(p);
    if (it == m.vars.end()) return;
    ++checks;
    if (it->second.vartype != type) {
      ++failures;
      std::cout << "  " << m.name << ": port " << p << " is declared as " << it->second.vartype << ", not qsq_pkg::" << type
                << "\n";
    }
  }

  void module(const Design& d, const Module& m) {
    namespace c = qsq::contract;
    const std::string& o = m.orig;
    if (o == "qsq_array") {
      const qsq::Shape s{static_cast<int>(param(m, "Width")), static_cast<int>(param(m, "Lanes")),
                         static_cast<int>(param(m, "CodeBits")), static_cast<int>(param(m, "AccWidth"))};
      const bool exact = param(m, "ExactLane") != 0;
      expect(m, "shape within the limits", s.valid(), true);
      typed_port(d, m, "cfg_q_i", "q_t", c::kQBits);
      typed_port(d, m, "cfg_p_i", "p_t", c::kPBits);
      typed_port(d, m, "cfg_codebook_i", "codebook_t", c::kCodebookBits);
      port(d, m, "wld_codes_i", s.lanes * s.code_bits);
      port(d, m, "wld_scale_i", s.width - 1);
      port(d, m, "wld_plain_i", s.lanes * s.width);
      port(d, m, "act_data_i", s.lanes * s.width);
      port(d, m, "act_psum_i", s.acc_width);
      port(d, m, "res_data_o", s.acc_width);
      expect(m, "RowsPerLane", param(m, "RowsPerLane"), exact ? 1 : s.rows_per_lane());
    } else if (o == "qsq_grid") {
      qsq::Shape s{static_cast<int>(param(m, "Width")), static_cast<int>(param(m, "Lanes")),
                   static_cast<int>(param(m, "CodeBits")), static_cast<int>(param(m, "AccWidth"))};
      s.rows = static_cast<int>(param(m, "Rows"));
      s.slots = static_cast<int>(param(m, "Slots"));
      expect(m, "grid shape within the limits", s.valid() && s.grid(), true);
      typed_port(d, m, "cfg_q_i", "q_t", c::kQBits);
      typed_port(d, m, "cfg_p_i", "p_t", c::kPBits);
      typed_port(d, m, "cfg_codebook_i", "codebook_t", c::kCodebookBits);
      port(d, m, "wld_codes_i", s.lanes * s.code_bits);
      port(d, m, "wld_scale_i", s.width - 1);
      port(d, m, "wld_plain_i", s.lanes * s.width);
      port(d, m, "wld_rows_on_i", s.rows);
      port(d, m, "act_data_i", s.lanes * s.width);
      port(d, m, "res_data_o", s.rows * s.acc_width);
      port(d, m, "res_rows_o", s.rows);
    } else if (o == "qsq_grid_row") {
      const int w = static_cast<int>(param(m, "Width"));
      const long long lanes = param(m, "Lanes"), group = param(m, "GroupLanes");
      // The row adds its constant once (none with exact products), in its first lane group, and its
      // accumulator after the groups; its lanes fill ceil(N / GroupLanes) groups.
      expect(m, "SideInputs (the row constant)", param(m, "SideInputs"), exact_or(m, 0, 1));
      expect(m, "Groups (ceil(Lanes / GroupLanes))", param(m, "Groups"), (lanes + group - 1) / group);
      expect(m, "Digits (the digit list of a serial lane, Qmax(W))", param(m, "Digits"), c::qmax(w));
      port(d, m, "res_o", param(m, "AccWidth"));
    } else if (o == "qsq_lane_group") {
      const int w = static_cast<int>(param(m, "Width"));
      const long long lanes = param(m, "Lanes"), side = param(m, "SideInputs");
      // Tree inputs: the group's pair rows (Qmax(W) per lane; one per lane when digit-serial, or one
      // product), in the row's first group the row constant, and with the signed floor instrument
      // the group's count of negative-weight lanes (their +1s).
      const bool serial = param(m, "Serial") != 0 && param(m, "ExactLane") == 0;
      const bool signed_bound = param(m, "ExactLane") != 0 && param(m, "BoundLane") != 0 && param(m, "SignedBound") != 0;
      const long long rows = exact_or(m, 1, serial ? 1 : c::qmax(w));
      expect(m, "RowsPerLane", param(m, "RowsPerLane"), rows);
      expect(m, "SideInputs (none, or the row's constant)", side == 0 || side == exact_or(m, 0, 1), true);
      expect(m, "TreeInputs", param(m, "TreeInputs"), lanes * rows + side + (signed_bound ? 1 : 0));
      port(d, m, "sum_o", param(m, "AccWidth"));
      port(d, m, "carry_o", param(m, "AccWidth"));
    } else if (o == "qsq_digit_list") {
      const int w = static_cast<int>(param(m, "Width"));
      expect(m, "Digits (Qmax(W))", param(m, "Digits"), c::qmax(w));
      port(d, m, "valid_o", c::qmax(w));
      port(d, m, "neg_o", c::qmax(w));
    } else if (o == "qsq_serial_lane") {
      port(d, m, "row_o", param(m, "SumWidth"));
    } else if (o == "qsq_array_lane") {
      const int w = static_cast<int>(param(m, "Width"));
      const long long rows = exact_or(m, 1, c::qmax(w));
      expect(m, "Rows", param(m, "Rows"), rows);
      port(d, m, "rows_o", rows * param(m, "SumWidth"));
    } else if (o == "qsq_pp_rows") {
      const int w = static_cast<int>(param(m, "Width"));
      expect(m, "Pairs (rows, Qmax(W))", param(m, "Pairs"), c::qmax(w));
      port(d, m, "rows_o", c::qmax(w) * param(m, "SumWidth"));
    } else if (o == "qsq_csd_recoder") {
      typed_port(d, m, "q_i", "q_t", c::kQBits);
      typed_port(d, m, "p_i", "p_t", c::kPBits);
      expect(m, "PBits (digit counter)", param(m, "PBits"), c::kPBits);
    } else if (o == "qsq_decoder") {
      typed_port(d, m, "codebook_i", "codebook_t", c::kCodebookBits);
      port(d, m, "codes_i", param(m, "Lanes") * param(m, "CodeBits"));
      port(d, m, "scale_i", param(m, "Width") - 1);
    } else if (o == "qsq_lane") {
      const int w = static_cast<int>(param(m, "Width"));
      expect(m, "width within the limits", w >= qsq::limits::kWidthMin && w <= qsq::limits::kWidthMax, true);
      typed_port(d, m, "q_i", "q_t", c::kQBits);
      typed_port(d, m, "p_i", "p_t", c::kPBits);
      port(d, m, "prod_o", 2 * w);
      expect(m, "Rows (Qmax(W) pairs + the constant)", param(m, "Rows"), c::qmax(w) + 1);
    } else if (o == "qsq_contract_probe") {
      probe(m);
    } else {
      return;
    }
    seen.insert(o);
  }

  // qsq_pkg's values, which the probe exposes as its parameters.
  void probe(const Module& m) {
    namespace c = qsq::contract;
    const int w = static_cast<int>(param(m, "QmaxWidth"));
    expect(m, "`QSQ_QMAX(" + std::to_string(w) + ")", param(m, "Qmax"), c::qmax(w));
    expect(m, "QBits", param(m, "QBits"), c::kQBits);
    expect(m, "PBits", param(m, "PBits"), c::kPBits);
    expect(m, "CodebookBits", param(m, "CodebookBits"), c::kCodebookBits);
    for (int i = 0; i < qsq::kNumCodebooks; ++i) {
      std::string n = qsq::kCodebookNames[i];
      n[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(n[0])));
      expect(m, "Codebook" + n, param(m, "Codebook" + n), i);
    }
    for (const auto& p : qsq::presets::kAll) {
      // The generator's identifier of a preset: "grid-small" -> "GridSmall", "default" -> "".
      std::string pre;
      bool up = true;
      for (const char* ch = p.name; *ch; ++ch) {
        if (*ch == '-') { up = true; continue; }
        pre += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(*ch))) : *ch;
        up = false;
      }
      if (pre == "Default") pre.clear();
      expect(m, pre + "Width", param(m, pre + "Width"), p.width);
      expect(m, pre + "Lanes", param(m, pre + "Lanes"), p.lanes);
      expect(m, pre + "CodeBits", param(m, pre + "CodeBits"), p.code_bits);
      expect(m, pre + "AccWidth", param(m, pre + "AccWidth"), p.acc_width);
      expect(m, pre + "Rows", param(m, pre + "Rows"), p.rows);
      expect(m, pre + "Slots", param(m, pre + "Slots"), p.slots);
    }
    namespace l = qsq::limits;
    const std::pair<const char*, int> lim[] = {{"WidthMin", l::kWidthMin},       {"WidthMax", l::kWidthMax},
                                               {"CodeBitsMin", l::kCodeBitsMin}, {"CodeBitsMax", l::kCodeBitsMax},
                                               {"AccWidthMin", l::kAccWidthMin}, {"AccWidthMax", l::kAccWidthMax},
                                               {"LanesMin", l::kLanesMin},       {"LanesMax", l::kLanesMax},
                                               {"RowsMin", l::kRowsMin},         {"RowsMax", l::kRowsMax},
                                               {"SlotsMin", l::kSlotsMin},       {"SlotsMax", l::kSlotsMax}};
    for (const auto& [n, v] : lim) expect(m, n, param(m, n), v);
  }

 private:
  long long exact_or(const Module& m, long long exact, long long csd) { return param(m, "ExactLane") ? exact : csd; }
};

}  // namespace

int main(int argc, char* argv[]) {
  if (argc < 2) {
    std::cerr << "usage: qsq_rtl_contract_check FILE.xml...   (verilator --xml-only output)\n";
    return 2;
  }
  int failures = 0;
  for (int i = 1; i < argc; ++i) {
    Design d;
    try {
      d = parse(argv[i]);
    } catch (const std::exception& e) {
      std::cerr << "qsq_rtl_contract_check: " << e.what() << "\n";
      return 2;
    }
    Checker c;
    std::string top;
    bool exact = false, serial = false;
    for (const auto& m : d.modules) {
      if (m.top) {
        top = m.orig;
        auto it = m.vars.find("ExactLane");
        exact = it != m.vars.end() && it->second.value && *it->second.value != 0;
        auto sit = m.vars.find("Serial");
        serial = sit != m.vars.end() && sit->second.value && *sit->second.value != 0;
      }
      c.module(d, m);
    }
    // Every module that carries a part of the contract must have been elaborated and checked.
    std::vector<std::string> need;
    if (top == "qsq_array") need = exact ? std::vector<std::string>{"qsq_array", "qsq_array_lane", "qsq_decoder"}
                                         : std::vector<std::string>{"qsq_array", "qsq_array_lane", "qsq_decoder",
                                                                    "qsq_csd_recoder", "qsq_pp_rows"};
    else if (top == "qsq_lane") need = exact ? std::vector<std::string>{"qsq_lane"}
                                             : std::vector<std::string>{"qsq_lane", "qsq_csd_recoder", "qsq_pp_rows"};
    else if (top == "qsq_grid") {
      need = {"qsq_grid", "qsq_grid_row", "qsq_lane_group", "qsq_decoder"};
      if (!exact) {
        need.push_back("qsq_csd_recoder");
        if (serial) need.insert(need.end(), {"qsq_digit_list", "qsq_serial_lane"});
        else need.push_back("qsq_pp_rows");
      }
    }
    else if (top == "qsq_contract_probe") need = {"qsq_contract_probe"};
    else {
      std::cout << argv[i] << ": unexpected top module '" << top << "'\n";
      ++c.failures;
    }
    for (const auto& n : need)
      if (!c.seen.count(n)) {
        std::cout << "  " << n << " was not found in the elaborated design\n";
        ++c.failures;
      }
    std::cout << argv[i] << ": top " << top << ", " << c.checks << " checks, " << c.failures
              << (c.failures ? " DISAGREE with the contract\n" : " disagreements\n");
    failures += c.failures;
  }
  return failures == 0 ? 0 : 1;
}
