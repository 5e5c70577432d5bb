#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/progress.hpp"
#include "qsq/flow/tool.hpp"
#include "qsq/sweep/executor.hpp"

namespace qsq::sweep {

namespace {

using flow::shell_quote;

std::string header(const Plan& plan, const SlurmOptions& o, const std::string& job, const std::string& output) {
  std::string s = "#!/bin/bash\n";
  s += "# Written by `qsq sweep --executor slurm` for sweep " + plan.spec.name + " (plan " + plan_path(plan.out).string() + ").\n";
  s += "# Every path is absolute: on a multi-node cluster OUT and the cache must be on a shared file system.\n";
  s += "#SBATCH --job-name=" + job + "\n";
  s += "#SBATCH --output=" + output + "\n";
  if (!o.partition.empty()) s += "#SBATCH --partition=" + o.partition + "\n";
  for (std::size_t at = 0; at < o.sbatch_args.size();) {
    std::size_t semi = o.sbatch_args.find(';', at);
    if (semi == std::string::npos) semi = o.sbatch_args.size();
    const std::string a = o.sbatch_args.substr(at, semi - at);
    if (!a.empty()) s += "#SBATCH " + a + "\n";
    at = semi + 1;
  }
  return s;
}

std::string job_id_of(const std::string& parsable) {
  // `sbatch --parsable` prints "ID" or "ID;CLUSTER".
  std::string id = parsable.substr(0, parsable.find_first_of(";\n"));
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
    throw Error("sbatch printed no job id: '" + parsable + "'");
  return id;
}

std::string submit(const Plan& plan, const std::string& command, int round) {
  const fs::path dir = plan.out / "slurm", id_file = dir / fmt::format("submit-{}.id", round);
  flow::run_tool(command + " > " + shell_quote(id_file.string()), dir / fmt::format("submit-{}.log", round), "sbatch");
  return job_id_of(flow::read_file(id_file));
}

// Waits until squeue no longer lists any of the jobs. squeue answers "Invalid job id" for jobs
// slurmctld has already forgotten: that is finished too. Any other error (slurmctld briefly
// unreachable) is waited out.
void wait_for(const std::vector<std::string>& ids, double poll_s) {
  std::string list;
  for (const auto& i : ids) list += (list.empty() ? "" : ",") + i;
  for (;;) {
    const std::string q = flow::capture("squeue -h -o %i -j " + list + " 2>&1; echo rc=$?");
    const bool ok = q.find("rc=0") != std::string::npos;
    const std::string body = q.substr(0, q.find("rc="));
    if (q.find("Invalid job id") != std::string::npos) return;
    if (ok && body.find_first_not_of(" \n") == std::string::npos) return;
    std::this_thread::sleep_for(std::chrono::duration<double>(poll_s));
  }
}

}  // namespace

std::string index_ranges(const std::vector<std::size_t>& in) {
  std::vector<std::size_t> v = in;
  std::sort(v.begin(), v.end());
  std::string s;
  for (std::size_t a = 0; a < v.size();) {
    std::size_t b = a;
    while (b + 1 < v.size() && v[b + 1] == v[b] + 1) ++b;
    if (!s.empty()) s += ',';  // appended piecewise: GCC 12 warns falsely (-Wrestrict) on "," + string
    s += a == b ? std::to_string(v[a]) : fmt::format("{}-{}", v[a], v[b]);
    a = b + 1;
  }
  return s;
}

SlurmScripts slurm_scripts(const Plan& plan, const std::vector<std::size_t>& todo, const SlurmOptions& o) {
  SlurmScripts s;
  const fs::path dir = plan.out / "slurm", logs = dir / "logs";
  s.array_path = (dir / "array.sh").string();
  s.merge_path = (dir / "merge.sh").string();
  const std::string job = "qsq-sweep-" + plan.spec.name;
  s.array = header(plan, o, job, (logs / "point-%a-job%A.out").string());
  s.array += "#SBATCH --array=" + index_ranges(todo) + (o.max_parallel > 0 ? "%" + std::to_string(o.max_parallel) : "") + "\n";
  s.array += "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
  if (plan.timeout_s > 0) s.array += fmt::format("#SBATCH --time={}\n", static_cast<long>(std::ceil(plan.timeout_s / 60.0)) + 1);
  s.array += "# One point per task: the array index is the point's index in the plan.\n";
  s.array += "exec " + shell_quote(plan.qsq.string()) + " sweep-point " + shell_quote(plan_path(plan.out).string()) +
             " \"$SLURM_ARRAY_TASK_ID\"\n";
  s.merge = header(plan, o, job + "-merge", (logs / "merge-%j.out").string());
  s.merge += "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
  s.merge += "# Runs after every task of the array has ended, whatever its exit status (afterany).\n";
  s.merge += "exec " + shell_quote(plan.qsq.string()) + " sweep-merge " + shell_quote(plan_path(plan.out).string()) + "\n";
  s.commands = {"sbatch --parsable " + shell_quote(s.array_path),
                "sbatch --parsable --dependency=afterany:<ARRAY_JOB_ID> " + shell_quote(s.merge_path)};
  return s;
}

std::string run_slurm(const Plan& plan, const std::vector<std::size_t>& todo_in, const SlurmOptions& o) {
  std::vector<std::size_t> todo = todo_in;
  const fs::path logs = plan.out / "slurm" / "logs";
  fs::create_directories(logs);
  if (o.dry_run) {
    const SlurmScripts s = slurm_scripts(plan, todo, o);
    flow::write_file_atomic(s.array_path, s.array);
    flow::write_file_atomic(s.merge_path, s.merge);
    return "# " + s.array_path + "\n" + s.array + "\n# " + s.merge_path + "\n" + s.merge + "\n# submission (dry run: nothing submitted)\n" +
           s.commands[0] + "\n" + s.commands[1] + "\n";
  }
  for (int round = 0;; ++round) {
    std::error_code ec;
    fs::remove(plan.out / "results.json", ec);  // the merge job of this round writes it again
    const SlurmScripts s = slurm_scripts(plan, todo, o);
    flow::write_file_atomic(s.array_path, s.array);
    flow::write_file_atomic(s.merge_path, s.merge);
    const std::string array_id = submit(plan, "sbatch --parsable " + shell_quote(s.array_path), 2 * round);
    const std::string merge_id =
        submit(plan, "sbatch --parsable --dependency=afterany:" + array_id + " " + shell_quote(s.merge_path), 2 * round + 1);
    flow::progress(fmt::format("[sweep] slurm: round {}: array job {} ({} tasks: {}), merge job {}", round, array_id, todo.size(),
                               index_ranges(todo), merge_id));
    wait_for({array_id, merge_id}, o.poll_s);
    std::vector<std::size_t> again;
    for (std::size_t i : todo)
      if (state_of(plan, i) != State::done) again.push_back(i);
    flow::progress(fmt::format("[sweep] slurm: round {} ended: {} of {} points done", round, todo.size() - again.size(), todo.size()));
    if (again.empty() || round >= o.retries) break;
    flow::progress("[sweep] slurm: resubmitting points " + index_ranges(again));
    todo = again;
  }
  return "";
}

}  // namespace qsq::sweep
