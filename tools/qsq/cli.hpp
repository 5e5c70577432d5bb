// Description: the command-line layer's own piece: the error type a command throws for a
// user-facing failure (main prints "qsq: error: <what>" and exits 1). Everything else commands
// share (JSON header, atomic files, hashes, progress, flow stages) is the flow library's, under
// qsq/flow/; this header brings those names into qsq::cli for the command files.
// Usage (in a command library):
//   void register_inspect(CLI::App& app) {
//     auto* cmd = app.add_subcommand("inspect", "...");
//     cmd->callback([=] { ... throw qsq::cli::Failure("cannot open " + path); ... });
//   }
#pragma once
#include <stdexcept>
#include <string>

#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/hash.hpp"
#include "qsq/flow/progress.hpp"
#include "qsq/flow/provenance.hpp"
#include "qsq/flow/stage.hpp"

namespace qsq::cli {

// Thrown by commands for user-facing failures; main prints "qsq: error: <what>" and exits 1.
class Failure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using flow::git_revision;
using flow::hash_dir;
using flow::hash_file;
using flow::hash_hex;
using flow::json_header;
using flow::progress;
using flow::set_quiet;
using flow::Stage;
using flow::StageContext;
using flow::tool_version;
using flow::write_file_atomic;

}  // namespace qsq::cli
