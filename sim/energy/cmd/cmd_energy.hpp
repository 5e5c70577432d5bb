// Description: the energy part's subcommands (`qsq synth`, `qsq energy`, `qsq compare-mult`) and
// its `qsq flow` stages ("synth", "energy"); library qsq_cmd_energy.
// Usage: qsq::cli::register_energy(app);   (called by the generated register_parts.cpp of tools/qsq)
#pragma once
#include "cli.hpp"

namespace qsq::cli {
void register_energy(CLI::App& app);
}  // namespace qsq::cli
