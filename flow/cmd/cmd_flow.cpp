// `qsq flow`: runs every registered stage on built-in defaults through the flow library's engine
// (qsq/flow/stage.hpp): results whose inputs did not change are reused, a failing stage does not
// stop the stages that do not need it, and OUT/report.md and OUT/report.json are always written.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "cmd_flow.hpp"

#include "cli.hpp"
#include "qsq/error.hpp"

namespace qsq::cli {

namespace {

struct Options {
  std::string out = "out";
  bool quick = false;
  bool force = false;
  bool list = false;
  bool quiet = false;
  std::vector<std::string> only;
};

void run(const Options& o) {
  set_quiet(o.quiet);
  if (o.list) {
    for (const Stage* s : flow::ordered(flow::stages())) {
      std::string after;
      for (const auto& d : s->after) after += (after.empty() ? " (after " : ", ") + d;
      std::cout << fmt::format("{:<13} {}{}\n", s->name, s->title, after.empty() ? "" : after + ")");
    }
    return;
  }
  flow::FlowReport r;
  try {
    r = flow::run_flow(flow::stages(), {.out = o.out, .quick = o.quick, .force = o.force, .only = o.only, .code_units = nullptr});
  } catch (const qsq::Error& e) {
    throw Failure(e.what());
  }
  if (r.failed + r.skipped > 0)
    throw Failure(fmt::format("{} stage(s) failed and {} skipped (report written to {}): {}", r.failed, r.skipped,
                              (std::filesystem::path(o.out) / "report.md").string(), r.failures.empty() ? "" : r.failures.front()));
}

}  // namespace

void register_flow(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "flow", "The main job: run every stage (metrics, codec, container, co-simulation, networks, synthesis, energy, "
              "tuning, as built) on built-in defaults and write OUT/report.md and OUT/report.json. Results whose inputs "
              "(parameters, files, tool versions and the qsq code that computes them) did not change are reused from "
              "OUT/cache. A failing stage is reported with its error and log; stages that do not need it still run, and "
              "the exit status is then non-zero.");
  cmd->add_option("--out,-o", o->out, "output directory")->capture_default_str();
  cmd->add_flag("--quick", o->quick, "shortened runs (what CI uses); the report says so");
  cmd->add_flag("--force", o->force, "ignore cached results");
  cmd->add_option("--only", o->only, "run only these stages (and the stages they need, reused when up to date)")
      ->delimiter(',');
  cmd->add_flag("--list", o->list, "list the stages in run order with what each needs, and exit");
  cmd->add_flag("--quiet,-q", o->quiet, "no progress output");
  cmd->callback([o] { run(*o); });
}

}  // namespace qsq::cli
