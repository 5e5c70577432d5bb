// Description: a sweep's plan (OUT/plan.json: the expanded points and the absolute paths every
// worker needs: the qsq executable, the shared cache, the output directory) and the state of a
// point on disk. A point is done when OUT/points/<id>/result.json exists and parses (it is written
// last, atomically); failed when status.json says so; missing otherwise.
// Usage:
//   qsq::sweep::Plan plan = qsq::sweep::make_plan(spec, out, work, qsq_exe, timeout_s);
//   qsq::sweep::write_plan(plan);                       // OUT/plan.json, atomically
//   if (qsq::sweep::state_of(plan, i) != qsq::sweep::State::done) ...
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qsq/sweep/spec.hpp"

namespace qsq::sweep {

namespace fs = std::filesystem;

struct Plan {
  Spec spec;
  fs::path out, work, qsq;  // absolute
  double timeout_s = 0;     // per point; 0: none
};

Plan make_plan(Spec spec, const fs::path& out, const fs::path& work, const fs::path& qsq, double timeout_s);
void write_plan(const Plan& p);
Plan read_plan(const fs::path& plan_json);  // throws qsq::Error
fs::path plan_path(const fs::path& out);    // OUT/plan.json

fs::path point_dir(const Plan& p, std::size_t index);  // OUT/points/<id>
// A path under OUT as the results show it: relative to OUT, so results do not depend on where OUT is.
std::string relative_to_out(const Plan& p, const fs::path& path);
// `text` with OUT's absolute path replaced by "OUT" (error lines that quote a log path).
std::string strip_out(const Plan& p, std::string text);

enum class State { done, failed, missing };
State state_of(const Plan& p, std::size_t index);
// result.json (done) or status.json (failed), parsed; {} when missing.
nlohmann::json read_point(const Plan& p, std::size_t index);
// Records a failure of point `index` seen from outside the point (a timeout, a killed task).
void write_failure(const Plan& p, std::size_t index, const std::string& log, const std::string& error);

}  // namespace qsq::sweep
