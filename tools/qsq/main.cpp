// qsq: the command-line front end. Each subcommand lives in its part's library; this file only
// assembles them and turns failures into one-line errors with a non-zero exit status.
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "cmd_flow.hpp"
#include "cmd_metrics.hpp"
#include "qsq/error.hpp"
#ifdef QSQ_HAVE_inspect
#include "inspect.hpp"
#endif
#ifdef QSQ_HAVE_cosim
#include "cmd_cosim.hpp"
#endif
#ifdef QSQ_HAVE_net
#include "cmd_net.hpp"
#endif
#ifdef QSQ_HAVE_energy
#include "cmd_energy.hpp"
#endif

int main(int argc, char** argv) {
  CLI::App app{"qsq: quality scalable quantization -- golden model, hardware generation, co-simulation, "
               "energy and accuracy per precision level.\nRun `qsq flow` for the whole flow on built-in defaults."};
  app.set_version_flag("--version", qsq::cli::tool_version() + " (git " + qsq::cli::git_revision() + ")");
  app.require_subcommand(1);
  app.fallthrough();
  qsq::cli::register_metrics(app);
  qsq::cli::register_flow(app);
#ifdef QSQ_HAVE_inspect
  qsq::cli::register_inspect(app);
#endif
#ifdef QSQ_HAVE_cosim
  qsq::cli::register_cosim(app);
#endif
  // net before energy: the energy stage's `real` workload is the operand trace the net stages write.
#ifdef QSQ_HAVE_net
  qsq::cli::register_net(app);
#endif
#ifdef QSQ_HAVE_energy
  qsq::cli::register_energy(app);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const qsq::cli::Failure& e) {
    std::cerr << "qsq: error: " << e.what() << '\n';
    return 1;
  } catch (const qsq::Error& e) {
    std::cerr << "qsq: error: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "qsq: internal error: " << e.what() << '\n';
    return 3;
  }
  return 0;
}
