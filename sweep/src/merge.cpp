#include "qsq/sweep/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/plot.hpp"
#include "qsq/flow/provenance.hpp"
#include "qsq/sweep/pareto.hpp"

namespace qsq::sweep {

using json = nlohmann::json;

namespace {

std::string workload_of(const json& p) { return p.at("params").at("workload").get<std::string>(); }
bool is_done(const json& p) { return p.value("status", "") == "done"; }

// Distinct values of one parameter among points, as text ("10, 5"), for figure titles.
std::string values_of(const std::vector<const json*>& pts, const std::string& key, const std::string& absent) {
  std::set<std::string> v;
  for (const json* p : pts) {
    const json& params = p->at("params");
    v.insert(!params.contains(key) ? absent : params[key].is_string() ? params[key].get<std::string>() : params[key].dump());
  }
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string csv_field(const json& v) {
  if (v.is_null()) return "";
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

json mark_pareto(std::vector<json> points) {
  std::map<std::string, std::vector<std::size_t>> by_workload;  // done points per workload
  for (std::size_t i = 0; i < points.size(); ++i) {
    json& p = points[i];
    p["pareto"] = false;
    if (!is_done(p)) continue;
    p["pareto_area"] = false;
    for (auto& l : p["levels"]) {
      if (l.contains("mred")) l["pareto_error"] = false;
      if (l.contains("acc")) l["pareto_accuracy"] = false;
    }
    by_workload[workload_of(p)].push_back(i);
  }
  json fronts = json::object();
  for (const auto& [wl, idx] : by_workload) {
    // Energy against error and against accuracy, over (point, level).
    for (const char* what : {"error", "accuracy"}) {
      const bool err = std::string(what) == "error";
      const char* key = err ? "mred" : "acc";
      std::vector<std::array<double, 2>> items;
      std::vector<std::pair<std::size_t, std::size_t>> where;
      for (std::size_t i : idx)
        for (std::size_t k = 0; k < points[i]["levels"].size(); ++k) {
          const json& l = points[i]["levels"][k];
          if (!l.contains(key)) continue;
          const double v = l[key].get<double>();
          items.push_back({l.at("pj_per_mac").get<double>(), err ? v : 1.0 - v});
          where.emplace_back(i, k);
        }
      if (items.empty()) continue;
      const auto on = pareto_front(items);
      json f = json::array();
      for (std::size_t n = 0; n < on.size(); ++n) {
        if (!on[n]) continue;
        json& p = points[where[n].first];
        p["levels"][where[n].second][std::string("pareto_") + what] = true;
        p["pareto"] = true;
        f.push_back({{"id", p["id"]}, {"q", p["levels"][where[n].second]["q"]}});
      }
      fronts[wl][std::string("energy_") + what] = f;
    }
    // Energy at the exact (highest) level against area, over points.
    std::vector<std::array<double, 2>> items;
    for (std::size_t i : idx)
      items.push_back({points[i]["levels"].back().at("pj_per_mac").get<double>(), points[i].at("area_um2").get<double>()});
    const auto on = pareto_front(items);
    json f = json::array();
    for (std::size_t n = 0; n < on.size(); ++n)
      if (on[n]) {
        points[idx[n]]["pareto_area"] = true;
        points[idx[n]]["pareto"] = true;
        f.push_back(points[idx[n]]["id"]);
      }
    fronts[wl]["energy_area"] = f;
  }
  std::size_t done = 0;
  for (const auto& p : points) done += is_done(p) ? 1 : 0;
  return {{"points", points}, {"fronts", fronts}, {"summary", {{"points", points.size()}, {"done", done}, {"failed", points.size() - done}}}};
}

std::string results_csv(const json& merged) {
  std::set<std::string> keys;
  for (const auto& p : merged.at("points"))
    for (const auto& [k, _] : p.at("params").items()) keys.insert(k);
  const std::vector<std::string> point_cols = {"status", "area_um2", "kge", "fmax_mhz", "worst_slack_ns", "baseline_pj_per_mac",
                                               "pareto", "pareto_area"};
  const std::vector<std::string> level_cols = {"q", "p", "pj_per_mac", "pj_per_mac_ungated", "mae", "wce", "mred", "ep",
                                               "acc", "pareto_error", "pareto_accuracy"};
  std::string out = "id";
  for (const auto& k : keys) out += "," + k;
  for (const auto& c : point_cols) out += "," + c;
  for (const auto& c : level_cols) out += "," + c;
  out += ",log,error\n";
  // Fields appended piecewise: GCC 12 warns falsely (-Wrestrict) on "," + std::string.
  auto field = [](std::string& s, const json& v) {
    s += ',';
    s += csv_field(v);
  };
  for (const auto& p : merged.at("points")) {
    std::string head = csv_field(p.at("id"));
    for (const auto& k : keys) field(head, p["params"].contains(k) ? p["params"][k] : json());
    for (const auto& c : point_cols) field(head, p.contains(c) ? p[c] : json());
    std::string tail;
    field(tail, p.contains("log") ? p["log"] : json());
    field(tail, p.contains("error") ? p["error"] : json());
    tail += '\n';
    if (!is_done(p)) {
      out += head;
      out += std::string(level_cols.size(), ',');
      out += tail;
      continue;
    }
    for (const auto& l : p.at("levels")) {
      out += head;
      for (const auto& c : level_cols) field(out, l.contains(c) ? l[c] : json());
      out += tail;
    }
  }
  return out;
}

namespace {

// One PNG per workload and front: dominated items as points, the front as a line through its items.
std::string plot_fronts(const Plan& plan, const json& merged) {
  const fs::path plots = plan.out / "plots", work = plots / "work";
  std::map<std::string, std::vector<const json*>> by_wl;
  for (const auto& p : merged["points"])
    if (is_done(p)) by_wl[workload_of(p)].push_back(&p);
  std::string md;
  for (const auto& [wl, pts] : by_wl) {
    const std::string title = fmt::format(
        "sweep {}: workload {}, seed {}, {} cycles/level, library {}, clock {} ns (zero-delay, no glitches)", plan.spec.name, wl,
        values_of(pts, "seed", "1"), values_of(pts, "cycles", "?"), values_of(pts, "liberty", "OSU 0.18 um"),
        values_of(pts, "clock_ns", "?"));
    struct Fig {
      std::string name, xlabel, ylabel;
    };
    for (const Fig& fig : {Fig{"energy_error", "MRED (exhaustive over operand pairs)", "pJ per MAC"},
                           Fig{"energy_accuracy", "top-1 accuracy", "pJ per MAC"},
                           Fig{"energy_area", "area (um^2)", "pJ per MAC at the exact level"}}) {
      std::string front, rest;
      std::vector<std::pair<double, std::string>> front_rows;
      for (const json* p : pts) {
        auto row = [&](double x, double y, bool on, const std::string& label) {
          const std::string line = fmt::format("{} {} \"{}\"\n", x, y, label);
          if (on) front_rows.emplace_back(x, line);
          else rest += line;
        };
        const std::string pl = (*p)["id"].get<std::string>().substr(0, 6);
        if (fig.name == "energy_area") {
          row((*p)["area_um2"].get<double>(), (*p)["levels"].back()["pj_per_mac"].get<double>(), (*p)["pareto_area"].get<bool>(), pl);
          continue;
        }
        const char* key = fig.name == "energy_error" ? "mred" : "acc";
        const char* flag = fig.name == "energy_error" ? "pareto_error" : "pareto_accuracy";
        for (const auto& l : (*p)["levels"])
          if (l.contains(key))
            row(l[key].get<double>(), l["pj_per_mac"].get<double>(), l[flag].get<bool>(), pl + " q" + l["q"].dump());
      }
      if (front_rows.empty() && rest.empty()) continue;
      std::sort(front_rows.begin(), front_rows.end());
      for (const auto& [_, line] : front_rows) front += line;
      const std::string base = wl + "_" + fig.name;
      flow::write_file_atomic(work / (base + "_front.dat"), front);
      flow::write_file_atomic(work / (base + "_dominated.dat"), rest.empty() ? "nan nan \"\"\n" : rest);
      const std::string gp = fmt::format(
          "set title '{}' noenhanced font ',9'\nset xlabel '{}'\nset ylabel '{}'\nset key top right\nset grid\n"
          "plot '{}' u 1:2 w lp pt 7 lw 2 t 'Pareto front', '' u 1:2:3 w labels offset 0,1 font ',7' notitle, "
          "'{}' u 1:2 w p pt 6 t 'dominated'\n",
          title, fig.xlabel, fig.ylabel, (work / (base + "_front.dat")).string(), (work / (base + "_dominated.dat")).string());
      try {
        flow::plot_png(gp, plots / (base + ".png"), work, "900,560");
        md += fmt::format("![{}](plots/{}.png)\n\n", base, base);
      } catch (const Error& e) {
        md += "(no plot " + base + ": " + strip_out(plan, e.what()) + ")\n\n";
      }
    }
  }
  return md;
}

std::string report_md(const Plan& plan, const json& merged, const std::string& plots_md) {
  std::string s = fmt::format("# Sweep {}\n\n{}\n\n{} points: {} done, {} failed. Energy: gate-level toggles, zero-delay "
                              "(glitches not seen). Error: exhaustive multiplier metrics per level.\n\n",
                              plan.spec.name, plan.spec.description, merged["summary"]["points"].get<std::size_t>(),
                              merged["summary"]["done"].get<std::size_t>(), merged["summary"]["failed"].get<std::size_t>());
  for (const auto& [wl, f] : merged["fronts"].items()) {
    s += "## Workload " + wl + "\n\n| point | parameters | q | pJ/MAC | MRED | acc | area um^2 | fronts |\n|---|---|---|---|---|---|---|---|\n";
    for (const auto& p : merged["points"]) {
      if (!is_done(p) || workload_of(p) != wl || !p["pareto"].get<bool>()) continue;
      for (const auto& l : p["levels"]) {
        std::string on;
        if (l.value("pareto_error", false)) on += "error ";
        if (l.value("pareto_accuracy", false)) on += "accuracy ";
        if (&l == &p["levels"].back() && p["pareto_area"].get<bool>()) on += "area";
        if (on.empty()) continue;
        s += fmt::format("| {} | {} | {} | {:.4f} | {} | {} | {:.0f} | {} |\n", p["id"].get<std::string>(), p["params"].dump(),
                         l["q"].get<int>(), l["pj_per_mac"].get<double>(), l.contains("mred") ? l["mred"].dump() : "",
                         l.contains("acc") ? l["acc"].dump() : "", p["area_um2"].get<double>(), on);
      }
    }
    s += "\n";
  }
  bool any_failed = false;
  for (const auto& p : merged["points"])
    if (!is_done(p)) {
      if (!any_failed) s += "## Failed points\n\n| point | parameters | log | error |\n|---|---|---|---|\n";
      any_failed = true;
      s += fmt::format("| {} | {} | {} | {} |\n", p["id"].get<std::string>(), p["params"].dump(), p.value("log", ""),
                       p.value("error", ""));
    }
  return s + "\n" + plots_md;
}

}  // namespace

json merge(const Plan& plan, bool plots) {
  std::vector<json> points;
  json timings = json::object();
  for (std::size_t i = 0; i < plan.spec.points.size(); ++i) {
    const Point& pt = plan.spec.points[i];
    json r = read_point(plan, i);
    if (r.empty()) {
      // No result and no failure record: the task never ran or was killed (a Slurm time limit, a
      // node lost). Its output is the local pool's point.log or the Slurm task's log.
      const fs::path local_log = point_dir(plan, i) / "point.log";
      r = {{"status", "failed"},
           {"log", fs::exists(local_log) ? relative_to_out(plan, local_log) : fmt::format("slurm/logs/point-{}-job*.out", i)},
           {"error", "no result: the point did not finish (not run, killed or timed out)"}};
    }
    // Keep the plan's view of the point (parameters, id) in front of whatever the point wrote.
    r["id"] = pt.id;
    r["params"] = pt.params;
    points.push_back(std::move(r));
    try {
      timings[pt.id] = json::parse(flow::read_file(point_dir(plan, i) / "timing.json")).at("seconds");
    } catch (const std::exception&) {
    }
  }
  json merged = mark_pareto(std::move(points));
  json doc = flow::json_header();
  doc["sweep"] = plan.spec.name;
  doc["description"] = plan.spec.description;
  doc.update(merged);
  flow::write_file_atomic(plan.out / "results.json", doc.dump(2) + "\n");
  flow::write_file_atomic(plan.out / "results.csv", results_csv(doc));
  flow::write_file_atomic(plan.out / "timings.json", timings.dump(2) + "\n");
  const std::string plots_md = plots ? plot_fronts(plan, doc) : std::string();
  flow::write_file_atomic(plan.out / "pareto.md", report_md(plan, doc, plots_md));
  return doc;
}

}  // namespace qsq::sweep
