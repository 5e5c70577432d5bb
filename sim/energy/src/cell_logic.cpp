// Liberty Boolean expressions to truth tables: a recursive-descent parser that evaluates the
// expression for every assignment of its variables at once, each variable being a bit vector
// over all assignments (so `A B + C` is three vector operations, not 2^n parses).
#include "qsq/energy/cell_logic.hpp"

#include <cctype>

#include "qsq/error.hpp"

namespace qsq::energy {

namespace {

using Bits = std::vector<std::uint64_t>;

class ExprParser {
 public:
  ExprParser(const std::string& e, const std::vector<std::string>& vars) : e_(e), vars_(vars) {
    n_ = std::size_t{1} << vars.size();
    words_ = (n_ + 63) / 64;
  }

  Bits parse() {
    Bits v = or_expr();
    skip();
    if (i_ != e_.size()) fail("unexpected '" + std::string(1, e_[i_]) + "'");
    return v;
  }

 private:
  const std::string& e_;
  const std::vector<std::string>& vars_;
  std::size_t i_ = 0, n_ = 0, words_ = 0;

  [[noreturn]] void fail(const std::string& what) const {
    throw Error("liberty expression \"" + e_ + "\" at " + std::to_string(i_ + 1) + ": " + what);
  }
  void skip() {
    while (i_ < e_.size() && std::isspace(static_cast<unsigned char>(e_[i_]))) ++i_;
  }
  Bits constant(bool one) const {
    Bits b(words_, one ? ~std::uint64_t{0} : 0);
    return b;
  }
  Bits variable(std::size_t k) const {
    Bits b(words_, 0);
    for (std::size_t x = 0; x < n_; ++x)
      if ((x >> k) & 1U) b[x >> 6] |= std::uint64_t{1} << (x & 63);
    return b;
  }
  static void apply(Bits& a, const Bits& b, char op) {
    for (std::size_t w = 0; w < a.size(); ++w) a[w] = op == '&' ? (a[w] & b[w]) : op == '|' ? (a[w] | b[w]) : (a[w] ^ b[w]);
  }
  static void invert(Bits& a) {
    for (auto& w : a) w = ~w;
  }

