// Description: `qsq sweep` (design-space sweeps on a local pool or a Slurm cluster) and its two
// hidden workers `qsq sweep-point PLAN INDEX` and `qsq sweep-merge PLAN` (docs/sweep.md).
// Usage: qsq::cli::register_sweep(app);
#pragma once
#include <CLI/CLI.hpp>

namespace qsq::cli {
void register_sweep(CLI::App& app);
}
