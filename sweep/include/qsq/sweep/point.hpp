// Description: one design point of a sweep, run the way a user would run it: `qsq synth --quick
// --no-fpga` (area, fmax), `qsq energy` (pJ per MAC per quality level), `qsq metrics` (error per
// level) and, when the point names a network, `qsq eval` (top-1 accuracy per level), each a
// subprocess of this very qsq with the sweep's shared --work cache, its JSON and log in
// OUT/points/<id>/. The point's result.json is written last and atomically; a failure writes
// status.json (the step's log and its first error line) instead. Timings go to timing.json,
// apart from the results, so that results compare bit for bit between executors and runs.
// Usage (what `qsq sweep-point PLAN INDEX` does):
//   bool done = qsq::sweep::run_point(plan, index);
#pragma once
#include <cstddef>
#include <string>

#include "qsq/sweep/plan.hpp"

namespace qsq::sweep {

bool run_point(const Plan& plan, std::size_t index);

// The first "qsq: error: ..." line of a log (without the prefix), else its last non-empty line.
std::string first_error_line(const fs::path& log);

}  // namespace qsq::sweep
