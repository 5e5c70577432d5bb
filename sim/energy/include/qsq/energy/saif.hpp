// Description: backward SAIF (Switching Activity Interchange Format 2.0) for commercial power
// tools and back. saif_text() writes measured activity (activity.hpp: from a waveform, the timed
// simulator or the Icarus check): DURATION = the window in ps (TIMESCALE 1 ps), one NET entry per
// bit with its measured T0, T1, TX, TC and IG. saif_text_estimated() serves the zero-delay
// Verilator toggle-count path, whose coverage counts changes but never samples values: there
// T0 and T1 are ESTIMATED as half the duration each and TX is 0. parse_saif() reads the subset
// qsq writes plus what commercial tools write (nested INSTANCE scopes, NET and PORT sections,
// escaped names, T0 T1 TX TZ TC IG TB; other groups skipped).
// Usage:
//   std::string s = qsq::energy::saif_text(activity, {"qsq_array", "qsq saif run.vcd"});
//   qsq::energy::Activity back = qsq::energy::parse_saif(s, "run.saif");
//   std::string e = qsq::energy::saif_text_estimated(netlist, toggles, cycles, 10.0, "qsq energy q=2");
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "qsq/energy/activity.hpp"
#include "qsq/energy/netlist.hpp"

namespace qsq::energy {

// SAIF identifier of a net: '[', ']', '.', '/', '(', ')' and '\' escaped with a backslash.
std::string saif_name(const std::string& net);

struct SaifHeader {
  std::string design;          // DESIGN and the top INSTANCE
  std::string what;            // PROGRAM_NAME: what produced the activity
  char hierarchy_separator = 0;  // 0: flat names; e.g. '.': "u1.x" is net x of INSTANCE u1
};

// Measured activity: T0 + T1 + TX of every net equals DURATION (Activity keeps that exact).
std::string saif_text(const Activity& a, const SaifHeader& h);

// !!! T0/T1 ARE ESTIMATED HERE, NOT MEASURED !!! For Verilator toggle coverage (zero delay): TC
// is each net's counted toggles, DURATION = cycles x period, and T0 = T1 = DURATION / 2 for every
// net because the counts carry no durations; TX 0 (two-state). The PROGRAM_NAME line says so.
std::string saif_text_estimated(const Netlist& n, const std::vector<std::uint64_t>& toggles, std::uint64_t cycles,
                                double period_ns, const std::string& what);

// Activity of every NET and PORT entry, names unescaped and relative to the outermost INSTANCE
// (nested instances joined with '/': "u1/x"); times converted to ps (window [0, DURATION)).
// Throws qsq::Error "FILE:LINE: saif: what".
Activity parse_saif(const std::string& text, const std::string& path_for_errors);
Activity read_saif(const std::string& path);

}  // namespace qsq::energy
