// Description: human renderings of the energy part's JSON results: terminal tables and the
// out/report.md sections (with gnuplot PNG plots) of the "synth" and "energy" flow stages.
// Usage:
//   std::cout << qsq::energy::synth_table(j);
//   std::string md = qsq::energy::energy_markdown(j, out_dir);
#pragma once
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "qsq/energy/stimulus.hpp"

namespace qsq::energy {

// Synthesis report of the qsq array of `shape` (and, unless quick, the baseline array and the lane
// alone); the FPGA runs (fpga = true) are made for the default shape only (the FPGA wrapper's pins).
nlohmann::json synth_json(double clock_ns, const std::string& liberty, const std::filesystem::path& work, bool fpga,
                          bool place_and_route, bool quick, const ArrayShape& shape = {});
std::string synth_table(const nlohmann::json& j);
std::string synth_markdown(const nlohmann::json& j);

std::string energy_table(const nlohmann::json& j);
// Writes energy_vs_level.png next to the report (when gnuplot is available) and returns markdown.
std::string energy_markdown(const nlohmann::json& j, const std::filesystem::path& out_dir);

std::string compare_table(const nlohmann::json& j);

}  // namespace qsq::energy
