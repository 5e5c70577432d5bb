// Description: merging a sweep's points into one table and a Pareto report. Per workload, three
// fronts (all minimised): energy per MAC against MRED over every (point, quality level); energy
// per MAC against 1 - top-1 accuracy over the levels of points with a network; and energy per MAC
// at the exact level against area over points. A point is marked "pareto" when it is on any of
// them. Outputs in OUT: results.json and results.csv (deterministic: equal for equal points
// whatever ran them, so executors compare bit for bit), pareto.md, plots/<workload>_*.png
// (gnuplot), and timings.json (per point and step seconds: the one file that differs between runs).
// Usage:
//   nlohmann::json merged = qsq::sweep::merge(plan);        // what `qsq sweep --json` prints
//   nlohmann::json marked = qsq::sweep::mark_pareto(points); // the pure part (tested alone)
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qsq/sweep/plan.hpp"

namespace qsq::sweep {

// Marks "pareto", "pareto_area" (per point) and "pareto_error", "pareto_accuracy" (per level) on
// the points (done ones as result.json has them, failed ones with status "failed"), and returns
// {"points": [...], "fronts": {workload: {...}}, "summary": {...}}.
nlohmann::json mark_pareto(std::vector<nlohmann::json> points);

// One row per (point, level); a failed point has one row with its log and error.
std::string results_csv(const nlohmann::json& merged);

// Reads the plan's points from OUT, writes the files above; returns the merged document.
nlohmann::json merge(const Plan& plan, bool plots = true);

}  // namespace qsq::sweep
