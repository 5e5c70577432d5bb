// Description: what every qsq subcommand shares: the error type that becomes a one-line
// message and a non-zero exit, the JSON header (tool version and git revision), atomic file
// writes, progress output, and the registry of `qsq flow` stages.
// Usage (in a command library):
//   void register_inspect(CLI::App& app) {
//     auto* cmd = app.add_subcommand("inspect", "...");
//     cmd->callback([=] { ... throw qsq::cli::Failure("cannot open " + path); ... });
//   }
#pragma once
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace CLI {
class App;
}

namespace qsq::cli {

// Thrown by commands for user-facing failures; main prints "qsq: error: <what>" and exits 1.
class Failure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string tool_version();  // e.g. "0.1.0"
std::string git_revision();  // short hash at configure time, "unknown" outside git

// {"version": ..., "git": ...}: the start of every JSON document qsq prints.
nlohmann::json json_header();

// Writes `content` to `path` through a temporary file in the same directory and a rename, so a
// reader never sees a half-written file and a failure leaves the old file intact.
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

// Progress line on stderr ("[flow] metrics: 3/4 ..."); silenced by set_quiet(true).
void progress(const std::string& line);
void set_quiet(bool quiet);

// A stage of `qsq flow`. Stages run in registration order. `inputs` returns a string that
// captures every input of the stage (parameters, file hashes, tool versions); the stage is
// re-run only when its hash changes. `run` returns the stage's JSON result (it is cached);
// `markdown` renders that result as a section of out/report.md.
struct FlowContext {
  std::filesystem::path out_dir;   // out/
  std::filesystem::path work_dir;  // out/work/<stage>/ (created before run)
  bool quick = false;              // shortened run (CI)
};
struct FlowStage {
  std::string name;
  std::string title;
  std::function<std::string(const FlowContext&)> inputs;
  std::function<nlohmann::json(const FlowContext&)> run;
  std::function<std::string(const nlohmann::json&, const FlowContext&)> markdown;
};
void add_flow_stage(FlowStage stage);
const std::vector<FlowStage>& flow_stages();

// 64-bit content hash (xxHash3) as 16 hex digits, for cache keys.
std::string hash_hex(const std::string& data);
std::string hash_file(const std::filesystem::path& p);  // hash of the file's bytes
// Names and content hashes of the files directly in `dir` (only those ending in one of
// `extensions`, when given), in name order: a flow stage's key for a source folder. A folder
// that does not exist contributes nothing.
std::string hash_dir(const std::filesystem::path& dir, const std::vector<std::string>& extensions = {});
// Hash of the running qsq executable: a stage whose result depends only on qsq's own code puts
// it in its inputs() so that any rebuild with changed code invalidates the cached result.
std::string self_hash();

}  // namespace qsq::cli
