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
#include <functional>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "qsq/error.hpp"

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

// A subcommand that computes one JSON document and prints it: with --json as JSON, otherwise as
// `table(document)`. The caller binds its options to the returned App (into *options, which `run`
// reads); a qsq::Error thrown by `run` becomes a Failure, so it prints as one line and exits 1.
//   auto a = std::make_shared<net::TuneArgs>();
//   auto* cmd = add_report_command(app, "tune", "help", a, net::run_tune, net::tune_table);
//   cmd->add_option("file", a->qsq, ".qsq file")->required();
template <class Options>
CLI::App* add_report_command(CLI::App& app, const std::string& name, const std::string& help,
                             std::shared_ptr<Options> options, std::function<nlohmann::json(Options&)> run,
                             std::function<std::string(const nlohmann::json&)> table) {
  auto* cmd = app.add_subcommand(name, help);
  auto as_json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *as_json, "print JSON instead of a table");
  cmd->callback([=] {
    nlohmann::json j;
    try {
      j = run(*options);
    } catch (const Error& e) {
      throw Failure(e.what());
    }
    if (*as_json) std::cout << j.dump(2) << '\n';
    else std::cout << table(j);
  });
  return cmd;
}

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
