// Description: `qsq energy` as a library call: synthesizes qsq_array (or, for a grid shape,
// qsq_grid, with the digit-serial rows as a sixth variant and the signed bound, lanes passing a
// with the weight's sign, as a seventh) in five variants (qsq lanes gated / ungated, exact a*w
// lanes gated = the baseline, exact lanes ungated = the plain array, bound lanes = no multiplier
// at all, the floor under any lane datapath), simulates each
// gate-level netlist on one workload with every quality level in the same run, and turns the
// counted toggles into energy per MAC with the internal / switching / leakage and clock-and-flops /
// logic splits. Also: measuring any netlist + stimulus (used by compare-mult and the tests).
// Usage:
//   qsq::energy::EnergyOptions o;  o.workload = "stationary";  o.work = "out/work/energy";
//   qsq::energy::EnergyReport r = qsq::energy::run_energy(o);
//   std::cout << r.to_json().dump(2);
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qsq/energy/gatesim.hpp"
#include "qsq/energy/power.hpp"
#include "qsq/energy/sdf.hpp"
#include "qsq/energy/timed_sim.hpp"
#include "qsq/energy/stimulus.hpp"
#include "qsq/energy/synth.hpp"

namespace qsq::energy {

// Which gate-level simulation produced a figure: zero delay (Verilator, no glitches) or
// SDF-timed (the event simulator with OpenSTA's per-arc delays, inertial, glitches seen).
enum class Delays { zero, sdf };
const char* delays_name(Delays d);
Delays parse_delays(const std::string& s);  // "zero" or "sdf"; throws Error otherwise

// The caveat line of a report: names the simulation the figures come from.
std::string caveats(Delays d, PulseFilter f = PulseFilter::inertial);
const char* pulse_filter_name(PulseFilter f);
PulseFilter parse_pulse_filter(const std::string& s);  // "inertial" or "transport"
inline constexpr const char* kDelaySemantics =
    "inertial (Verilog specify-path semantics as in Icarus Verilog 11): a cell output follows its function after "
    "the delay of the arc whose input changed last; a pulse shorter than that delay is filtered";

// Net classes of the glitch split: the lanes (logic fed by one lane's operand registers), the
// tree, adders and control (logic that mixes lanes, the partial sum or the configuration),
// registers and clock (flop, latch and clock-gate outputs, clock nets) and the input ports.
enum class NetClass : std::uint8_t { lanes, tree_adders_control, registers_clock, input_ports, constant };
const char* net_class_name(NetClass c);
std::vector<NetClass> classify_nets(const Netlist& n, const Liberty& lib, const PowerModel& pm);
// The instances the digit-serial grid's synthesis named as lane cells (kLaneCellPrefix, synth.hpp),
// in netlist order; empty for every other netlist.
std::vector<int> lane_cells(const Netlist& n);

// Toggles and energy of one net class over a block.
struct ClassFigures {
  std::uint64_t toggles = 0, toggles_zero_delay = 0;
  double pj = 0, pj_zero_delay = 0;
};

// One measured interval (a stimulus block) of one netlist.
struct Measured {
  std::string block;
  Delays delays = Delays::zero;  // the simulation `energy`, `toggles` and `net_toggles` come from
  std::uint64_t cycles = 0, beats = 0, loads = 0, macs = 0, toggles = 0;
  Energy energy;            // pJ over the block
  std::vector<std::uint64_t> net_toggles;
  // With delays == sdf: the same block simulated at zero delay, and both per net class.
  std::uint64_t toggles_zero_delay = 0;
  Energy energy_zero_delay;
  std::vector<std::uint64_t> net_toggles_zero_delay;
  std::map<std::string, ClassFigures> classes;
  std::uint64_t events = 0;  // timed simulator events
  double timed_clock_ns = 0; // the clock of the timed simulation (longer than nominal when the netlist misses it)
  double pj_per_mac() const { return macs ? energy.total() / static_cast<double>(macs) : 0.0; }
  double pj_per_mac_zero_delay() const;  // = pj_per_mac() for a zero-delay measurement
  nlohmann::json to_json() const;  // per-MAC (or per-op) figures
};

struct MeasureSetup {
  std::string liberty;
  fs::path work;
  double clock_ns = 10.0;
  int ops_per_beat = 1;         // MACs per activation beat (lanes) or 1 for a multiplier
  fs::path saif_dir;            // non-empty: write one SAIF per block there
  Delays delays = Delays::zero; // sdf: the timed simulation too (and zero delay beside it)
  PulseFilter pulse_filter = PulseFilter::inertial;
  std::uint64_t macs_per_block = 0;  // > 0: the MACs of every block (the grid's), instead of beats x ops_per_beat
};

// The SDF the timed simulation uses: OpenSTA's for the netlist, with an ideal clock network (the
// cells driving clock nets switch with zero delay, as the STA assumed).
Sdf timed_sdf(const AsicResult& asic, const Netlist& net, const PowerModel& pm, const std::string& liberty,
              double clock_ns, const fs::path& work);

// The clock period the timed simulation of `asic` runs at: the nominal one when STA says the
// netlist meets it, else the period it needs, rounded up to whole ns (see energy_flow.cpp).
double timed_clock_ns(const AsicResult& asic, const std::string& liberty, double clock_ns, const fs::path& work);

// Simulates `asic` on `stimulus` and evaluates every block. Throws Error if any result mismatches.
std::vector<Measured> measure(const AsicResult& asic, DriverKind kind, const std::string& stimulus,
                              const MeasureSetup& setup, const std::string& run_name, GateSim* sim_info = nullptr);

struct EnergyOptions {
  std::string workload = "stationary";
  std::string trace;            // for workload "real"
  std::uint64_t seed = 1;
  std::uint64_t cycles = 10000; // per level
  double clock_ns = 10.0;
  std::string liberty;          // empty: OSU 0.18 um
  fs::path work = "out/work/energy";
  fs::path saif_dir;            // non-empty: SAIF per level of the gated qsq array
  Delays delays = Delays::zero;
  PulseFilter pulse_filter = PulseFilter::inertial;  // of the timed simulation
  ArrayShape shape;
  int breakdown = 0;            // > 0: per-net evidence (this many top nets) for q_mid and the baseline
  bool fanout_buffering = false; // synthesize every variant with ABC's buffering and sizing to clock_ns (Design::buffer_clock_ns)
};

struct LevelEnergy {
  Quality q;
  Measured gated, ungated;
};

struct EnergyReport {
  EnergyOptions options;
  std::string library;
  Measured baseline;  // exact lanes, same registers and gating
  Measured plain;     // exact lanes, no clock gating at all
  Measured bound;     // bound lanes (activation passed through, no multiplier): the floor of any lane datapath
  Measured signed_bound;  // a grid: lanes pass a with the weight's sign: the floor of lanes that keep the products' signs
  std::vector<LevelEnergy> levels;
  std::vector<Measured> serial;    // a grid shape: the digit-serial rows (gated), per level
  // A grid shape: the energy (pJ over the block) the digit-serial rows' lane cells cost at q = 1
  // (PowerModel::cell_energy); q = 1 without it is the free-lane floor of a one-digit level.
  double serial_lowest_lane_cells_pj = 0, serial_lowest_lane_cells_pj_zero_delay = 0;
  std::vector<AsicResult> areas;   // qsq gated, qsq ungated, baseline, plain, bound (, qsq serial, signed bound for a grid)
  nlohmann::json breakdown;        // when requested
  double seconds = 0;
  int sim_builds = 0;              // Verilator builds done in this run (0 when warm)
  nlohmann::json to_json() const;
};

EnergyReport run_energy(const EnergyOptions& o);

// The nets that cost the most energy in one measured block (name, driver cell, fanout, load, slew,
// toggles per cycle, pJ per MAC) and totals per net class; the evidence behind a goal.
nlohmann::json net_breakdown(const AsicResult& a, const Measured& m, const std::string& liberty, int top);

// The operand trace `qsq flow` writes with its default output directory: out/operands.trace.
fs::path default_trace();
// The grid trace it writes beside it (preset grid): out/operands-grid.trace.
fs::path default_grid_trace();
// Default workload: "real" when default_trace() exists (then *trace names it), else "stationary".
std::string default_workload(std::string* trace);

}  // namespace qsq::energy
