// Description: the `qsq cosim` subcommand and the `qsq flow` stage "cosim" (library qsq_cmd_cosim).
// Usage: main.cpp calls qsq::cli::register_cosim(app) when QSQ_HAVE_cosim is defined.
#pragma once

namespace CLI {
class App;
}

namespace qsq::cli {
void register_cosim(CLI::App& app);
}  // namespace qsq::cli
