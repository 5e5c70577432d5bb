// Description: JSON and table renderings of a qsq::MetricsReport, shared by `qsq metrics` and any
// command that prints error metrics with the same keys (e.g. `qsq compare-mult`).
// Usage: std::cout << qsq::cli::metrics_json(report).dump(2);
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "qsq/metrics.hpp"

namespace qsq::cli {
nlohmann::json metrics_json(const MetricsReport& r);
std::string metrics_table(const MetricsReport& r);
}  // namespace qsq::cli
