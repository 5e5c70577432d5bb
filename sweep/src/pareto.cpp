#include "qsq/sweep/pareto.hpp"

namespace qsq::sweep {

std::vector<bool> pareto_front(const std::vector<std::array<double, 2>>& items) {
  // Quadratic, on purpose: sweeps have hundreds of items, and this is obviously right.
  std::vector<bool> on(items.size(), true);
  for (std::size_t i = 0; i < items.size(); ++i)
    for (std::size_t j = 0; j < items.size() && on[i]; ++j) {
      const auto &a = items[j], &b = items[i];
      if (a[0] <= b[0] && a[1] <= b[1] && (a[0] < b[0] || a[1] < b[1])) on[i] = false;
    }
  return on;
}

}  // namespace qsq::sweep
