#include "qsq/flow/stage.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/hash.hpp"
#include "qsq/flow/progress.hpp"
#include "qsq/flow/provenance.hpp"
#include "qsq/flow/tool.hpp"

namespace qsq::flow {

using nlohmann::json;

const json& StageContext::upstream(const std::string& stage) const {
  const auto it = upstream_.find(stage);
  if (it == upstream_.end()) throw Error("stage reads '" + stage + "' without declaring it in `after`");
  return *it->second;
}

namespace {

std::vector<Stage>& registry() {
  static std::vector<Stage> s;
  return s;
}

std::string first_line(const std::string& s) {
  const auto n = s.find('\n');
  return n == std::string::npos ? s : s.substr(0, n);
}

// A path as the user would type it: relative to the current directory when below it.
std::string shown(const fs::path& p) {
  std::error_code ec;
  const fs::path rel = fs::proximate(p, ec);
  if (ec || rel.empty() || *rel.begin() == "..") return p.string();
  return rel.string();
}

json read_json(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return nullptr;
  try {
    return json::parse(read_file(p));
  } catch (const std::exception&) {
    return nullptr;  // a damaged cache entry is recomputed
  }
}

}  // namespace

void add_stage(Stage stage) {
  for (auto& s : registry())
    if (s.name == stage.name) {
      s = std::move(stage);
      return;
    }
  registry().push_back(std::move(stage));
}

const std::vector<Stage>& stages() { return registry(); }

std::vector<const Stage*> ordered(const std::vector<Stage>& stages) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < stages.size(); ++i) index[stages[i].name] = i;
  std::vector<const Stage*> out;
  std::vector<bool> placed(stages.size(), false);
  while (out.size() < stages.size()) {
    bool progressed = false;
    for (std::size_t i = 0; i < stages.size(); ++i) {
      if (placed[i]) continue;
      bool ready = true;
      for (const auto& dep : stages[i].after)
        if (auto it = index.find(dep); it != index.end() && !placed[it->second]) ready = false;
      if (!ready) continue;
      placed[i] = true;
      out.push_back(&stages[i]);
      progressed = true;
      break;  // restart: the earliest registered ready stage goes first
    }
    if (!progressed) {
      std::string names;
      for (std::size_t i = 0; i < stages.size(); ++i)
        if (!placed[i]) names += (names.empty() ? "" : ", ") + stages[i].name;
      throw Error("flow stages depend on each other in a cycle: " + names);
    }
  }
  return out;
}

class FlowRunner {
 public:
  FlowRunner(const std::vector<Stage>& stages, const FlowOptions& o) : stages_(stages), o_(o) {}

