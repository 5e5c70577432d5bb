#include "qsq/energy/saif.hpp"

#include <cmath>
#include <sstream>

#include "qsq/flow/hash.hpp"
#include "qsq/flow/progress.hpp"
#include "qsq/flow/provenance.hpp"

namespace qsq::energy {

std::string saif_name(const std::string& net) {
  std::string out;
  for (char c : net) {
    if (c == '[' || c == ']' || c == '.' || c == '/' || c == '\\' || c == '(' || c == ')') out += '\\';
    out += c;
  }
  return out;
}

std::string saif_text(const Netlist& n, const std::vector<std::uint64_t>& toggles, std::uint64_t cycles,
                      double period_ns, const std::string& what) {
  // Durations in integer time units of 1 ps so that T0 + T1 = DURATION exactly.
  const auto duration = static_cast<std::uint64_t>(std::llround(static_cast<double>(cycles) * period_ns * 1000.0));
  std::ostringstream o;
  o << "(SAIFILE\n(SAIFVERSION \"2.0\")\n(DIRECTION \"backward\")\n(DESIGN \"" << n.module << "\")\n";
  o << "(VENDOR \"qsq\")\n(PROGRAM_NAME \"qsq " << what << "; T0/T1 estimated as DURATION/2, TC counted\")\n";
  o << "(VERSION \"" << flow::tool_version() << " git " << flow::git_revision() << "\")\n";
  o << "(DIVIDER / )\n(TIMESCALE 1 ps)\n(DURATION " << duration << ")\n";
  o << "(INSTANCE " << n.module << "\n  (NET\n";
  const std::uint64_t t0 = duration / 2, t1 = duration - t0;
  for (size_t k = 0; k < n.net_names.size(); ++k) {
    if (n.is_const(static_cast<int>(k))) continue;
    o << "    (" << saif_name(n.net_names[k]) << "\n      (T0 " << t0 << ") (T1 " << t1 << ") (TX 0)\n      (TC "
      << toggles[k] << ") (IG 0)\n    )\n";
  }
  o << "  )\n)\n)\n";
  return o.str();
}

}  // namespace qsq::energy
