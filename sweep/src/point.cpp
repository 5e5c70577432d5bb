#include "qsq/sweep/point.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <map>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/progress.hpp"
#include "qsq/flow/tool.hpp"

namespace qsq::sweep {

using json = nlohmann::json;

namespace {

// A parameter that names a file: relative paths are taken from the spec's directory.
std::string path_param(const Plan& plan, const json& params, const char* key) {
  return flow::absolute_path(plan.spec.dir / params.at(key).get<std::string>()).string();
}

std::string num(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

struct Step {
  std::string name;  // synth, energy, metrics, eval: the files <name>.json and <name>.log
  std::string args;  // after the qsq executable
};

// Runs one step; returns its JSON. Throws qsq::Error (the log holds the whole message).
json run_step(const Plan& plan, const fs::path& dir, const Step& s, std::map<std::string, double>& seconds) {
  const fs::path out = dir / (s.name + ".json"), log = dir / (s.name + ".log");
  const fs::path tmp = flow::temp_sibling(out);
  const auto t0 = std::chrono::steady_clock::now();
  try {
    flow::run_tool(flow::shell_quote(plan.qsq.string()) + " " + s.args + " --json > " + flow::shell_quote(tmp.string()),
                   log, "qsq " + s.name);
    flow::publish(tmp, out);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  seconds[s.name] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  try {
    return json::parse(flow::read_file(out));
  } catch (const json::exception& e) {
    throw Error("qsq " + s.name + " printed no JSON (see " + out.string() + "): " + e.what());
  }
}

// The figures of one point that the merged table keeps: deterministic ones only (no timings, no
// hosts, no absolute paths).
json compose(const json& params, const std::string& id, const json& synth, const json& energy, const json& metrics,
             const json* eval) {
  json r = {{"status", "done"}, {"id", id}, {"params", params}};
  r["shape"] = energy.at("shape");
  const json& d = synth.at("designs").at(0);
  r["design"] = d.at("design");
  r["area_um2"] = d.at("asic").at("area_um2");
  r["kge"] = d.at("asic").at("kge");
  r["cells"] = d.at("asic").at("cells");
  r["worst_slack_ns"] = d.at("timing").at("worst_slack_ns");
  r["fmax_mhz"] = d.at("timing").value("fmax_mhz", 0.0);
  r["baseline_pj_per_mac"] = energy.at("baseline").at("pj_per_mac");
  r["library"] = params.contains("liberty") ? params["liberty"].get<std::string>() : std::string("OSU 0.18 um (default)");
  std::map<int, json> err, acc;
  for (const auto& l : metrics.at("levels")) err[l.at("q").get<int>()] = l;
  if (eval)
    for (const auto& l : eval->at("levels")) acc[l.at("q").get<int>()] = l;
  r["levels"] = json::array();
  for (const auto& l : energy.at("levels")) {
    const int q = l.at("q").get<int>();
    json row = {{"q", q}, {"p", l.at("p")}, {"pj_per_mac", l.at("pj_per_mac")}, {"pj_per_mac_ungated", l.at("pj_per_mac_ungated")}};
    if (auto e = err.find(q); e != err.end())
      for (const char* k : {"mae", "wce", "mred", "ep", "mse", "bias"}) row[k] = e->second.at(k);
    if (auto a = acc.find(q); a != acc.end()) row["acc"] = a->second.at("acc");
    r["levels"].push_back(std::move(row));
  }
  r["error_workload"] = metrics.at("workload");
  if (eval && eval->contains("float_acc")) r["float_acc"] = eval->at("float_acc");
  return r;
}

}  // namespace

std::string first_error_line(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.rfind("qsq: error: ", 0) == 0) return line.substr(12);
    if (line.rfind("qsq: internal error: ", 0) == 0) return line.substr(5);
    if (!line.empty()) last = line;
  }
  return last;
}

bool run_point(const Plan& plan, std::size_t index) {
  const Point& pt = plan.spec.points.at(index);
  const json& p = pt.params;
  const fs::path dir = point_dir(plan, index);
  fs::create_directories(dir);
  std::error_code ec;
  fs::remove(dir / "status.json", ec);  // a failure of an earlier run is no longer the news

  const std::string work = flow::shell_quote(plan.work.string());
  std::string shape = "--preset " + p.at("preset").get<std::string>();
  if (p.contains("lanes")) shape += " --lanes " + num(p["lanes"]);
  std::string lib;
  if (p.contains("liberty")) lib = " --liberty " + flow::shell_quote(path_param(plan, p, "liberty"));
  const std::string clock = " --clock-ns " + num(p.at("clock_ns"));

  std::map<std::string, double> seconds;
  std::string step = "synth";
  try {
    const json synth = run_step(plan, dir, {"synth", "synth --quick --no-fpga " + shape + clock + lib + " --work " + work}, seconds);
    // Cheap steps first: a point whose network does not fit the array fails before the energy run.
    step = "metrics";
    const int width = synth.at("shape").at("width").get<int>();
    const json metrics = run_step(plan, dir, {"metrics", "metrics --width " + std::to_string(width)}, seconds);
    json eval;
    if (p.contains("network")) {
      step = "eval";
      std::string a = "eval " + flow::shell_quote(path_param(plan, p, "network")) + " --levels all";
      if (p.contains("data")) a += " --data " + p["data"].get<std::string>();
      if (p.contains("eval_limit")) a += " --limit " + num(p["eval_limit"]);
      eval = run_step(plan, dir, {"eval", a}, seconds);
      // Accuracy joins energy by quality level: only meaningful for a network of the array's width.
      if (eval.at("levels").size() != metrics.at("levels").size())
        throw Error(fmt::format("the network has {} quality levels ({}), the array {} (W = {}): use the preset of the network's width",
                                eval.at("levels").size(), eval.value("arithmetic", std::string("?")), metrics.at("levels").size(),
                                width));
    }
    step = "energy";
    std::string e = "energy " + shape + clock + lib + " --work " + work + " --workload " + p.at("workload").get<std::string>() +
                    " --cycles " + num(p.at("cycles")) + " --seed " + num(p.at("seed"));
    if (p.contains("trace")) e += " --trace " + flow::shell_quote(path_param(plan, p, "trace"));
    const json energy = run_step(plan, dir, {"energy", e}, seconds);
    step = "result";
    const json r = compose(p, pt.id, synth, energy, metrics, p.contains("network") ? &eval : nullptr);
    flow::write_file_atomic(dir / "timing.json", json({{"id", pt.id}, {"seconds", seconds}}).dump(2) + "\n");
    flow::write_file_atomic(dir / "result.json", r.dump(2) + "\n");  // last: "done" means this file
    return true;
  } catch (const std::exception& ex) {
    const fs::path log = dir / (step + ".log");
    // A step that failed by itself has its reason in its log; a check of ours has it in `ex`.
    const bool tool_failed = std::string(ex.what()).find("qsq " + step + " failed") == 0;
    std::string why = tool_failed && fs::exists(log) ? first_error_line(log) : std::string();
    if (why.empty()) why = ex.what();
    write_failure(plan, index, relative_to_out(plan, log), "qsq " + step + ": " + why);
    flow::progress("[sweep] point " + pt.id + " failed in qsq " + step + ": " + strip_out(plan, why));
    return false;
  }
}

}  // namespace qsq::sweep
