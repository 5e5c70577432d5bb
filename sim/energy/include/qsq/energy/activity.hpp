// Description: measured switching activity of single-bit nets over a time window: toggle count
// (TC, every value change including glitches), time spent at 0, 1 and X (T0, T1, TX), and the
// number of pulses a simulator filtered (IG, inertial glitches; 0 when not known). Times are in
// integer picoseconds so that T0 + T1 + TX equals the window exactly. Produced by the timed
// gate-level simulator (timed_sim.hpp), by waveform files (vcd.hpp) and by the Icarus check
// (icarus.hpp); consumed by the SAIF writer (saif.hpp) and the energy model (power.hpp).
// Usage:
//   qsq::energy::Activity a = qsq::energy::read_vcd_activity("run.vcd", {});
//   for (const auto& [net, x] : a.nets) total += x.tc;
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace qsq::energy {

struct NetActivity {
  std::uint64_t tc = 0;              // value changes 0<->1 (X/Z changes are counted in tx_changes)
  std::uint64_t t0 = 0, t1 = 0, tx = 0;  // ps at 0, at 1, at X or Z
  std::uint64_t tx_changes = 0;      // changes into or out of X/Z
  std::uint64_t ig = 0;              // filtered (inertial) glitches, where the source knows them
  bool operator==(const NetActivity&) const = default;
};

struct Activity {
  std::uint64_t begin_ps = 0, end_ps = 0;   // the window [begin, end)
  std::map<std::string, NetActivity> nets;  // bit-level net name ("a_q[3]", "_123_") -> activity
  std::uint64_t duration() const { return end_ps - begin_ps; }
};

}  // namespace qsq::energy
