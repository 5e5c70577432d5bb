#include "qsq/flow/tool.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "qsq/error.hpp"

namespace qsq::flow {

namespace {

// The process groups of the tools running now (0: a free slot). A tool runs in a group of its
// own, so that on SIGINT, SIGTERM or SIGHUP qsq can end the tool and everything it started (a
// shell's children included) before ending itself: an interrupted run leaves no tool behind
// writing into the cache. Several threads may run tools at once (`qsq sweep`'s local pool), so
// there is one slot per running tool; the signal handler only reads the slots.
constexpr int kGroupSlots = 256;
volatile sig_atomic_t g_tool_groups[kGroupSlots] = {};
std::mutex g_slots_mu;

extern "C" void end_tool_then_self(int sig) {
  for (int i = 0; i < kGroupSlots; ++i) {
    const pid_t group = g_tool_groups[i];
    if (group > 0) ::kill(-group, SIGTERM);
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// Holds one slot for the group `pid` while the tool runs.
class GroupSlot {
 public:
  explicit GroupSlot(pid_t pid) {
    std::lock_guard lock(g_slots_mu);
    for (int i = 0; i < kGroupSlots; ++i)
      if (g_tool_groups[i] == 0) {
        g_tool_groups[i] = pid;
        slot_ = i;
        return;
      }
  }
  ~GroupSlot() {
    if (slot_ < 0) return;
    std::lock_guard lock(g_slots_mu);
    g_tool_groups[slot_] = 0;
  }
  GroupSlot(const GroupSlot&) = delete;
  GroupSlot& operator=(const GroupSlot&) = delete;

 private:
  int slot_ = -1;
};

void install_forwarding() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction old {};
      ::sigaction(sig, nullptr, &old);
      if (old.sa_handler == SIG_IGN) continue;  // the caller chose to ignore it (nohup): keep that
      struct sigaction sa {};
      sa.sa_handler = end_tool_then_self;
      ::sigemptyset(&sa.sa_mask);
      ::sigaction(sig, &sa, nullptr);
    }
  });
}

// Runs /bin/sh -c `command` in `cwd` with stdout to `out_fd` and stderr to `err_fd`; returns the
// wait status. With `timeout_s` > 0 the tool's group gets SIGTERM (SIGKILL 5 s later) when it runs
// longer, and *timed_out says so.
int spawn_shell(const std::string& command, const fs::path& cwd, int out_fd, int err_fd, double timeout_s = 0,
                bool* timed_out = nullptr) {
  install_forwarding();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("cannot start /bin/sh: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // qsq killed outright (SIGKILL) still takes the shell along
    if (::getppid() != parent) ::_exit(127);  // the parent is already gone
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::signal(sig, SIG_DFL);
    if (out_fd >= 0) ::dup2(out_fd, 1);
    if (err_fd >= 0) ::dup2(err_fd, 2);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here: whichever of the two runs first
  GroupSlot slot(pid);
  int status = 0;
  if (timeout_s > 0) {
    // Poll: a sleeping waitpid cannot also watch the clock, and 20 ms is nothing next to a tool run.
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    bool termed = false;
    for (;;) {
      const pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid) break;
      if (r < 0 && errno != EINTR) throw Error(std::string("waiting for /bin/sh: ") + std::strerror(errno));
      const double s = std::chrono::duration<double>(clock::now() - start).count();
      if (!termed && s > timeout_s) {
        ::kill(-pid, SIGTERM);
        termed = true;
        if (timed_out) *timed_out = true;
      } else if (termed && s > timeout_s + 5) {
        ::kill(-pid, SIGKILL);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (termed) return status;  // our own SIGTERM: a timeout, not an interruption of qsq
  } else {
    while (::waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) throw Error(std::string("waiting for /bin/sh: ") + std::strerror(errno));
    }
  }
  // The tool was interrupted from outside: end qsq the same way rather than report a tool failure.
  if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM)) {
    const int sig = WTERMSIG(status);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
  }
  return status;
}

std::string last_lines(const fs::path& log, std::size_t n) {
  std::vector<std::string> lines;
  std::ifstream in(log);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) lines.push_back(l);
  std::string tail;
  for (std::size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i)
    tail += (tail.empty() ? "" : " | ") + lines[i];
  return tail;
}

}  // namespace

fs::path absolute_path(const fs::path& p) { return std::filesystem::absolute(p).lexically_normal(); }

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

void run_tool(const std::string& command, const fs::path& log_in, const std::string& what) {
  run_tool(command, log_in, what, 0);
}

void run_tool(const std::string& command, const fs::path& log_in, const std::string& what, double timeout_s) {
  const fs::path log = flow::absolute_path(log_in);
  std::error_code ec;
  fs::create_directories(log.parent_path(), ec);
  if (ec) throw Error("cannot create " + log.parent_path().string() + ": " + ec.message());
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot write " + log.string() + ": " + std::strerror(errno));
  int status = 0;
  bool timed_out = false;
  try {
    status = spawn_shell(command, log.parent_path(), fd, fd, timeout_s, &timed_out);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (timed_out)
    throw Error(what + " timed out after " + std::to_string(static_cast<long>(timeout_s)) + " s (see " + log.string() + ")");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  const std::string how = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                            : "signal " + std::to_string(WTERMSIG(status));
  throw Error(what + " failed with " + how + " (see " + log.string() + "): " + last_lines(log, 3));
}

std::string capture(const std::string& command) {
  char name[] = "/tmp/qsq-capture-XXXXXX";
  const int fd = ::mkstemp(name);
  if (fd < 0) return "";
  const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  int status = -1;
  try {
    status = spawn_shell(command, {}, fd, null_fd);
  } catch (const Error&) {
  }
  if (null_fd >= 0) ::close(null_fd);
  ::close(fd);
  std::string out;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    std::ifstream in(name, std::ios::binary);
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ::unlink(name);
  return out;
}

std::string external_tool_version(const std::string& tool) {
  static std::mutex mu;
  static std::map<std::string, std::string> memo;
  std::lock_guard lock(mu);
  if (auto it = memo.find(tool); it != memo.end()) return it->second;
  static const std::map<std::string, std::string> flag = {
      {"yosys", "-V"}, {"sta", "-version"}, {"iverilog", "-V 2>/dev/null | head -n 1; true"}, {"gnuplot", "--version"}};
  const auto f = flag.find(tool);
  // Some tools (nextpnr-ice40) print their version on stderr.
  std::string v = capture("command -v " + shell_quote(tool) + " >/dev/null && " + shell_quote(tool) + " " +
                          (f == flag.end() ? std::string("--version") : f->second) + " </dev/null 2>&1");
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
  return memo[tool] = v;
}

}  // namespace qsq::flow
