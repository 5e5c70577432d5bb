// Description: toggle-count based energy of a gate-level netlist, evaluated on the liberty's own
// tables (the 2019 OpenSTA build cannot take per-pin activities: docs/energy.md shows why).
// Per net: switching = C_net * V^2 / 2 per toggle, C_net = sum of the input-pin capacitances it
// drives (no wire load model in OSU 0.18 um). Per pin: input-pin internal energy (clock and data
// pins of flops and latches) per toggle of its net at the net's slew; output-pin internal energy
// per output toggle at (load, related-pin slew), related pins weighted by their own toggles.
// Leakage: cell leakage x time. Slews come from the liberty transition tables, iterated to a
// fixed point from a nominal primary-input slew; clock nets are ideal (the nominal slew, as STA
// assumes before clock-tree synthesis) and energy tables are not extrapolated beyond their
// characterised range. Every net is counted, the clock port's net and
// the input buses included (the load the block presents to its drivers).
// Usage:
//   qsq::energy::PowerModel pm(netlist, liberty);
//   qsq::energy::Energy e = pm.evaluate(toggles_per_net, cycles, /*period_ns=*/10.0);
//   double pj = e.total();
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "qsq/energy/liberty.hpp"
#include "qsq/energy/netlist.hpp"

namespace qsq::energy {

// Energies in pJ over the whole measured interval.
struct Energy {
  double internal = 0, switching = 0, leakage = 0;
  double clock_flops = 0;  // sequential cells, clock gates and every clock net
  double logic = 0;        // everything else
  double gated_clock = 0;  // part of clock_flops: gated clock nets and the clock pins they drive
  double port_switching = 0;  // part of switching: nets driven by the input ports (clock port included)
  double total() const { return internal + switching + leakage; }
};

// Classes of nets and cells the report needs.
struct NetInfo {
  double load_pf = 0;   // sum of driven input-pin capacitances
  double slew_ns = 0;   // transition time
  int driver_inst = -1; // -1: a primary input or a constant
  std::string driver_pin;
  bool clock = false;        // drives a clock pin of a flop or latch, or is the clock port
  bool gated_clock = false;  // a clock net driven by a cell (a clock gate), not by the port
};

class PowerModel {
 public:
  PowerModel(const Netlist& n, const Liberty& lib, const std::string& clock_port = "clk_i",
             double input_slew_ns = 0.1);

  // toggles[i] = value changes of net i over `cycles` clock cycles of `period_ns`.
  Energy evaluate(const std::vector<std::uint64_t>& toggles, std::uint64_t cycles, double period_ns) const;

  const std::vector<NetInfo>& nets() const { return nets_; }
  std::vector<int> gated_clock_nets() const;
  double voltage() const { return voltage_; }
  // Energy (pJ) of one pin's internal power over the interval (input pins; 0 for pins without tables).
  double pin_internal(int inst, const std::string& pin, const std::vector<std::uint64_t>& toggles) const;
  // Energy (pJ) attributed to each net: its switching energy, the internal energy of the input
  // pins it drives and of the output pin that drives it (the evidence behind a report).
  std::vector<double> per_net_energy(const std::vector<std::uint64_t>& toggles) const;
  // Switching energy (pJ) of one net over the interval.
  double net_switching(int net, const std::vector<std::uint64_t>& toggles) const;
  // Energy (pJ) one cell costs over the interval: the internal energy of all its pins and the
  // switching share of its input-pin capacitance on the nets that feed it (leakage aside). Summed
  // over a set of cells: what the design would not pay if those cells were free while every other
  // cell saw the same activity (the free-lane floor, energy_flow.cpp).
  double cell_energy(int inst, const std::vector<std::uint64_t>& toggles) const;

 private:
  struct PinEnergy {
    std::string pin;
    int net;
    bool output;
    double per_toggle;                                    // input pins: energy per toggle of `net`
    std::vector<std::pair<int, double>> related;          // output pins: (related net, energy per output toggle)
  };
  // Internal energy (pJ) of an output pin over the interval.
  double output_pin_energy(const PinEnergy& pe, const std::vector<std::uint64_t>& toggles) const;
  const Netlist& n_;
  std::vector<NetInfo> nets_;
  std::vector<bool> clock_cell_;
  std::vector<double> leak_nw_;
  std::vector<std::vector<PinEnergy>> pins_;  // per instance
  std::vector<std::vector<std::pair<int, double>>> in_caps_;  // per instance: (input net, pin capacitance pF)
  double voltage_;
};

// Maps counted toggles (coverage names) onto netlist nets; `missing` receives names of nets that
// have no count (constants excluded). Aliased names are looked up too.
std::vector<std::uint64_t> toggles_per_net(const Netlist& n, const std::map<std::string, std::uint64_t>& counts,
                                           std::vector<std::string>* missing);

}  // namespace qsq::energy
