// Description: Pareto fronts for the sweep report: an item is on the front when no other item is
// at least as good in both objectives and strictly better in one (both minimised; equal items are
// all on the front).
// Usage:
//   std::vector<bool> on = qsq::sweep::pareto_front({{1.0, 3.0}, {2.0, 1.0}, {2.5, 3.5}});  // {1, 1, 0}
#pragma once
#include <array>
#include <vector>

namespace qsq::sweep {

std::vector<bool> pareto_front(const std::vector<std::array<double, 2>>& items);

}  // namespace qsq::sweep
