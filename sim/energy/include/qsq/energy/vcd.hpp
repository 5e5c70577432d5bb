// Description: a reader of Value Change Dump files (IEEE 1364 VCD, as Icarus, Verilator, GTKWave
// and commercial simulators write them) that measures per-bit activity (activity.hpp) over a
// window, and `fst2vcd` for FST input. Vector signals are split into bits named "sig[i]" by
// their declared range; escaped names lose their backslash (`\a_q[3]` is "a_q[3]"); scopes are
// joined with '.'; `scope` selects the signals of one scope (empty: the top scope, the first
// $scope of the file, with names relative to it). Times are converted to integer picoseconds
// ($timescale of any unit; a timestamp that is not a whole ps is an error). One pass over the
// text, no regular expressions. Throws qsq::Error "FILE:LINE: vcd: what" on malformed input.
// Measured: T0/T1/TX are the ps each bit spends at 0, 1 and X or Z inside [begin_ps, end_ps);
// TC counts its 0<->1 changes at times begin_ps <= t < end_ps, tx_changes those into or out of
// X/Z; the value at begin_ps is the last one set at or before it (X before the first). Time with
// dumping off ($dumpoff writes X) counts as X. IG is 0 (a dump does not know filtered pulses).
// Usage:
//   qsq::energy::VcdWindow w;  w.begin_ps = 1000;        // end_ps = 0: to the end of the dump
//   qsq::energy::Activity a = qsq::energy::read_vcd_activity("dump.vcd", w);
//   qsq::energy::VcdWaves in = qsq::energy::read_vcd_waves("inputs.vcd", "");  // every change, to replay
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "qsq/energy/activity.hpp"

namespace qsq::energy {

struct VcdWindow {
  std::uint64_t begin_ps = 0;
  std::uint64_t end_ps = 0;  // 0: the last timestamp of the file
  std::string scope;         // hierarchical scope (a.b.c) whose signals are measured; empty: the top
  bool recursive = false;    // also the scopes below `scope` (names then carry the sub-scope path)
};

// `path` ending in ".fst" is first converted with fst2vcd into a temporary file under `work`
// (empty: the system's temporary directory), which is removed afterwards.
Activity read_vcd_activity(const std::string& path, const VcdWindow& window,
                           const std::filesystem::path& work = {});
Activity parse_vcd_activity(const std::string& text, const std::string& path_for_errors, const VcdWindow& window);

// Every value change of every bit of one scope (not recursive), for replaying a waveform.
struct VcdWaves {
  // bit name -> its changes in time order: (ps, '0' | '1' | 'x' | 'z'); a bit is X before its first.
  std::map<std::string, std::vector<std::pair<std::uint64_t, char>>> bits;
  std::uint64_t last_ps = 0;  // the file's last timestamp
};
VcdWaves read_vcd_waves(const std::string& path, const std::string& scope);
VcdWaves parse_vcd_waves(const std::string& text, const std::string& path_for_errors, const std::string& scope);

// Converts an FST file to VCD with gtkwave's fst2vcd (log next to `vcd_out`); throws qsq::Error.
void fst_to_vcd(const std::filesystem::path& fst, const std::filesystem::path& vcd_out);

}  // namespace qsq::energy
