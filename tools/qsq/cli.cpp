#include "cli.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <fmt/format.h>

namespace qsq::cli {

nlohmann::json json_header() { return nlohmann::json{{"version", tool_version()}, {"git", git_revision()}}; }

void write_file_atomic(const std::filesystem::path& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Failure(fmt::format("cannot create directory {}: {}", dir.string(), ec.message()));
  std::random_device rd;
  const fs::path tmp = dir / fmt::format(".{}.tmp{:08x}", path.filename().string(), rd());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw Failure(fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  std::size_t done = 0;
  bool ok = true;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n <= 0) { ok = false; break; }
    done += static_cast<std::size_t>(n);
  }
  const int saved = errno;
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = ok ? errno : saved;
    fs::remove(tmp, ec);
    throw Failure(fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
  }
}

namespace {
bool g_quiet = false;
std::mutex g_progress_mu;
std::vector<FlowStage>& registry() {
  static std::vector<FlowStage> stages;
  return stages;
}
}  // namespace

void set_quiet(bool quiet) { g_quiet = quiet; }

void progress(const std::string& line) {
  if (g_quiet) return;
  std::lock_guard lock(g_progress_mu);
  std::cerr << line << '\n';
}

void add_flow_stage(FlowStage stage) {
  for (auto& s : registry())
    if (s.name == stage.name) {
      s = std::move(stage);
      return;
    }
  registry().push_back(std::move(stage));
}

const std::vector<FlowStage>& flow_stages() { return registry(); }

std::string hash_hex(const std::string& data) {
  return fmt::format("{:016x}", XXH3_64bits(data.data(), data.size()));
}

std::string hash_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Failure("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return hash_hex(ss.str());
}

std::string hash_dir(const std::filesystem::path& dir, const std::vector<std::string>& extensions) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() &&
        (extensions.empty() || std::find(extensions.begin(), extensions.end(), ext) != extensions.end()))
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::string key;
  for (const auto& f : files) key += f.filename().string() + ":" + hash_file(f) + "\n";
  return key;
}

std::string self_hash() {
  static const std::string h = hash_file("/proc/self/exe");
  return h;
}

}  // namespace qsq::cli
