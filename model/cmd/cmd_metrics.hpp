// Description: the golden model's commands: `qsq metrics` (exhaustive error metrics of the
// multiplier per quality level) and the `metrics` and `codec` stages of `qsq flow`; library
// qsq_cmd_metrics. The JSON and table renderings are shared with anything that prints error
// metrics with the same keys.
// Usage: qsq::cli::register_metrics(app);  std::cout << qsq::cli::metrics_json(report).dump(2);
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "qsq/metrics.hpp"

namespace qsq::cli {
void register_metrics(CLI::App& app);
nlohmann::json metrics_json(const MetricsReport& r);
std::string metrics_table(const MetricsReport& r);
}  // namespace qsq::cli
