// Description: the registration functions of every subcommand library (see cli.hpp).
// Usage: main.cpp calls each register_<part>(app) that the build configured.
#pragma once

namespace CLI {
class App;
}

namespace qsq::cli {
void register_metrics(CLI::App& app);  // tools/qsq/cmd_metrics.cpp
void register_flow(CLI::App& app);     // tools/qsq/cmd_flow.cpp
void register_inspect(CLI::App& app);  // format/cmd   (qsq_cmd_inspect)
void register_cosim(CLI::App& app);    // sim/rtlsim   (qsq_cmd_cosim)
void register_energy(CLI::App& app);   // sim/energy   (qsq_cmd_energy: synth, energy, compare-mult)
void register_net(CLI::App& app);      // net/         (qsq_cmd_net: train, quantize, finetune, eval, tune, export)
}  // namespace qsq::cli
