// Description: Standard Delay Format (SDF 3.0) as OpenSTA 2019 writes it for a gate-level
// netlist (`write_sdf`): per-instance IOPATH delays, rise and fall, at the netlist's real loads
// and slews, and INTERCONNECT delays (all zero without parasitics). write_sdf() runs OpenSTA on
// a synthesized netlist with the same liberty, SDC and clock as `qsq synth` and caches the file;
// read_sdf() parses it for the timed simulator; sdf_text() writes what was read with one value
// per delay (Icarus reads the empty typical field of a triple as "no delay", without a warning).
// Usage:
//   fs::path f = qsq::energy::write_sdf(asic, liberty, 10.0, "out/work/energy");
//   qsq::energy::Sdf sdf = qsq::energy::read_sdf(f.string());
//   for (const auto& c : sdf.cells) for (const auto& arc : c.arcs) ...
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "qsq/energy/synth.hpp"

namespace qsq::energy {

// One IOPATH: from an input pin (optionally edge-qualified) to an output pin. Delays in ns; a
// transition the file leaves empty "()" is absent (has_rise / has_fall false). Of a (min::max)
// triple the max is kept (the single-corner file's min and max differ only by slew merging).
struct SdfArc {
  std::string from, to;
  enum class Edge { any, posedge, negedge } edge = Edge::any;
  bool has_rise = false, has_fall = false;
  double rise_ns = 0, fall_ns = 0;
};

struct SdfCell {
  std::string type, instance;
  std::vector<SdfArc> arcs;
};

struct Sdf {
  std::string design;
  double timescale_ns = 1.0;  // multiplies every delay of the file (kept in ns here)
  std::vector<SdfCell> cells;  // instance cells (the design-level interconnect entries are not kept)
  double max_interconnect_ns = 0;  // largest INTERCONNECT delay seen (0 without parasitics)
  const SdfCell* find(const std::string& instance) const;
  std::map<std::string, size_t> index;  // instance -> position in cells
};

Sdf parse_sdf(const std::string& text, const std::string& path_for_errors);  // throws Error with file and line
Sdf read_sdf(const std::string& path);

// OpenSTA's SDF of a synthesized netlist (cached under work/cache/sdf-<key>/<top>.sdf).
std::filesystem::path write_sdf(const AsicResult& asic, const std::string& liberty, double clock_ns,
                                const std::filesystem::path& work);

// Sets every arc of these instances to zero delay (an ideal clock network: see energy_flow.cpp).
void zero_instance_delays(Sdf& sdf, const std::vector<std::string>& instances);

// SDF 3.0 text of `sdf` with one value per delay in whole ps (TIMESCALE 1ps): exactly the delays
// the timed simulator uses, for another simulator or the user. Icarus 11 needs this form: it
// reads the (empty) typical field of OpenSTA's (min::max) triples and ignores TIMESCALE.
std::string sdf_text(const Sdf& sdf);

}  // namespace qsq::energy
