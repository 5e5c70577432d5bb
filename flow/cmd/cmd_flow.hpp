// Description: `qsq flow`, the main job: the flow engine (qsq/flow/stage.hpp) over every stage the
// parts registered; library qsq_cmd_flow.
// Usage: qsq::cli::register_flow(app);   (called by the generated register_parts.cpp of tools/qsq)
#pragma once
#include "cli.hpp"

namespace qsq::cli {
void register_flow(CLI::App& app);
}  // namespace qsq::cli