  Bits or_expr() {
    Bits v = and_expr();
    for (;;) {
      skip();
      if (i_ < e_.size() && (e_[i_] == '+' || e_[i_] == '|')) {
        ++i_;
        apply(v, and_expr(), '|');
      } else {
        return v;
      }
    }
  }
  // AND: '&', '*' or two operands side by side (a space, or "A(B)").
  Bits and_expr() {
    Bits v = xor_expr();
    for (;;) {
      skip();
      if (i_ >= e_.size()) return v;
      const char c = e_[i_];
      if (c == '&' || c == '*') {
        ++i_;
        apply(v, xor_expr(), '&');
      } else if (c == '(' || c == '!' || std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
        apply(v, xor_expr(), '&');
      } else {
        return v;
      }
    }
  }
  Bits xor_expr() {
    Bits v = unary();
    for (;;) {
      skip();
      if (i_ < e_.size() && e_[i_] == '^') {
        ++i_;
        apply(v, unary(), '^');
      } else {
        return v;
      }
    }
  }
  Bits unary() {
    skip();
    if (i_ < e_.size() && e_[i_] == '!') {
      ++i_;
      Bits v = unary();
      invert(v);
      return v;
    }
    Bits v = primary();
    for (;;) {
      skip();
      if (i_ < e_.size() && e_[i_] == '\'') {
        ++i_;
        invert(v);
      } else {
        return v;
      }
    }
  }
  Bits primary() {
    skip();
    if (i_ >= e_.size()) fail("unexpected end");
    if (e_[i_] == '(') {
      ++i_;
      Bits v = or_expr();
      skip();
      if (i_ >= e_.size() || e_[i_] != ')') fail("expected ')'");
      ++i_;
      return v;
    }
    std::size_t b = i_;
    while (i_ < e_.size() && (std::isalnum(static_cast<unsigned char>(e_[i_])) || e_[i_] == '_' || e_[i_] == '[' || e_[i_] == ']'))
      ++i_;
    if (b == i_) fail("expected a name, 0, 1 or '('");
    const std::string name = e_.substr(b, i_ - b);
    if (name == "0" || name == "1") return constant(name == "1");
    for (std::size_t k = 0; k < vars_.size(); ++k)
      if (vars_[k] == name) return variable(k);
    i_ = b;
    fail("unknown name '" + name + "'");
  }
};

int state_value(const std::string& v, bool is_state_n, const std::string& cell) {
  // Liberty: L = 0, H = 1, N = no change, T = toggle, X = unknown. The simulator is two-state:
  // only L and H are modelled (the OSU cells use L).
  if (v.empty() || v == "L") return 0;
  if (v == "H") return 1;
  (void)is_state_n;
  throw Error("cell " + cell + ": clear_preset_var \"" + v + "\" is not modelled (L or H expected)");
}

}  // namespace

TruthTable compile_expression(const std::string& expr, const std::vector<std::string>& vars) {
  if (vars.size() > 16) throw Error("liberty expression \"" + expr + "\": more than 16 variables");
  TruthTable t;
  t.bits = ExprParser(expr, vars).parse();
  // Bits past 2^n in the last word are don't-care; clear them so tables compare equal.
  const std::size_t n = std::size_t{1} << vars.size();
  if (n < 64) t.bits[0] &= (std::uint64_t{1} << n) - 1;
  return t;
}

int CellLogic::input_index(const std::string& pin) const {
  for (std::size_t k = 0; k < inputs.size(); ++k)
    if (inputs[k] == pin) return static_cast<int>(k);
  return -1;
}

CellLogic compile_cell(const LibCell& cell) {
  CellLogic c;
  c.cell = cell.name;
  for (const auto& [name, pin] : cell.pins)
    if (pin.dir == LibPin::Dir::input) c.inputs.push_back(name);
  if (c.inputs.size() > 14) throw Error("cell " + cell.name + ": more than 14 inputs");
  std::vector<std::string> vars = c.inputs;
  c.sequential = cell.sequential;
  c.latch = cell.latch;
  if (cell.sequential) {
    const LibSequential& q = cell.seq;
    auto table = [&](const std::string& e, const char* what) {
      if (e.empty()) return TruthTable{};
      try {
        return compile_expression(e, c.inputs);
      } catch (const Error& err) {
        throw Error("cell " + cell.name + " " + what + ": " + err.what());
      }
    };
    c.next = table(q.next, q.latch ? "data_in" : "next_state");
    c.clock = table(q.clock, q.latch ? "enable" : "clocked_on");
    if (c.next.empty() || c.clock.empty())
      throw Error("cell " + cell.name + ": the " + std::string(q.latch ? "latch" : "ff") + " group lacks " +
                  (q.latch ? "data_in or enable" : "next_state or clocked_on"));
    c.clear = table(q.clear, "clear");
    c.preset = table(q.preset, "preset");
    c.both_state = state_value(q.clear_preset_var1, false, cell.name);
    c.both_state_n = state_value(q.clear_preset_var2, true, cell.name);
    vars.push_back(q.state);
    vars.push_back(q.state_n.empty() ? q.state + "_n" : q.state_n);
  }
  for (const auto& [name, pin] : cell.pins) {
    if (pin.dir != LibPin::Dir::output) continue;
    if (pin.function.empty()) throw Error("cell " + cell.name + ": output " + name + " has no function (tri-state and black-box outputs are not simulated)");
    try {
      c.outputs.push_back({name, compile_expression(pin.function, vars)});
    } catch (const Error& err) {
      throw Error("cell " + cell.name + " pin " + name + ": " + err.what());
    }
  }
  return c;
}

}  // namespace qsq::energy
