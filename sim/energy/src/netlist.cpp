// Reader of Yosys's structural Verilog output. It accepts exactly the constructs that
// `write_verilog -noattr -noexpr` emits for a flat, bit-split netlist and rejects the rest with
// a message, so a surprise in the synthesis output is caught here rather than mis-measured.
#include "qsq/energy/netlist.hpp"

#include <cctype>
#include <numeric>
#include <sstream>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"

namespace qsq::energy {

namespace {

struct Tok {
  std::string s;
  int line;
};

std::vector<Tok> tokenize(const std::string& t, const std::string& path) {
  std::vector<Tok> out;
  int line = 1;
  size_t i = 0;
  while (i < t.size()) {
    char c = t[i];
    if (c == '\n') { ++line; ++i; continue; }
    if (std::isspace(static_cast<unsigned char>(c))) { ++i; continue; }
    if (c == '/' && i + 1 < t.size() && t[i + 1] == '*') {
      size_t e = t.find("*/", i + 2);
      if (e == std::string::npos) throw Error(path + ":" + std::to_string(line) + ": unterminated comment");
      for (size_t k = i; k < e; ++k) line += t[k] == '\n';
      i = e + 2;
      continue;
    }
    if (c == '/' && i + 1 < t.size() && t[i + 1] == '/') {
      while (i < t.size() && t[i] != '\n') ++i;
      continue;
    }
    if (c == '(' && i + 1 < t.size() && t[i + 1] == '*') {  // attribute: skip
      size_t e = t.find("*)", i + 2);
      if (e == std::string::npos) throw Error(path + ":" + std::to_string(line) + ": unterminated attribute");
      i = e + 2;
      continue;
    }
    if (c == '\\') {  // escaped identifier: up to white space
      size_t b = ++i;
      while (i < t.size() && !std::isspace(static_cast<unsigned char>(t[i]))) ++i;
      out.push_back({t.substr(b, i - b), line});
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '\'') {
      size_t b = i;
      while (i < t.size() && (std::isalnum(static_cast<unsigned char>(t[i])) || t[i] == '_' || t[i] == '$' || t[i] == '\''))
        ++i;
      out.push_back({t.substr(b, i - b), line});
      continue;
    }
    out.push_back({std::string(1, c), line});
    ++i;
  }
  return out;
}

class Reader {
 public:
  Reader(std::vector<Tok> toks, std::string path) : t_(std::move(toks)), path_(std::move(path)) {}

  Netlist read() {
    while (!at_end() && peek() != "module") ++k_;
    if (at_end()) fail("no module in netlist");
    next();
    n_.module = next();
    if (peek() == "(") {  // port list: names only (directions come from declarations)
      while (!at_end() && next() != ")") {
      }
    }
    expect(";");
    while (!at_end() && peek() != "endmodule") statement();
    if (at_end()) fail("missing endmodule");
    next();
    while (!at_end()) {
      if (next() == "module") fail("more than one module: flatten the design before writing it");
    }
    finish();
    return std::move(n_);
  }

 private:
  std::vector<Tok> t_;
  std::string path_;
  size_t k_ = 0;
  Netlist n_;
  std::vector<int> parent_;  // union-find over net ids (assign aliases)
  std::map<std::string, std::pair<int, int>> vectors_;  // declared vector -> (msb, lsb)
  std::vector<std::pair<std::string, std::string>> aliases_;

  bool at_end() const { return k_ >= t_.size(); }
  const std::string& peek() const {
    static const std::string eof;
    return at_end() ? eof : t_[k_].s;
  }
  std::string next() {
    if (at_end()) fail("unexpected end of netlist");
    return t_[k_++].s;
  }
  [[noreturn]] void fail(const std::string& what) const {
    int line = at_end() ? (t_.empty() ? 0 : t_.back().line) : t_[k_].line;
    throw Error(path_ + ":" + std::to_string(line) + ": netlist: " + what);
  }
  void expect(const std::string& s) {
    if (peek() != s) fail("expected '" + s + "' but found '" + peek() + "'");
    ++k_;
  }

