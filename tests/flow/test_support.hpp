// Description: what the flow library's tests share: a fresh temporary directory per test (removed
// afterwards, entered when a test needs relative paths), a recursive listing, and a child process
// killed at a chosen point (what an interrupted writer leaves behind).
#pragma once
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace qsq_test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "qsq-flow-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    if (!old_cwd_.empty()) std::filesystem::current_path(old_cwd_);
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& s) const { return path_ / s; }
  // Makes the directory the current one until destruction.
  void enter() {
    old_cwd_ = std::filesystem::current_path();
    std::filesystem::current_path(path_);
  }

 private:
  std::filesystem::path path_, old_cwd_;
};

// Names in `dir` (recursively, relative), sorted.
inline std::vector<std::string> listing(const std::filesystem::path& dir) {
  std::vector<std::string> v;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    v.push_back(std::filesystem::relative(e.path(), dir).string());
  std::sort(v.begin(), v.end());
  return v;
}

// Runs `body` in a child process and sends it `sig` once it has called ready(); returns the
// child's wait status. For tests of what an interrupted writer leaves behind.
inline int kill_when_ready(const std::function<void(const std::function<void()>& ready)>& body, int sig) {
  int pipe_fd[2];
  if (::pipe(pipe_fd) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    body([&] { (void)!::write(pipe_fd[1], "x", 1); });
    ::_exit(0);
  }
  char c;
  const bool ready = ::read(pipe_fd[0], &c, 1) == 1;
  if (ready) ::kill(pid, sig);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(pipe_fd[0]);
  ::close(pipe_fd[1]);
  return status;
}

}  // namespace qsq_test
