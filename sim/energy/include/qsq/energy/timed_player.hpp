// Description: the SDF-timed back end of the stimulus player (driver/stim_player.hpp): plays a
// qsq-stim file on the event-driven simulator (timed_sim.hpp) with a real clock. Clock period
// T: rising edges at k*T, falling edges at k*T + T/2; inputs change 1 ps after the rising edge
// (the SDC's input delay is 0: a registered neighbour; the picosecond keeps capture and change
// apart); outputs are read just before the next rising edge. Each block is one activity window
// from its first input change to the same point of the cycle after its last. Writes blocks.txt
// and, for multiplier streams, outputs_<block>.txt in `out_dir`, as the Verilated back end does.
// Optionally records the primary-input waveform as VCD (1 ps) for the Icarus check.
// Usage:
//   qsq::energy::TimedOptions t;  t.clock_ns = 10.0;
//   auto blocks = qsq::energy::run_timed_gate_sim(netlist, lib, sdf, "stim.txt", DriverKind::array, dir, t);
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "qsq/energy/activity.hpp"
#include "qsq/energy/gatesim.hpp"
#include "qsq/energy/liberty.hpp"
#include "qsq/energy/netlist.hpp"
#include "qsq/energy/sdf.hpp"
#include "qsq/energy/timed_sim.hpp"

namespace qsq::energy {

struct TimedOptions {
  double clock_ns = 10.0;
  PulseFilter filter = PulseFilter::inertial;
  std::filesystem::path inputs_vcd;     // non-empty: write the primary-input waveform there
  std::uint64_t inputs_vcd_cycles = 0;  // ... for this many clock cycles from time 0 (0: all)
};

struct TimedBlock {
  BlockResult result;
  Activity activity;                  // every net, measured over the block's window
  std::vector<std::uint64_t> toggles; // per net id (constants 0)
  std::uint64_t events = 0;           // simulator events in the window
};

// Throws Error naming the stimulus line or the simulator problem; mismatches are reported, not thrown.
std::vector<TimedBlock> run_timed_gate_sim(const Netlist& n, const Liberty& lib, const Sdf& sdf,
                                           const std::filesystem::path& stimulus, DriverKind kind,
                                           const std::filesystem::path& out_dir, const TimedOptions& o);

}  // namespace qsq::energy