  FlowReport run() {
    const auto order = ordered(stages_);
    const std::set<std::string> selected = selection(order);
    out_ = absolute_path(o_.out);
    std::error_code ec;
    fs::create_directories(out_ / "cache", ec);
    if (ec) throw Error(fmt::format("cannot create {}: {}", (out_ / "cache").string(), ec.message()));

    FlowReport rep;
    rep.json = json_header();
    rep.json["quick"] = o_.quick;
    rep.json["stages"] = json::array();
    rep.markdown = fmt::format("# qsq flow report\n\nqsq {} (git {}){}. Every figure below names the workload, library, clock "
                               "and seed that produced it.\n\n",
                               tool_version(), git_revision(), o_.quick ? ", quick mode (shortened runs, as in CI)" : "");
    const auto t_all = std::chrono::steady_clock::now();
    std::size_t i = 0;
    for (const Stage* s : order) {
      if (!selected.count(s->name)) continue;
      ++i;
      json entry = run_one(*s, i, selected.size());
      if (entry["status"] == "failed") {
        ++rep.failed;
        rep.failures.push_back(s->name + ": " + entry["error"].get<std::string>());
      }
      if (entry["status"] == "skipped") ++rep.skipped;
      rep.markdown += section(*s, entry);
      rep.json["stages"].push_back(std::move(entry));
    }
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_all).count();
    rep.json["seconds"] = total;
    rep.json["failed"] = rep.failed;
    rep.json["skipped"] = rep.skipped;
    write_file_atomic(out_ / "report.json", rep.json.dump(2) + "\n");
    write_file_atomic(out_ / "report.md", rep.markdown);
    progress(fmt::format("[flow] wrote {} and {} ({:.1f} s{})", shown(out_ / "report.md"), shown(out_ / "report.json"), total,
                         rep.failed + rep.skipped ? fmt::format(", {} failed, {} skipped", rep.failed, rep.skipped) : ""));
    return rep;
  }

 private:
  struct Done {
    std::string status;  // done | failed | skipped
    json result;
    std::string digest;  // what downstream keys see of this stage
  };

  bool registered(const std::string& name) const {
    return std::any_of(stages_.begin(), stages_.end(), [&](const Stage& s) { return s.name == name; });
  }

  // --only names plus every stage they need, transitively.
  std::set<std::string> selection(const std::vector<const Stage*>& order) const {
    std::set<std::string> all, sel;
    for (const Stage* s : order) all.insert(s->name);
    if (o_.only.empty()) return all;
    for (const auto& n : o_.only)
      if (!all.count(n)) throw Error("unknown flow stage '" + n + "' (see qsq flow --list)");
    std::vector<std::string> todo(o_.only.begin(), o_.only.end());
    while (!todo.empty()) {
      const std::string n = todo.back();
      todo.pop_back();
      if (!sel.insert(n).second) continue;
      for (const Stage* s : order)
        if (s->name == n)
          for (const auto& d : s->after)
            if (all.count(d)) todo.push_back(d);
    }
    return sel;
  }

  std::string key_of(const Stage& s, const StageContext& ctx) const {
    std::string k = "stage " + s.name + "\nmode " + (o_.quick ? "quick" : "full") + "\n";
    for (const auto& u : s.code) {
      const auto& units = o_.code_units ? *o_.code_units : code_units();
      const auto it = units.find(u);
      if (it == units.end()) throw Error("stage " + s.name + " names unknown code unit '" + u + "'");
      k += "code " + u + " " + it->second + "\n";
    }
    for (const auto& t : s.tools) k += "tool " + t + " " + external_tool_version(t) + "\n";
    for (const auto& d : s.after)
      if (auto it = done_.find(d); it != done_.end()) k += "after " + d + " " + it->second.digest + "\n";
    if (s.params) k += "params\n" + s.params(ctx);
    return hash_hex(k);
  }

  json manifest(const StageContext& ctx) const {
    json m = json::object();
    for (const auto& f : ctx.outputs_) m[fs::relative(absolute_path(f), out_).string()] = hash_file(f);
    return m;
  }

  bool outputs_intact(const json& entry) const {
    if (!entry.contains("outputs") || !entry["outputs"].is_object()) return false;
    for (const auto& [rel, h] : entry["outputs"].items()) {
      std::error_code ec;
      const fs::path p = out_ / rel;
      if (!fs::is_regular_file(p, ec)) return false;
      try {
        if (hash_file(p) != h.get<std::string>()) return false;
      } catch (const std::exception&) {
        return false;
      }
    }
    return true;
  }

  json run_one(const Stage& s, std::size_t i, std::size_t n) {
    json e = {{"name", s.name}, {"title", s.title}};
    auto& d = done_[s.name];
    for (const auto& dep : s.after) {
      const auto it = done_.find(dep);
      if (registered(dep) && (it == done_.end() || it->second.status != "done")) {
        d.status = "skipped";
        e["status"] = "skipped";
        e["cached"] = false;
        e["error"] = "needs stage " + dep + (it == done_.end() ? ", which did not run" : ", which " + it->second.status);
        progress(fmt::format("[flow {}/{}] {}: skipped ({})", i, n, s.name, e["error"].get<std::string>()));
        return e;
      }
    }
    StageContext& ctx = contexts_[s.name];
    ctx.out_dir = out_;
    ctx.work_dir = out_ / "work" / s.name;
    ctx.quick = o_.quick;
    for (const auto& dep : s.after)
      if (auto it = done_.find(dep); it != done_.end()) ctx.upstream_[dep] = &it->second.result;
    const fs::path cache = out_ / "cache" / (s.name + ".json");
    const fs::path log = ctx.work_dir / "stage.log";
    const auto t0 = std::chrono::steady_clock::now();
    bool cached = false, ran = false;
    json entry;
    try {
      std::error_code ec;
      fs::create_directories(ctx.work_dir, ec);
      if (ec) throw Error(fmt::format("cannot create {}: {}", ctx.work_dir.string(), ec.message()));
      const std::string key = key_of(s, ctx);
      e["key"] = key;
      entry = o_.force ? json(nullptr) : read_json(cache);
      cached = entry.is_object() && entry.value("key", "") == key && entry.contains("result") && outputs_intact(entry);
      if (cached) {
        progress(fmt::format("[flow {}/{}] {}: inputs unchanged, reusing {}", i, n, s.name, shown(cache)));
      } else {
        ran = true;
        ProgressLog stage_log(log);
        progress(fmt::format("[flow {}/{}] {}: {} ...", i, n, s.name, s.title));
        try {
          json result = s.run(ctx);
          entry = {{"key", key}, {"result", std::move(result)}, {"outputs", manifest(ctx)}};
        } catch (const std::exception& ex) {
          stage_log.write(std::string("error: ") + ex.what());
          throw;
        }
        write_file_atomic(cache, entry.dump(1));
      }
    } catch (const std::exception& ex) {
      // The log holds the whole message (also when the stage failed before its run started).
      if (!ran) std::ofstream(log, std::ios::app) << "error: " << ex.what() << '\n';
      d.status = "failed";
      e["status"] = "failed";
      e["cached"] = false;
      e["error"] = first_line(ex.what());
      e["log"] = shown(log);
      e["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      progress(fmt::format("[flow {}/{}] {}: FAILED: {} (log: {})", i, n, s.name, e["error"].get<std::string>(), shown(log)));
      return e;
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!cached) progress(fmt::format("[flow {}/{}] {}: done in {:.1f} s", i, n, s.name, secs));
    d.status = "done";
    d.result = entry["result"];
    d.digest = hash_hex(entry["key"].get<std::string>() + d.result.dump() + entry["outputs"].dump());
    e["status"] = "done";
    e["cached"] = cached;
    e["seconds"] = secs;
    e["result"] = d.result;
    return e;
  }

  std::string section(const Stage& s, const json& e) {
    std::string md = "## " + s.title + "\n\n";
    const std::string st = e["status"];
    if (st == "failed")
      return md + fmt::format("**Failed:** {}\n\nLog: `{}`\n\n", e["error"].get<std::string>(), e["log"].get<std::string>());
    if (st == "skipped") return md + fmt::format("**Skipped:** {}.\n\n", e["error"].get<std::string>());
    try {
      md += s.markdown ? s.markdown(e["result"], contexts_.at(s.name)) : "";
    } catch (const std::exception& ex) {
      md += fmt::format("(this section could not be rendered: {})\n", first_line(ex.what()));
    }
    if (e["cached"].get<bool>()) md += "\n(reused: inputs unchanged since the last run)\n";
    return md + "\n";
  }

  const std::vector<Stage>& stages_;
  const FlowOptions& o_;
  fs::path out_;
  std::map<std::string, Done> done_;
  std::map<std::string, StageContext> contexts_;
};

FlowReport run_flow(const std::vector<Stage>& stages, const FlowOptions& options) {
  return FlowRunner(stages, options).run();
}

}  // namespace qsq::flow
