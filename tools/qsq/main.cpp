// qsq: the command-line front end. Each subcommand lives in its part's library; this file only
// assembles them and turns failures into one-line errors with a non-zero exit status.
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "qsq/error.hpp"

namespace qsq::cli {
void register_parts(CLI::App& app);  // generated: every qsq_cmd_<part> this build has (CMakeLists.txt)
}

int main(int argc, char** argv) {
  CLI::App app{"qsq: quality scalable quantization -- golden model, hardware generation, co-simulation, "
               "energy and accuracy per precision level.\nRun `qsq flow` for the whole flow on built-in defaults."};
  app.set_version_flag("--version", qsq::cli::tool_version() + " (git " + qsq::cli::git_revision() + ")");
  app.require_subcommand(1);
  app.fallthrough();
  qsq::cli::register_parts(app);
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
