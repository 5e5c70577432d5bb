// Description: `qsq inspect FILE [--json]` and the `container` stage of `qsq flow`: per-layer
// structure, bits by category and memory savings of a .qsq file (see docs/format.md,
// "Footprint accounting").
// Usage:
//   qsq::cli::register_inspect(app);                       // adds the subcommand and the flow stage
//   nlohmann::json j = qsq::cli::inspect_json(net, fp, "m.qsq");
//   std::cout << qsq::cli::inspect_table(j);
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "qsq/container.hpp"

namespace qsq::cli {

void register_inspect(CLI::App& app);

// The inspect figures of `net` stored as described by `fp` (json_header() fields first).
nlohmann::json inspect_json(const Network& net, const Footprint& fp, const std::string& file);
// Human-readable rendering of inspect_json().
std::string inspect_table(const nlohmann::json& j);
// Markdown rendering (per-layer table and totals), for out/report.md.
std::string inspect_markdown(const nlohmann::json& j);

// The `container` flow stage: writes the synthetic LeNet-5 to <work_dir>/model.qsq, reads it
// back, checks the round trip is bit-exact and reports the inspect figures (flow_container.cpp).
void register_container_stage();

}  // namespace qsq::cli
