// Net classes for the glitch split of the energy report (energy_flow.hpp). The netlist is flat
// and most nets are anonymous after ABC, so the one-row array's lanes are found by structure: the
// registers of lane i keep names under "gen_lane[i]." (the RTL's generate block); a lane mask is
// propagated forward through combinational cells, and a net fed by exactly one lane's registers
// is lane logic. The grid's lanes share their column registers, so there they are found by name:
// the digit-serial grid names its lane cells (kLaneCellPrefix), and a net one of them drives is
// lane logic.
#include <bit>

#include "qsq/energy/energy_flow.hpp"
#include "qsq/energy/synth.hpp"
#include "qsq/error.hpp"

namespace qsq::energy {

const char* delays_name(Delays d) { return d == Delays::sdf ? "sdf" : "zero"; }

Delays parse_delays(const std::string& s) {
  if (s == "zero") return Delays::zero;
  if (s == "sdf") return Delays::sdf;
  throw Error("--delays must be zero or sdf (got '" + s + "')");
}

const char* pulse_filter_name(PulseFilter f) { return f == PulseFilter::transport ? "transport" : "inertial"; }

PulseFilter parse_pulse_filter(const std::string& s) {
  if (s == "inertial") return PulseFilter::inertial;
  if (s == "transport") return PulseFilter::transport;
  throw Error("--pulse-filter must be inertial or transport (got '" + s + "')");
}

std::string caveats(Delays d, PulseFilter f) {
  const std::string semantics =
      f == PulseFilter::inertial ? std::string(kDelaySemantics)
                                 : std::string("transport delays: every change of a cell's function reaches its output "
                                               "after the arc delay, however short the pulse (an upper bound on glitches)");
  const std::string sim =
      d == Delays::sdf
          ? "SDF-timed gate-level simulation (OpenSTA per-arc rise/fall delays at the netlist's loads, " + semantics +
                "; an ideal clock network: the cells driving clock nets switch with no delay)"
          : std::string("zero-delay gate-level simulation: glitches are not seen");
  return sim +
         "; OSU 0.18 um (osu018_stdcells, typical, 1.8 V); no wire load model (net capacitance = driven pin "
         "capacitance); slews from the liberty transition tables; a LATCH is counted at half the area of DFFNEGX1 "
         "(the library lists it with area 0)";
}

const char* net_class_name(NetClass c) {
  switch (c) {
    case NetClass::lanes: return "lanes";
    case NetClass::tree_adders_control: return "tree_adders_control";
    case NetClass::registers_clock: return "registers_clock";
    case NetClass::input_ports: return "input_ports";
    case NetClass::constant: return "constant";
  }
  return "?";
}

std::vector<int> lane_cells(const Netlist& n) {
  std::vector<int> out;
  for (size_t i = 0; i < n.instances.size(); ++i)
    if (n.instances[i].name.find(kLaneCellPrefix) != std::string::npos) out.push_back(static_cast<int>(i));
  return out;
}

std::vector<NetClass> classify_nets(const Netlist& n, const Liberty& lib, const PowerModel& pm) {
  const size_t nets = n.net_names.size();
  std::vector<NetClass> cls(nets, NetClass::tree_adders_control);
  std::vector<std::uint64_t> lanes(nets, 0);
  auto lane_of = [](const std::string& name) -> int {
    if (name.rfind("gen_lane[", 0) != 0) return -1;
    const size_t e = name.find(']');
    return e == std::string::npos ? -1 : std::stoi(name.substr(9, e - 9));
  };
  std::vector<const LibCell*> cell(n.instances.size());
  for (size_t i = 0; i < n.instances.size(); ++i) cell[i] = &lib.cell(n.instances[i].cell);
  for (size_t k = 0; k < nets; ++k) {
    const auto& ni = pm.nets()[k];
    if (n.is_const(static_cast<int>(k))) cls[k] = NetClass::constant;
    else if (ni.clock || ni.gated_clock) cls[k] = NetClass::registers_clock;
    else if (ni.driver_inst < 0) cls[k] = NetClass::input_ports;
    else if (cell[static_cast<size_t>(ni.driver_inst)]->sequential) cls[k] = NetClass::registers_clock;
  }
  // Lane registers: any name of a register's output net (aliases included) may carry the lane.
  for (const auto& [name, id] : n.net_ids) {
    const int lane = lane_of(name);
    if (lane >= 0 && cls[static_cast<size_t>(id)] == NetClass::registers_clock && !pm.nets()[static_cast<size_t>(id)].clock)
      lanes[static_cast<size_t>(id)] |= std::uint64_t{1} << (lane % 64);
  }
  // Forward propagation through combinational cells to a fixed point (the logic is acyclic, so
  // at most its depth in passes).
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < n.instances.size(); ++i) {
      if (cell[i]->sequential) continue;
      std::uint64_t in = 0;
      for (const auto& [pin, id] : n.instances[i].pins)
        if (cell[i]->pin(pin).dir == LibPin::Dir::input) in |= lanes[static_cast<size_t>(id)];
      for (const auto& [pin, id] : n.instances[i].pins)
        if (cell[i]->pin(pin).dir == LibPin::Dir::output && (lanes[static_cast<size_t>(id)] | in) != lanes[static_cast<size_t>(id)]) {
          lanes[static_cast<size_t>(id)] |= in;
          changed = true;
        }
    }
  }
  std::vector<bool> lane_cell(n.instances.size(), false);
  for (const int i : lane_cells(n)) lane_cell[static_cast<size_t>(i)] = true;
  for (size_t k = 0; k < nets; ++k) {
    if (cls[k] != NetClass::tree_adders_control) continue;
    const int d = pm.nets()[k].driver_inst;
    if (std::popcount(lanes[k]) == 1 || (d >= 0 && lane_cell[static_cast<size_t>(d)])) cls[k] = NetClass::lanes;
  }
  return cls;
}

}  // namespace qsq::energy
