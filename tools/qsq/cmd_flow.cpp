// `qsq flow`: runs every registered stage on built-in defaults, reuses results whose inputs did
// not change, and writes out/report.md and out/report.json.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "cli.hpp"
#include "commands.hpp"

namespace qsq::cli {

namespace {

namespace fs = std::filesystem;

nlohmann::json read_cache(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return nullptr;
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    return nullptr;  // a damaged cache entry is simply recomputed
  }
}

struct Options {
  std::string out = "out";
  bool quick = false;
  bool force = false;
  bool list = false;
  bool quiet = false;
  std::vector<std::string> only;
};

void run_flow(const Options& o) {
  set_quiet(o.quiet);
  const auto& stages = flow_stages();
  if (o.list) {
    for (const auto& s : stages) std::cout << fmt::format("{:<12} {}\n", s.name, s.title);
    return;
  }
  std::set<std::string> known;
  for (const auto& s : stages) known.insert(s.name);
  for (const auto& n : o.only)
    if (!known.count(n)) throw Failure("unknown flow stage '" + n + "' (see qsq flow --list)");

  const fs::path out = o.out;
  std::error_code ec;
  fs::create_directories(out / "cache", ec);
  if (ec) throw Failure(fmt::format("cannot create {}: {}", (out / "cache").string(), ec.message()));

  nlohmann::json report = json_header();
  report["quick"] = o.quick;
  report["stages"] = nlohmann::json::array();
  std::string md = fmt::format("# qsq flow report\n\nqsq {} (git {}){}. Every figure below names the workload, "
                               "library, clock and seed that produced it.\n\n",
                               tool_version(), git_revision(), o.quick ? ", quick mode (shortened runs, as in CI)" : "");
  const auto t_all = std::chrono::steady_clock::now();
  std::size_t i = 0, selected = 0;
  for (const auto& s : stages) selected += o.only.empty() || std::count(o.only.begin(), o.only.end(), s.name);
  for (const auto& s : stages) {
    if (!o.only.empty() && !std::count(o.only.begin(), o.only.end(), s.name)) continue;
    ++i;
    FlowContext ctx{out, out / "work" / s.name, o.quick};
    fs::create_directories(ctx.work_dir, ec);
    const std::string key = hash_hex(s.name + '\n' + (o.quick ? "quick\n" : "full\n") + s.inputs(ctx));
    const fs::path cache = out / "cache" / (s.name + ".json");
    nlohmann::json entry = o.force ? nlohmann::json(nullptr) : read_cache(cache);
    bool cached = entry.is_object() && entry.value("key", "") == key && entry.contains("result");
    const auto t0 = std::chrono::steady_clock::now();
    if (cached) {
      progress(fmt::format("[flow {}/{}] {}: inputs unchanged, reusing {}", i, selected, s.name, cache.string()));
    } else {
      progress(fmt::format("[flow {}/{}] {}: {} ...", i, selected, s.name, s.title));
      entry = {{"key", key}, {"result", s.run(ctx)}};
      write_file_atomic(cache, entry.dump(1));
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!cached) progress(fmt::format("[flow {}/{}] {}: done in {:.1f} s", i, selected, s.name, secs));
    report["stages"].push_back({{"name", s.name}, {"title", s.title}, {"cached", cached}, {"seconds", secs},
                                {"key", key}, {"result", entry["result"]}});
    md += fmt::format("## {}\n\n{}{}\n", s.title, s.markdown(entry["result"], ctx),
                      cached ? "\n(reused: inputs unchanged since the last run)\n" : "");
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_all).count();
  report["seconds"] = total;
  write_file_atomic(out / "report.json", report.dump(2) + "\n");
  write_file_atomic(out / "report.md", md);
  progress(fmt::format("[flow] wrote {} and {} ({:.1f} s)", (out / "report.md").string(),
                       (out / "report.json").string(), total));
}

}  // namespace

void register_flow(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "flow", "The main job: run every stage (metrics, codec, container, co-simulation, synthesis, energy, networks, "
              "as built) on built-in defaults and write OUT/report.md and OUT/report.json. Results whose inputs did not "
              "change are reused from OUT/cache.");
  cmd->add_option("--out,-o", o->out, "output directory")->capture_default_str();
  cmd->add_flag("--quick", o->quick, "shortened runs (what CI uses); the report says so");
  cmd->add_flag("--force", o->force, "ignore cached results");
  cmd->add_option("--only", o->only, "run only these stages")->delimiter(',');
  cmd->add_flag("--list", o->list, "list the stages and exit");
  cmd->add_flag("--quiet,-q", o->quiet, "no progress output");
  cmd->callback([o] { run_flow(*o); });
}

}  // namespace qsq::cli
