// `qsq sweep`, `qsq sweep-point`, `qsq sweep-merge`.
#include "cmd_sweep.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "cli.hpp"
#include "qsq/flow/tool.hpp"
#include "qsq/sweep/executor.hpp"
#include "qsq/sweep/merge.hpp"
#include "qsq/sweep/plan.hpp"
#include "qsq/sweep/point.hpp"
#include "qsq/sweep/spec.hpp"

namespace qsq::cli {

namespace {

namespace fs = std::filesystem;
namespace sw = qsq::sweep;
using json = nlohmann::json;

struct SweepArgs {
  std::string spec, executor = "local", out, work = "out/work/energy";
  int jobs = 0;
  double timeout_s = 0;
  bool json = false;
  sw::SlurmOptions slurm;
};

std::string table(const json& m, const fs::path& out) {
  std::string s = fmt::format("{:<16} {:<40} {:<6} {:>9} {:>8} {:>10} {:>8}\n", "point", "parameters", "status", "area um2",
                              "fmax MHz", "pJ/MAC q*", "pareto");
  for (const auto& p : m["points"]) {
    std::string params;
    for (const auto& [k, v] : p["params"].items()) params += (params.empty() ? "" : " ") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
    if (params.size() > 40) params = params.substr(0, 37) + "...";
    if (p["status"] == "done")
      s += fmt::format("{:<16} {:<40} {:<6} {:>9.0f} {:>8.1f} {:>10.4f} {:>8}\n", p["id"].get<std::string>(), params, "done",
                       p["area_um2"].get<double>(), p["fmax_mhz"].get<double>(), p["levels"].back()["pj_per_mac"].get<double>(),
                       p["pareto"].get<bool>() ? "yes" : "");
    else
      s += fmt::format("{:<16} {:<40} {:<6} {} (log {})\n", p["id"].get<std::string>(), params, "FAILED", p.value("error", ""),
                       p.value("log", ""));
  }
  s += fmt::format("{} points, {} done, {} failed. q* = the exact level. Results: {}/results.csv, results.json, pareto.md, plots/\n",
                   m["summary"]["points"].get<std::size_t>(), m["summary"]["done"].get<std::size_t>(),
                   m["summary"]["failed"].get<std::size_t>(), out.string());
  return s;
}

void run_sweep(const SweepArgs& a) {
  sw::Spec spec;
  try {
    spec = sw::read_spec(a.spec);
  } catch (const qsq::Error& e) {
    throw Failure(e.what());
  }
  const fs::path out = a.out.empty() ? fs::path("out/sweep") / spec.name : fs::path(a.out);
  const fs::path self = fs::read_symlink("/proc/self/exe");
  const sw::Plan plan = sw::make_plan(spec, out, a.work, self, a.timeout_s);
  const auto t0 = std::chrono::steady_clock::now();
  sw::write_plan(plan);
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < plan.spec.points.size(); ++i)
    if (sw::state_of(plan, i) != sw::State::done) todo.push_back(i);
  progress(fmt::format("[sweep] {}: {} points, {} done already, {} to run ({} executor), results in {}", spec.name,
                       plan.spec.points.size(), plan.spec.points.size() - todo.size(), todo.size(), a.executor, plan.out.string()));
  json merged;
  if (a.executor == "local") {
    if (a.slurm.dry_run) throw Failure("--dry-run is for --executor slurm");
    const int jobs = a.jobs > 0 ? a.jobs : std::max(1u, std::thread::hardware_concurrency());
    sw::run_local(plan, todo, jobs);
    merged = sw::merge(plan);
  } else {
    if (a.slurm.dry_run) {
      std::cout << sw::run_slurm(plan, todo, a.slurm);
      return;
    }
    if (flow::capture("command -v sbatch").empty())
      throw Failure("--executor slurm needs sbatch on the PATH (Debian: slurm-wlm; a test cluster: scripts/slurm-local.sh start)");
    if (!todo.empty()) sw::run_slurm(plan, todo, a.slurm);
    // The merge job wrote results.json; when it could not (it failed, or nothing was submitted), merge here.
    if (!fs::exists(plan.out / "results.json") || todo.empty()) {
      merged = sw::merge(plan);
    } else {
      merged = json::parse(flow::read_file(plan.out / "results.json"));
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_file_atomic(plan.out / "last-run.json", json({{"executor", a.executor}, {"seconds", secs}, {"ran", todo.size()},
                                                      {"skipped", plan.spec.points.size() - todo.size()}})
                                                    .dump(2) + "\n");
  progress(fmt::format("[sweep] {}: {} points run in {:.1f} s ({} executor)", spec.name, todo.size(), secs, a.executor));
  if (a.json) std::cout << merged.dump(2) << '\n';
  else std::cout << table(merged, plan.out);
  const auto failed = merged["summary"]["failed"].get<std::size_t>();
  if (failed)
    throw Failure(fmt::format("{} of {} points failed (each with its log in {}/pareto.md; run the same command again to rerun only them)",
                              failed, plan.spec.points.size(), plan.out.string()));
}

const char* kSweepHelp =
    "Design-space sweep: every point of SPEC (JSON; TOML is not accepted: no C++ TOML library is installed on Debian 12 here)\n"
    "runs `qsq synth --quick --no-fpga`, `qsq energy`, `qsq metrics` (and `qsq eval` when it names a network) through the\n"
    "shared cache of --work, on a local process pool or as one Slurm job array; the results merge into OUT/results.csv and\n"
    "results.json (per point: parameters, status, area, fmax, pJ/MAC and error per quality level, accuracy), OUT/pareto.md\n"
    "and OUT/plots/*.png (per workload: energy per MAC against MRED, accuracy and area; dominated points marked). A point\n"
    "that fails is reported with its log; the others go on. Running the same sweep again runs only the points without a result.";

std::string spec_help() {
  std::string s =
      "Spec (docs/sweep.md):\n"
      "  {\"name\": \"smoke\", \"defaults\": {\"preset\": \"small\", \"cycles\": 200},\n"
      "   \"grid\": {\"lanes\": [2, 3], \"workload\": [\"random\", \"stationary\"]}, \"points\": [{\"lanes\": 1}]}\n"
      "Point parameters:\n";
  for (const auto& [k, h] : sw::parameter_help()) s += fmt::format("  {:<11} {}\n", k, h);
  return s;
}

}  // namespace

void register_sweep(CLI::App& app) {
  auto a = std::make_shared<SweepArgs>();
  auto* cmd = app.add_subcommand("sweep", kSweepHelp);
  cmd->footer(spec_help());
  cmd->add_option("spec", a->spec, "sweep specification (JSON)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--executor", a->executor, "local: a process pool here; slurm: one sbatch job array + a dependent merge job")
      ->capture_default_str()->check(CLI::IsMember({"local", "slurm"}));
  cmd->add_option("--out", a->out, "output directory (default out/sweep/<name>); a point's results are in OUT/points/<id>/");
  cmd->add_option("--work", a->work, "shared work and cache directory (on a shared file system for a multi-node cluster)")
      ->capture_default_str();
  cmd->add_option("--jobs,-j", a->jobs, "local: points at once (default: the number of cores)")->check(CLI::Range(1, 1024));
  cmd->add_option("--timeout", a->timeout_s, "seconds per point before it is ended and reported failed (0: none; slurm: --time)")
      ->capture_default_str()->check(CLI::Range(0.0, 1e7));
  cmd->add_option("--retries", a->slurm.retries, "slurm: resubmissions of failed or missing points")->capture_default_str()
      ->check(CLI::Range(0, 100));
  cmd->add_option("--max-parallel", a->slurm.max_parallel, "slurm: tasks of the array running at once (%limit; 0: no limit)")
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--partition", a->slurm.partition, "slurm: partition");
  cmd->add_option("--sbatch-args", a->slurm.sbatch_args, "slurm: extra #SBATCH arguments, ';'-separated (e.g. \"--mem=4G;--qos=long\")");
  cmd->add_flag("--dry-run", a->slurm.dry_run, "slurm: write and print the scripts and sbatch command lines; submit nothing");
  cmd->add_flag("--json", a->json, "print {\"points\": [{\"params\", \"status\", \"pareto\", ...}], \"fronts\", \"summary\"}");
  cmd->callback([a] {
    try {
      run_sweep(*a);
    } catch (const qsq::Error& e) {
      throw Failure(e.what());
    }
  });

  // Workers: hidden from --help; the executors call them with absolute paths.
  auto pp = std::make_shared<std::pair<std::string, std::size_t>>();
  auto* point = app.add_subcommand("sweep-point", "run one point of a sweep plan (used by `qsq sweep`)")->group("");
  point->add_option("plan", pp->first, "OUT/plan.json")->required();
  point->add_option("index", pp->second, "the point's index in the plan")->required();
  point->callback([pp] {
    try {
      const sw::Plan plan = sw::read_plan(pp->first);
      if (pp->second >= plan.spec.points.size())
        throw Failure(fmt::format("point index {} is out of range (the plan has {} points)", pp->second, plan.spec.points.size()));
      if (sw::state_of(plan, pp->second) == sw::State::done) return;  // a rerun: nothing to do
      if (!sw::run_point(plan, pp->second)) throw Failure("point " + plan.spec.points[pp->second].id + " failed (see its status.json)");
    } catch (const qsq::Error& e) {
      throw Failure(e.what());
    }
  });
  auto mp = std::make_shared<std::string>();
  auto* merge = app.add_subcommand("sweep-merge", "merge the points of a sweep plan (used by `qsq sweep`)")->group("");
  merge->add_option("plan", *mp, "OUT/plan.json")->required();
  merge->callback([mp] {
    try {
      const json m = sw::merge(sw::read_plan(*mp));
      progress(fmt::format("[sweep] merged {} points: {} done, {} failed", m["summary"]["points"].get<std::size_t>(),
                           m["summary"]["done"].get<std::size_t>(), m["summary"]["failed"].get<std::size_t>()));
    } catch (const qsq::Error& e) {
      throw Failure(e.what());
    }
  });
}

}  // namespace qsq::cli
