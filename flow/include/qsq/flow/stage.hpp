// Description: the stages of `qsq flow` and the engine that runs them. A stage declares what its
// result depends on: the stages whose results it reads (`after`), the qsq code units that compute
// it (`code`), the external tools it runs (`tools`) and everything else it reads (`params`: its
// options and the hashes of the files it reads). The cache key is the hash of all of these, with
// each upstream stage's key and result in place of its name, so a change anywhere recomputes
// exactly the stages downstream of it and reuses the rest. Results and the files a stage lists as
// outputs are checked before reuse. A stage that fails is reported with its error line and log;
// the stages that do not depend on it still run, and the report is always written.
// Usage (in a part's command library):
//   qsq::flow::add_stage({.name = "energy", .title = "Energy per MAC", .after = {"net-trace"},
//                         .code = {"energy"}, .tools = {"yosys", "verilator"},
//                         .params = [](const StageContext& c) { return hash_dir(rtl); },
//                         .run = [](StageContext& c) { ...; return result_json; },
//                         .markdown = [](const nlohmann::json& r, const StageContext&) { return md; }});
//   FlowReport r = qsq::flow::run_flow(qsq::flow::stages(), {.out = "out"});
#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qsq::flow {

namespace fs = std::filesystem;

class StageContext {
 public:
  fs::path out_dir;   // absolute: OUT/
  fs::path work_dir;  // absolute: OUT/work/<stage>/ (created before run)
  bool quick = false; // shortened run (CI)

  // The result of a stage named in `after` (throws qsq::Error for any other name).
  const nlohmann::json& upstream(const std::string& stage) const;
  bool has_upstream(const std::string& stage) const { return upstream_.count(stage) != 0; }
  // Files the stage wrote that later runs (and downstream stages) rely on: their hashes are
  // recorded, and a cached result is reused only while they are unchanged.
  void add_output(const fs::path& file) { outputs_.push_back(file); }

 private:
  friend class FlowRunner;
  std::map<std::string, const nlohmann::json*> upstream_;
  std::vector<fs::path> outputs_;
};

struct Stage {
  std::string name{};
  std::string title{};
  // Stages this one reads from; names of stages this build does not have are ignored.
  std::vector<std::string> after{};
  std::vector<std::string> code{};   // code units (qsq_code_unit in CMake) that produce the result
  std::vector<std::string> tools{};  // external programs whose versions the result depends on
  std::function<std::string(const StageContext&)> params{};  // every other input, as text
  std::function<nlohmann::json(StageContext&)> run{};
  std::function<std::string(const nlohmann::json&, const StageContext&)> markdown{};
};

// The registry the command libraries fill (registration order is the order of independent stages).
void add_stage(Stage stage);
const std::vector<Stage>& stages();

struct FlowOptions {
  fs::path out = "out";
  bool quick = false;
  bool force = false;              // ignore cached results
  std::vector<std::string> only;   // run these (and what they need); empty: all
  // Code-unit hashes to key on; null: this build's (code_units()). Tests substitute their own.
  const std::map<std::string, std::string>* code_units = nullptr;
};

struct FlowReport {
  nlohmann::json json;      // also written to OUT/report.json
  std::string markdown;     // also written to OUT/report.md
  int failed = 0;           // stages that failed
  int skipped = 0;          // stages not run because a stage they need failed
  std::vector<std::string> failures;  // "name: error line" of each failed stage
};

// Runs the stages in dependency order (registration order among independent ones) and writes
// OUT/report.json, OUT/report.md and OUT/cache/<stage>.json. Throws qsq::Error only for a bad
// request (unknown --only name, a dependency cycle, an unwritable OUT); a failing stage is
// reported in the FlowReport instead.
FlowReport run_flow(const std::vector<Stage>& stages, const FlowOptions& options);

// The stage order run_flow uses (throws qsq::Error on a cycle).
std::vector<const Stage*> ordered(const std::vector<Stage>& stages);

}  // namespace qsq::flow