  int net(const std::string& name) {
    auto it = n_.net_ids.find(name);
    if (it != n_.net_ids.end()) return it->second;
    int id = static_cast<int>(n_.net_names.size());
    n_.net_names.push_back(name);
    n_.net_ids.emplace(name, id);
    parent_.push_back(id);
    return id;
  }

  // [msb:lsb] if present
  bool range(int& msb, int& lsb) {
    if (peek() != "[") return false;
    next();
    msb = std::stoi(next());
    expect(":");
    lsb = std::stoi(next());
    expect("]");
    return true;
  }

  void declare_bits(const std::string& name, bool vec, int msb, int lsb) {
    if (!vec) {
      net(name);
      return;
    }
    vectors_[name] = {msb, lsb};
    int step = msb >= lsb ? -1 : 1;
    for (int b = msb;; b += step) {
      net(name + "[" + std::to_string(b) + "]");
      if (b == lsb) break;
    }
  }

  // One bit reference: name, name[idx], or a constant.
  std::string bit_ref() {
    std::string s = next();
    if (s.find('\'') != std::string::npos) {  // 1'h0, 1'b1
      char v = s.back();
      if (s.substr(0, 2) != "1'" || (v != '0' && v != '1'))
        fail("unsupported constant '" + s + "' (only 1-bit constants)");
      return v == '1' ? "1'b1" : "1'b0";
    }
    if (s == "{") fail("concatenation in a connection: synthesize with splitnets and -noexpr");
    if (peek() == "[") {
      next();
      std::string idx = next();
      if (peek() == ":") fail("part-select in a connection: synthesize with splitnets");
      expect("]");
      return s + "[" + idx + "]";
    }
    if (vectors_.count(s)) {
      auto [m, l] = vectors_[s];
      if (m != l) fail("whole vector '" + s + "' used as a 1-bit connection");
      return s + "[" + std::to_string(m) + "]";
    }
    return s;
  }

  // The bits (msb first) of an expression on either side of an assign.
  std::vector<std::string> bits() {
    std::vector<std::string> out;
    if (peek() == "{") {
      next();
      while (true) {
        auto part = bits();
        out.insert(out.end(), part.begin(), part.end());
        if (peek() == ",") { next(); continue; }
        expect("}");
        return out;
      }
    }
    std::string s = next();
    if (auto q = s.find('\''); q != std::string::npos) {  // sized constant: 2'h0, 4'b1010, 8'd3
      const int width = std::stoi(s.substr(0, q));
      const char base = static_cast<char>(std::tolower(static_cast<unsigned char>(s[q + 1])));
      const std::string digits = s.substr(q + 2);
      unsigned long long v = 0;
      try {
        v = std::stoull(digits, nullptr, base == 'h' ? 16 : base == 'b' ? 2 : base == 'o' ? 8 : 10);
      } catch (const std::exception&) {
        fail("unsupported constant '" + s + "'");
      }
      for (int b = width - 1; b >= 0; --b) out.push_back(((v >> b) & 1u) ? "1'b1" : "1'b0");
      return out;
    }
    auto range_bits = [&](const std::string& name, int m, int l) {
      int step = m >= l ? -1 : 1;
      for (int b = m;; b += step) {
        out.push_back(name + "[" + std::to_string(b) + "]");
        if (b == l) break;
      }
    };
    if (peek() == "[") {
      next();
      int m = std::stoi(next());
      if (peek() == ":") {
        next();
        int l = std::stoi(next());
        expect("]");
        range_bits(s, m, l);
      } else {
        expect("]");
        out.push_back(s + "[" + std::to_string(m) + "]");
      }
      return out;
    }
    if (vectors_.count(s)) {
      auto [m, l] = vectors_[s];
      range_bits(s, m, l);
      return out;
    }
    out.push_back(s);
    return out;
  }

