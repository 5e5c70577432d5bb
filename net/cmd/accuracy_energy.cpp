// Accuracy against measured energy per MAC (see accuracy_energy.hpp).
#include "accuracy_energy.hpp"

#include <fmt/format.h>

#include <map>

#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/plot.hpp"
#include "qsq/flow/tool.hpp"
#include "qsq/error.hpp"

namespace qsq::cli::net {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// pJ per MAC of each level of an energy stage's JSON (`qsq energy --json`).
std::map<int, double> level_energy(const json& e) {
  std::map<int, double> m;
  for (const auto& l : e.at("levels")) m[l.at("q").get<int>()] = l.at("pj_per_mac").get<double>();
  return m;
}

}  // namespace

json accuracy_energy(const json& eval, const std::vector<std::pair<std::string, const json*>>& designs, const json& tune_runs) {
  json out = json::array();
  for (const auto& run : tune_runs) {
    const std::string name = run.at("name").get<std::string>();
    const json* ev = nullptr;
    for (const auto& r : eval.at("runs"))
      if (r.at("name") == name) ev = &r;
    if (!ev) continue;
    json entry = {{"name", name}, {"series", json::array()}};
    for (const auto& [label, e] : designs) {
      if (!e || !e->contains("levels")) continue;
      const auto pj = level_energy(*e);
      // The network's levels must be the design's (same data width W).
      bool fits = true;
      for (const auto& l : ev->at("levels")) fits = fits && pj.count(l.at("q").get<int>());
      if (!fits) continue;
      json s = {{"design", label}, {"workload", e->value("workload", "")}, {"levels", json::array()}};
      for (const auto& l : ev->at("levels"))
        s["levels"].push_back({{"q", l.at("q")}, {"acc", l.at("acc")}, {"pj_per_mac", pj.at(l.at("q").get<int>())}});
      double energy = 0, macs = 0;
      for (const auto& l : run.at("layers")) {
        const auto it = pj.find(l.at("q").get<int>());
        if (it == pj.end()) continue;
        energy += l.at("macs").get<double>() * it->second;
        macs += l.at("macs").get<double>();
      }
      if (macs > 0) s["mix"] = {{"acc", run.at("test_acc")}, {"pj_per_mac", energy / macs}};
      entry["series"].push_back(s);
    }
    if (!entry["series"].empty()) out.push_back(entry);
  }
  return out;
}

std::string accuracy_energy_markdown(const json& ae, const fs::path& out_dir) {
  if (ae.empty()) return {};
  std::string s =
      "\n### Accuracy against measured energy per MAC\n\nTest top-1 % of each level (net-eval) at the measured energy per MAC of "
      "that level, and of the tuned per-layer mix (the levels chosen above, priced per layer MACs at each design's pJ/MAC "
      "per level).\n\n| file | design (workload) | q=1 | q=2 | q=3 | q=4 | tuned mix |\n|---|---|---|---|---|---|---|\n";
  const fs::path out = flow::absolute_path(out_dir), plots = out / "work" / "plots";
  std::string plot_cmd;
  int idx = 0;
  for (const auto& e : ae) {
    for (const auto& ser : e["series"]) {
      std::string cells;
      std::string dat;
      for (const auto& l : ser["levels"]) {
        cells += fmt::format(" {:.2f} % at {:.3f} pJ |", 100 * l["acc"].get<double>(), l["pj_per_mac"].get<double>());
        dat += fmt::format("{} {} {}\n", l["pj_per_mac"].get<double>(), 100 * l["acc"].get<double>(), l["q"].get<int>());
      }
      std::string mix = "-";
      if (ser.contains("mix")) {
        mix = fmt::format("{:.2f} % at {:.3f} pJ", 100 * ser["mix"]["acc"].get<double>(), ser["mix"]["pj_per_mac"].get<double>());
        dat += fmt::format("\n\n{} {} mix\n", ser["mix"]["pj_per_mac"].get<double>(), 100 * ser["mix"]["acc"].get<double>());
      }
      s += fmt::format("| {} | {} ({}) |{} {} |\n", e["name"].get<std::string>(), ser["design"].get<std::string>(),
                       ser["workload"].get<std::string>(), cells, mix);
      const fs::path dat_path = plots / fmt::format("accuracy_vs_energy_{}.dat", idx);
      flow::write_file_atomic(dat_path, dat);
      const std::string title = e["name"].get<std::string>() + ", " + ser["design"].get<std::string>();
      plot_cmd += fmt::format("{}'{}' index 0 u 1:2 w lp pt 7 t '{}', '' index 0 u 1:2:3 w labels offset 0.8,0.6 notitle{}",
                              plot_cmd.empty() ? "plot " : ", ", dat_path.string(), title,
                              ser.contains("mix") ? fmt::format(", '' index 1 u 1:2 w p pt 5 ps 1.5 t '{} tuned mix'", title) : "");
      ++idx;
    }
  }
  try {
    flow::plot_png("set xlabel 'measured pJ per MAC (OSU 0.18 um, 10 ns)'\nset ylabel 'test top-1 %'\nset key below maxrows 4\n"
                   "set title 'accuracy against energy per MAC; labels: quality level q'\n" + plot_cmd + "\n",
                   out / "accuracy_vs_energy.png", plots, "1000,720");
    s += "\n![test accuracy against measured energy per MAC, per level and tuned mix](accuracy_vs_energy.png)\n";
  } catch (const qsq::Error& ex) {
    s += "\n(no plot: " + std::string(ex.what()) + ")\n";
  }
  return s;
}

}  // namespace qsq::cli::net
