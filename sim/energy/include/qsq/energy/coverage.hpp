// Description: reader of Verilator's coverage.dat toggle points. Each point is one bit of one
// signal; its count is the number of value changes (both directions). Names are demangled back
// to netlist bit names (Verilator writes '[' as "__05b", ']' as "__05d", any other escaped
// character as "__0" + two hex digits).
// Usage:
//   auto counts = qsq::energy::read_toggle_counts("cov_q2.dat", "TOP.qsq_array");
//   std::uint64_t t = counts.at("clk_i");
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace qsq::energy {

std::string demangle_verilator(const std::string& name);

// Toggle counts of the signals of one hierarchy level (`scope`, e.g. "TOP.qsq_array"); an empty
// scope accepts every hierarchy. Throws Error when the file cannot be read or is malformed.
std::map<std::string, std::uint64_t> parse_toggle_counts(const std::string& text, const std::string& scope);
std::map<std::string, std::uint64_t> read_toggle_counts(const std::string& path, const std::string& scope);

}  // namespace qsq::energy
