// Description: registration of the network subcommands (train, quantize, finetune, eval, tune,
// export) and of the net stages of `qsq flow`; library qsq_cmd_net.
// Usage: qsq::cli::register_net(app);   (called by the generated register_parts.cpp of tools/qsq)
#pragma once
#include "cli.hpp"

namespace qsq::cli {
void register_net(CLI::App& app);
void register_net_flow();  // flow_net.cpp
}  // namespace qsq::cli
