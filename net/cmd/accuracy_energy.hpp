// Description: network accuracy against measured energy per MAC, for the flow report: per network
// file, each quality level's test accuracy (net-eval) at each measured design's energy per MAC of
// that level (the energy stages: the one-row array, the 2-D grid), and the tuned per-layer mix
// (net-tune) priced the same way (sum over layers of MACs x the level's pJ/MAC, over all MACs).
// A design whose data width differs from the network's (quick mode's small grid) is left out.
// Usage:
//   json ae = accuracy_energy(eval_json, {{"one-row array", &energy_json}, {"grid", &grid_json}}, tune_runs);
//   std::string md = accuracy_energy_markdown(ae, out_dir);   // table + accuracy_vs_energy.png
#pragma once
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace qsq::cli::net {

nlohmann::json accuracy_energy(const nlohmann::json& eval, const std::vector<std::pair<std::string, const nlohmann::json*>>& designs,
                               const nlohmann::json& tune_runs);
std::string accuracy_energy_markdown(const nlohmann::json& ae, const std::filesystem::path& out_dir);

}  // namespace qsq::cli::net