  void statement() {
    const std::string kw = next();
    if (kw == "input" || kw == "output" || kw == "inout" || kw == "wire") {
      if (peek() == "signed") next();
      int msb = 0, lsb = 0;
      bool vec = range(msb, lsb);
      std::vector<std::string> names{next()};
      while (peek() == ",") {
        next();
        names.push_back(next());
      }
      expect(";");
      for (const auto& nm : names) {
        if (kw != "wire") {
          Port p;
          p.name = nm;
          p.dir = kw == "input" ? Port::Dir::input : kw == "output" ? Port::Dir::output : Port::Dir::inout;
          p.vector = vec;
          p.msb = msb;
          p.lsb = lsb;
          n_.ports.push_back(p);
        }
        if (!n_.net_ids.count(vec ? nm + "[" + std::to_string(msb) + "]" : nm)) declare_bits(nm, vec, msb, lsb);
      }
      return;
    }
    if (kw == "assign") {
      // Any mix of names, bit- and part-selects, sized constants and concatenations, bit by bit.
      std::vector<std::string> l = bits(), r;
      expect("=");
      r = bits();
      expect(";");
      if (l.size() != r.size())
        fail("assign of " + std::to_string(r.size()) + " bits to " + std::to_string(l.size()) + " bits");
      for (size_t i = 0; i < l.size(); ++i) aliases_.emplace_back(l[i], r[i]);
      return;
    }
    if (kw == "reg" || kw == "always" || kw == "initial")
      fail("behavioural construct '" + kw + "' in a gate-level netlist");
    // Cell instance: CELL NAME ( .PIN(net), ... );
    Instance inst;
    inst.cell = kw;
    if (peek() == "#") fail("parameterised instance of " + kw);
    inst.name = next();
    expect("(");
    while (peek() != ")") {
      expect(".");
      std::string pin = next();
      expect("(");
      if (peek() == ")") {  // unconnected
        next();
      } else {
        std::string r = bit_ref();
        expect(")");
        inst.pins.emplace_back(pin, net(r));
      }
      if (peek() == ",") next();
    }
    expect(")");
    expect(";");
    n_.instances.push_back(std::move(inst));
  }

  int find(int x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }

  void finish() {
    for (const auto& [a, b] : aliases_) {
      int x = find(net(a)), y = find(net(b));
      if (x == y) continue;
      // Prefer constants and then ports as representatives.
      auto rank = [&](int id) {
        const auto& nm = n_.net_names[id];
        if (nm == "1'b0" || nm == "1'b1") return 0;
        for (const auto& p : n_.ports)
          if (nm == p.name || nm.rfind(p.name + "[", 0) == 0) return 1;
        return 2;
      };
      if (rank(y) < rank(x)) std::swap(x, y);
      parent_[y] = x;
    }
    // Compact ids to representatives.
    std::vector<int> remap(n_.net_names.size(), -1);
    std::vector<std::string> names;
    for (size_t i = 0; i < n_.net_names.size(); ++i) {
      int r = find(static_cast<int>(i));
      if (remap[r] < 0) {
        remap[r] = static_cast<int>(names.size());
        names.push_back(n_.net_names[r]);
      }
    }
    for (auto& [nm, id] : n_.net_ids) id = remap[find(id)];
    for (auto& inst : n_.instances)
      for (auto& pc : inst.pins) pc.second = remap[find(pc.second)];
    n_.net_names = std::move(names);
    n_.const0 = n_.find_net("1'b0");
    n_.const1 = n_.find_net("1'b1");
  }
};

}  // namespace

int Netlist::find_net(const std::string& bit_name) const {
  auto it = net_ids.find(bit_name);
  return it == net_ids.end() ? -1 : it->second;
}

Netlist parse_netlist(const std::string& text, const std::string& path) {
  return Reader(tokenize(text, path), path).read();
}

Netlist read_netlist(const std::string& path) { return parse_netlist(flow::read_file(path), path); }

}  // namespace qsq::energy
