// Description: a reader of Value Change Dump files (IEEE 1364 VCD, as Icarus, Verilator, GTKWave
// and commercial simulators write them) that measures per-bit activity (activity.hpp) over a
// window, and `fst2vcd` for FST input. Vector signals are split into bits named "sig[i]"; scopes
// are joined with '.'; `scope` selects the signals of one scope (empty: the top scope, the first
// $scope of the file, with names relative to it). Throws qsq::Error naming file and line on
// malformed input.
// Usage:
//   qsq::energy::VcdWindow w;  w.begin_ps = 1000;        // end_ps = 0: to the end of the dump
//   qsq::energy::Activity a = qsq::energy::read_vcd_activity("dump.vcd", w);
#pragma once
#include <cstdint>
#include <string>

#include "qsq/energy/activity.hpp"

namespace qsq::energy {

struct VcdWindow {
  std::uint64_t begin_ps = 0;
  std::uint64_t end_ps = 0;  // 0: the last timestamp of the file
  std::string scope;         // hierarchical scope (a.b.c) whose signals are measured; empty: the top
  bool recursive = false;    // also the scopes below `scope` (names then carry the sub-scope path)
};

Activity read_vcd_activity(const std::string& path, const VcdWindow& window);
Activity parse_vcd_activity(const std::string& text, const std::string& path_for_errors, const VcdWindow& window);

}  // namespace qsq::energy
