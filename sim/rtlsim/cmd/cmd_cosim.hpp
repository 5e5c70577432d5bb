// Description: the `qsq cosim` subcommand and the `qsq flow` stage "cosim" (library qsq_cmd_cosim).
// Usage: qsq::cli::register_cosim(app);   (called by the generated register_parts.cpp of tools/qsq)
#pragma once
#include "cli.hpp"

namespace qsq::cli {
void register_cosim(CLI::App& app);
}  // namespace qsq::cli
