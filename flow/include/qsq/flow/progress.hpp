// Description: progress lines of long runs, on stderr ("[energy] baseline: synthesis"), and,
// while a flow stage runs, also in that stage's log file.
// Usage: qsq::flow::progress("[energy] " + name + ": gate-level simulation");
#pragma once
#include <filesystem>
#include <string>

namespace qsq::flow {

void progress(const std::string& line);
void set_quiet(bool quiet);  // no output on stderr (the stage log still gets the lines)

// While alive, progress lines are appended to `log` as well (the flow runs one stage at a time).
class ProgressLog {
 public:
  explicit ProgressLog(const std::filesystem::path& log);
  ~ProgressLog();
  ProgressLog(const ProgressLog&) = delete;
  ProgressLog& operator=(const ProgressLog&) = delete;
  void write(const std::string& line);  // to the log only
};

}  // namespace qsq::flow
