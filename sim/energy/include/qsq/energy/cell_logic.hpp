// Description: the logic of a standard cell compiled from its liberty description, for the
// timed gate-level simulator: every Boolean expression (output `function`s, and the ff / latch
// group's next_state or data_in, clocked_on or enable, clear, preset) becomes a truth table over
// the cell's input pins followed by its two state variables. Liberty expression syntax: `!` and
// postfix `'` (not), `^` (xor), `&`, `*` or juxtaposition (and), `+` or `|` (or), parentheses,
// 0 and 1; that is also the precedence order, highest first.
// Usage:
//   qsq::energy::CellLogic c = qsq::energy::compile_cell(lib.cell("AOI21X1"));
//   std::uint32_t in = 0b011;                 // A = 1, B = 1, C = 0 (bit k = c.inputs[k])
//   bool y = c.outputs[0].eval(in);           // !((A B) + C) = 0
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "qsq/energy/liberty.hpp"

namespace qsq::energy {

// A Boolean function of up to 16 variables as a bit table: bit k of `bits` is f(k).
struct TruthTable {
  std::vector<std::uint64_t> bits;
  bool eval(std::uint32_t index) const { return (bits[index >> 6] >> (index & 63)) & 1U; }
  bool empty() const { return bits.empty(); }
};

// Compiles one expression over `vars` (variable k is bit k of the index). Throws Error naming
// the expression and the position of a syntax error or an unknown variable.
TruthTable compile_expression(const std::string& expr, const std::vector<std::string>& vars);

struct CellLogic {
  std::string cell;
  std::vector<std::string> inputs;  // input pins, in index order
  struct Output {
    std::string pin;
    TruthTable f;                   // over inputs, then state (bit n) and state_n (bit n + 1)
    bool eval(std::uint32_t index) const { return f.eval(index); }
  };
  std::vector<Output> outputs;
  bool sequential = false, latch = false;
  TruthTable next, clock, clear, preset;  // over the inputs only; clear / preset empty if absent
  // State (state, state_n) when clear and preset are both active: -1 = clear wins (state 0,
  // state_n 1), 1 = preset wins, 0 = both 0 (Liberty's "L" on both vars) and so on.
  int both_state = 0, both_state_n = 0;  // values 0 or 1 of the two variables in that case
  int input_index(const std::string& pin) const;  // -1 if not an input
};

// Throws Error naming the cell for what the simulator cannot model (tri-state outputs, more than
// 14 inputs, an output without a function).
CellLogic compile_cell(const LibCell& cell);

}  // namespace qsq::energy
