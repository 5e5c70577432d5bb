// Description: the two ways a sweep's points run. Both run each point as `qsq sweep-point PLAN
// INDEX` (point.hpp) against the same shared cache, so the merged results do not depend on which
// one ran them. `local`: a pool of threads on this machine, each running one point subprocess in
// a process group of its own (ended after the plan's timeout). `slurm`: one sbatch job array (one
// task per point) and a merge job that depends on it (afterany); the driver waits with squeue and
// the result files, and resubmits the failed and missing points up to `retries` times.
// Usage:
//   qsq::sweep::run_local(plan, todo, 2);
//   std::string dry = qsq::sweep::run_slurm(plan, todo, {.dry_run = true});  // the scripts + commands
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "qsq/sweep/plan.hpp"

namespace qsq::sweep {

void run_local(const Plan& plan, const std::vector<std::size_t>& todo, int jobs);

struct SlurmOptions {
  int retries = 1;          // resubmissions of failed or missing points
  int max_parallel = 0;     // the array's %limit (0: no limit)
  std::string partition;    // --partition (empty: the cluster's default)
  std::string sbatch_args;  // extra #SBATCH arguments, one line each (split at ';')
  bool dry_run = false;
  double poll_s = 2;
};

struct SlurmScripts {
  std::string array, merge;  // the two sbatch scripts
  std::string array_path, merge_path;
  std::vector<std::string> commands;  // the sbatch command lines, in order
};

// "0-3,5,7-8" for sbatch --array.
std::string index_ranges(const std::vector<std::size_t>& indices);
SlurmScripts slurm_scripts(const Plan& plan, const std::vector<std::size_t>& todo, const SlurmOptions& o);

// Dry run: writes the scripts and returns them with the commands as text. Otherwise submits,
// waits, resubmits, and returns "" once the last merge job has ended (results in OUT).
std::string run_slurm(const Plan& plan, const std::vector<std::size_t>& todo, const SlurmOptions& o);

}  // namespace qsq::sweep
