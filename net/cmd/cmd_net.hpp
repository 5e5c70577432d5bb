// Description: registration of the network subcommands (train, quantize, finetune, eval, tune,
// export) and of the net stages of `qsq flow`.
// Usage: qsq::cli::register_net(app);   (tools/qsq/main.cpp, under QSQ_HAVE_net)
#pragma once

namespace CLI {
class App;
}

namespace qsq::cli {
void register_net(CLI::App& app);
void register_net_flow();  // flow_net.cpp
}  // namespace qsq::cli
