// Description: the energy part's subcommands (`qsq synth`, `qsq energy`, `qsq compare-mult`) and
// its `qsq flow` stages ("synth", "energy"); library qsq_cmd_energy.
// Usage: main.cpp calls qsq::cli::register_energy(app) when QSQ_HAVE_energy is defined.
#pragma once

namespace CLI {
class App;
}

namespace qsq::cli {
void register_energy(CLI::App& app);
}  // namespace qsq::cli
