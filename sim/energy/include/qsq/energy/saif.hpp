// Description: backward SAIF (Switching Activity Interchange Format 2.0) export of counted
// toggles, for commercial power tools: DURATION in ns, one NET entry per netlist net with TC (the
// counted toggles), T0/T1 estimated as half the duration each (toggle coverage does not sample
// values; the header says so) and TX 0 (two-state simulation).
// Usage:
//   std::string s = qsq::energy::saif_text(netlist, toggles, cycles, 10.0, "qsq energy q=2");
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "qsq/energy/netlist.hpp"

namespace qsq::energy {

// SAIF identifier of a net: '[', ']', '.', '/' and '\' escaped with a backslash.
std::string saif_name(const std::string& net);

std::string saif_text(const Netlist& n, const std::vector<std::uint64_t>& toggles, std::uint64_t cycles,
                      double period_ns, const std::string& what);

}  // namespace qsq::energy
