#include "qsq/flow/progress.hpp"

#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>

namespace qsq::flow {

namespace {
bool g_quiet = false;
std::mutex g_mu;
std::unique_ptr<std::ofstream> g_log;  // the current stage's log, if any
}  // namespace

void set_quiet(bool quiet) { g_quiet = quiet; }

void progress(const std::string& line) {
  std::lock_guard lock(g_mu);
  if (!g_quiet) std::cerr << line << '\n';
  if (g_log) *g_log << line << '\n' << std::flush;
}

ProgressLog::ProgressLog(const std::filesystem::path& log) {
  std::lock_guard lock(g_mu);
  g_log = std::make_unique<std::ofstream>(log, std::ios::trunc);
}

ProgressLog::~ProgressLog() {
  std::lock_guard lock(g_mu);
  g_log.reset();
}

void ProgressLog::write(const std::string& line) {
  std::lock_guard lock(g_mu);
  if (g_log) *g_log << line << '\n' << std::flush;
}

}  // namespace qsq::flow
