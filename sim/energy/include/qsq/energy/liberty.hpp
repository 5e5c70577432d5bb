// Description: the part of a Liberty (.lib) standard-cell library the energy flow needs: cell
// areas and leakage, pin directions and capacitances, internal-power tables (input pins and
// output pins with their related pin) and output transition tables, with bilinear table lookup.
// Units are the library's own (OSU 0.18 um: ns, pF, V, nW; energies in pF*V^2 = pJ).
// Usage:
//   qsq::energy::Liberty lib = qsq::energy::read_liberty("/usr/share/qflow/tech/osu018/osu018_stdcells.lib");
//   const auto& nand = lib.cell("NAND2X1");   double ge = nand.area;
//   double e = nand.pin("Y").internal[0].energy(/*load_pf=*/0.02, /*slew_ns=*/0.1);
#pragma once
#include <map>
#include <string>
#include <vector>

namespace qsq::energy {

// A lookup table of up to two axes: index_1 is load capacitance for 2-D tables and input
// transition for 1-D tables (the OSU templates; read_liberty checks the template variables).
struct Table {
  std::vector<double> index1, index2, values;  // values row-major [i1][i2]
  bool empty() const { return values.empty(); }
  // Bilinear interpolation, linear extrapolation outside the axes (as STA tools do).
  double lookup(double x1, double x2 = 0.0) const;
};

struct InternalPower {
  std::string related_pin;  // empty for input-pin (passive) power
  Table rise, fall;         // energy per rising / falling transition of the pin
  // Mean of the rise and fall energy at (load, slew): energy per toggle.
  double energy(double load_pf, double slew_ns) const;
};

struct Transition {
  std::string related_pin;
  Table rise, fall;  // output transition time (load, input slew)
};

// One timing group of an output pin, as the Icarus check needs it: which input it times and its
// timing_type ("" for combinational arcs; "rising_edge", "clear", "setup_rising", ...).
struct TimingArc {
  std::string related_pin;
  std::string timing_type;
  // A delay arc (input to this output), not a setup/hold/recovery/removal/width check.
  bool is_delay() const;
};

struct LibPin {
  std::string name;
  enum class Dir { input, output, internal } dir = Dir::input;
  double capacitance = 0;  // pF
  bool is_clock = false;
  std::vector<InternalPower> internal;
  std::vector<Transition> transitions;
  std::vector<TimingArc> timing;  // every timing group, one entry per related pin
  std::string function;  // Boolean function of an output pin (Liberty syntax), empty if none
};

// The state group of a sequential cell: ff (edge-triggered) or latch (level-sensitive), the
// names of its two state variables and the Boolean expressions that drive them.
struct LibSequential {
  bool latch = false;
  std::string state, state_n;   // e.g. "DS0000", "P0002"
  std::string next;             // ff: next_state; latch: data_in
  std::string clock;            // ff: clocked_on; latch: enable
  std::string clear, preset;    // asynchronous, empty if absent
  std::string clear_preset_var1, clear_preset_var2;  // state when both are active: L, H, N, T, X
};

struct LibCell {
  std::string name;
  double area = 0;     // um^2
  double leakage = 0;  // nW
  bool sequential = false;  // has an ff or latch group
  bool latch = false;
  LibSequential seq;        // valid when sequential
  std::map<std::string, LibPin> pins;
  const LibPin& pin(const std::string& n) const;  // throws Error if missing
};

struct Liberty {
  std::string name;
  std::string path;
  double voltage = 0;  // nominal supply (V)
  std::map<std::string, LibCell> cells;
  const LibCell& cell(const std::string& n) const;  // throws Error if missing
  const LibCell* find(const std::string& n) const;
};

Liberty read_liberty(const std::string& path);  // throws qsq::Error with file and line on bad input
Liberty parse_liberty(const std::string& text, const std::string& path_for_errors);

}  // namespace qsq::energy
