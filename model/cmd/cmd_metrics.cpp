// `qsq metrics`: exhaustive (or seeded sampled) error metrics of the quality-scalable multiplier,
// and the `metrics` and `codec` stages of `qsq flow`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "cmd_metrics.hpp"

#include "cli.hpp"
#include "qsq/metrics.hpp"
#include "qsq/quantize.hpp"
#include "qsq/synthetic.hpp"

namespace qsq::cli {

nlohmann::json metrics_json(const MetricsReport& r) {
  nlohmann::json j = json_header();
  j["width"] = r.width;
  j["signed"] = r.is_signed;
  j["exhaustive"] = r.exhaustive;
  j["pairs"] = r.pairs;
  j["seed"] = r.seed;
  j["workload"] = r.exhaustive ? "all signed operand pairs" : "uniform random signed operand pairs (std::mt19937_64)";
  j["levels"] = nlohmann::json::array();
  for (const auto& l : r.levels) {
    j["levels"].push_back({{"q", l.quality.q}, {"p", l.quality.p}, {"mae", l.mae}, {"wce", l.wce},
                           {"mred", l.mred}, {"ep", l.ep}, {"mse", l.mse}, {"bias", l.bias},
                           {"avg_digits", l.avg_digits}});
  }
  return j;
}

std::string metrics_table(const MetricsReport& r) {
  std::string s = fmt::format("Quality-scalable CSD multiplier, W = {} signed, {} ({} pairs per level{})\n",
                              r.width, r.exhaustive ? "exhaustive" : "sampled", r.pairs,
                              r.exhaustive ? "" : fmt::format(", seed {}", r.seed));
  s += fmt::format("{:>3} {:>3} {:>12} {:>10} {:>10} {:>8} {:>14} {:>10} {:>10}\n", "q", "p", "mae", "wce", "mred",
                   "ep", "mse", "bias", "digits");
  for (const auto& l : r.levels)
    s += fmt::format("{:>3} {:>3} {:>12.4f} {:>10.0f} {:>10.6f} {:>8.4f} {:>14.2f} {:>10.4f} {:>10.4f}\n",
                     l.quality.q, l.quality.p, l.mae, l.wce, l.mred, l.ep, l.mse, l.bias, l.avg_digits);
  return s;
}

namespace {

std::string metrics_markdown(const nlohmann::json& j) {
  std::string s = fmt::format(
      "Workload: {}, W = {}, {} pairs per level{}. Definitions: docs/metrics.md.\n\n"
      "| q | p | mae | wce | mred | ep | mse | bias | avg digits |\n|---|---|---|---|---|---|---|---|---|\n",
      j["workload"].get<std::string>(), j["width"].get<int>(), j["pairs"].get<std::uint64_t>(),
      j["exhaustive"].get<bool>() ? "" : fmt::format(", seed {}", j["seed"].get<std::uint64_t>()));
  for (const auto& l : j["levels"])
    s += fmt::format("| {} | {} | {:.4f} | {:.0f} | {:.6f} | {:.4f} | {:.2f} | {:.4f} | {:.4f} |\n", l["q"].get<int>(),
                     l["p"].get<int>(), l["mae"].get<double>(), l["wce"].get<double>(), l["mred"].get<double>(),
                     l["ep"].get<double>(), l["mse"].get<double>(), l["bias"].get<double>(),
                     l["avg_digits"].get<double>());
  return s;
}

// Codebook x code width x scale method on the synthetic LeNet-5 weights.
nlohmann::json codec_study(std::uint64_t seed) {
  const auto weights = synthetic_lenet5_float_weights(seed);
  const int filters[] = {6, 16, 120, 84, 10};
  nlohmann::json rows = nlohmann::json::array();
  for (int cb = 0; cb < kNumCodebooks; ++cb) {
    for (int bits = limits::kCodeBitsMin; bits <= limits::kCodeBitsMax; ++bits) {
      for (ScaleMethod m : {ScaleMethod::max_abs, ScaleMethod::search}) {
        Params p;
        p.codebook = static_cast<CodebookId>(cb);
        p.code_bits = bits;
        double sq = 0, ref = 0, z0 = 0, z1 = 0, n = 0;
        for (std::size_t i = 0; i < weights.size(); ++i) {
          const auto q = quantize_weights(weights[i], filters[i], p, m);
          const auto st = quant_stats(weights[i], q);
          const double k = static_cast<double>(weights[i].size());
          double r = 0;
          for (float w : weights[i]) r += static_cast<double>(w) * w;
          sq += st.mse * k;
          ref += r;
          z0 += st.zeros_before * k;
          z1 += st.zeros_after * k;
          n += k;
        }
        rows.push_back({{"codebook", std::string(codebook_name(p.codebook))}, {"bits", bits},
                        {"scale", std::string(scale_method_name(m))}, {"rel_rmse", std::sqrt(sq / ref)},
                        {"zeros_before", z0 / n}, {"zeros_after", z1 / n}});
      }
    }
  }
  nlohmann::json j = json_header();
  j["workload"] = "synthetic LeNet-5 weights (Laplace, He-scaled)";
  j["seed"] = seed;
  j["width"] = defaults::kWidth;
  j["rows"] = rows;
  return j;
}

std::string codec_markdown(const nlohmann::json& j) {
  std::string s = fmt::format(
      "Workload: {}, seed {}, W = {}. rel_rmse = RMS(dequantized - float) / RMS(float) over all 61 706 "
      "weights; zeros = fraction of weights equal to 0.\n\n| codebook | bits | scale | rel_rmse | zeros before | "
      "zeros after |\n|---|---|---|---|---|---|\n",
      j["workload"].get<std::string>(), j["seed"].get<std::uint64_t>(), j["width"].get<int>());
  for (const auto& r : j["rows"])
    s += fmt::format("| {} | {} | {} | {:.4f} | {:.4f} | {:.4f} |\n", r["codebook"].get<std::string>(),
                     r["bits"].get<int>(), r["scale"].get<std::string>(), r["rel_rmse"].get<double>(),
                     r["zeros_before"].get<double>(), r["zeros_after"].get<double>());
  return s;
}

}  // namespace

void register_metrics(CLI::App& app) {
  struct Opts {
    int width = defaults::kWidth;
    int p = 0;
    std::vector<int> levels;
    std::uint64_t seed = 1;
    std::uint64_t samples = 0;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("metrics",
                                 "Error metrics of the quality-scalable multiplier at every quality level: exhaustive "
                                 "over all operand pairs for W <= 12, a seeded uniform sample above.");
  cmd->add_option("--width,-w", o->width, "operand width W (4..16)")->capture_default_str();
  cmd->add_option("-p,--drop-below", o->p, "drop CSD digits below this position (0 keeps all)")->capture_default_str();
  cmd->add_option("--levels", o->levels, "quality levels to report (default: 1..Qmax)");
  cmd->add_option("--seed", o->seed, "seed of the sample (W > 12)")->capture_default_str();
  cmd->add_option("--samples", o->samples, "pairs per level when sampling (default 2^24)");
  cmd->add_flag("--json", o->json, "print JSON instead of the table");
  cmd->callback([o] {
    require_range("width", o->width, limits::kWidthMin, limits::kWidthMax);
    std::vector<Quality> levels;
    if (o->levels.empty()) {
      levels = all_levels(o->width, o->p);
    } else {
      for (int q : o->levels) {
        require_range("quality level", q, 1, max_digits(o->width));
        levels.push_back({q, o->p});
      }
    }
    for (const auto& l : levels) validate_quality(l, o->width);
    const auto r = multiplier_metrics(o->width, levels, o->seed, o->samples);
    if (o->json) std::cout << metrics_json(r).dump(2) << '\n';
    else std::cout << metrics_table(r);
  });

  flow::add_stage({.name = "metrics",
                   .title = "Multiplier error per quality level",
                   .code = {"metrics"},
                   .params = [](const StageContext&) { return fmt::format("W={} p=0 exhaustive", defaults::kWidth); },
                   .run = [](StageContext&) {
                     const auto levels = all_levels(defaults::kWidth);
                     return metrics_json(multiplier_metrics(defaults::kWidth, levels, 1, 0));
                   },
                   .markdown = [](const nlohmann::json& j, const StageContext&) { return metrics_markdown(j); }});
  flow::add_stage({.name = "codec",
                   .title = "3-bit weight codebooks and scale choices",
                   .code = {"metrics"},
                   .params = [](const StageContext&) { return std::string("synthetic-lenet5 seed=1"); },
                   .run = [](StageContext&) { return codec_study(1); },
                   .markdown = [](const nlohmann::json& j, const StageContext&) { return codec_markdown(j); }});
}

}  // namespace qsq::cli
