// External tool runs: an absolute working directory whatever the caller's, errors that name the
// log, and an interrupted child that ends qsq too.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/tool.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
namespace qf = qsq::flow;
using qsq_test::TempDir;

TEST(Tool, RunsInTheLogsDirectoryFromAnyCurrentDirectory) {
  TempDir d;
  d.enter();
  fs::create_directories("elsewhere");
  fs::current_path("elsewhere");
  // A relative log path: the tool still runs in that directory, given as an absolute path.
  qf::run_tool("pwd > where.txt; echo ok", "../work/step/tool.log", "pwd");
  const std::string where = qf::read_file(d / "work" / "step" / "where.txt");
  EXPECT_EQ(fs::path(where.substr(0, where.find('\n'))), fs::canonical(d / "work" / "step"));
  EXPECT_EQ(qf::read_file(d / "work" / "step" / "tool.log"), "ok\n");
  EXPECT_EQ(qf::absolute_path("a/../b"), fs::current_path() / "b");
}

TEST(Tool, FailureNamesTheToolTheLogAndTheLastLines) {
  TempDir d;
  try {
    qf::run_tool("echo first; echo 'the reason'; exit 3", d / "t.log", "mytool of design X");
    FAIL() << "no error";
  } catch (const qsq::Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("mytool of design X failed with exit status 3"), std::string::npos) << m;
    EXPECT_NE(m.find((d / "t.log").string()), std::string::npos) << m;
    EXPECT_NE(m.find("the reason"), std::string::npos) << m;
  }
  EXPECT_THROW(qf::run_tool("no-such-program-qsq --x", d / "u.log", "missing tool"), qsq::Error);
}

TEST(Tool, VersionsAndCapture) {
  EXPECT_EQ(qf::capture("echo hello"), "hello\n");
  EXPECT_EQ(qf::capture("exit 1"), "");
  EXPECT_EQ(qf::external_tool_version("no-such-program-qsq"), "");
  EXPECT_NE(qf::external_tool_version("sh"), "x");  // any answer, memoised without error
  EXPECT_EQ(qf::shell_quote("a'b c"), "'a'\\''b c'");
}

// A version printed on stderr counts too (nextpnr-ice40 does that).
TEST(Tool, VersionOnStderr) {
  TempDir d;
  qf::write_file_atomic(d / "qsq-fake-tool", "#!/bin/sh\necho 'fake tool 1.2' >&2\n");
  fs::permissions(d / "qsq-fake-tool", fs::perms::owner_all);
  const std::string old_path = std::getenv("PATH");
  ::setenv("PATH", (d.path().string() + ":" + old_path).c_str(), 1);
  EXPECT_EQ(qf::external_tool_version("qsq-fake-tool"), "fake tool 1.2");
  ::setenv("PATH", old_path.c_str(), 1);
}

// A tool killed by SIGINT (a Ctrl-C to the process group) ends qsq with SIGINT rather than
// letting it carry on as if the tool had merely failed.
TEST(Tool, InterruptedToolEndsTheCaller) {
  TempDir d;
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    try {
      qf::run_tool("kill -INT $$", d / "k.log", "self-interrupting tool");
    } catch (...) {
      ::_exit(10);
    }
    ::_exit(11);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGINT);
}

// A tool past its time limit is ended (its whole process group) and reported as a timeout; qsq
// itself carries on. Tools run from several threads at once each wait for their own child.
TEST(Tool, TimeoutEndsTheToolAndNamesIt) {
  TempDir d;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    qf::run_tool("sleep 30 & sleep 30; echo never", d / "slow.log", "slow tool", 0.5);
    FAIL() << "no timeout";
  } catch (const qsq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("slow tool timed out after 0 s"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0);
  std::vector<std::thread> ts;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&, i] {
      qf::run_tool("sleep 0.2; echo " + std::to_string(i), d / ("t" + std::to_string(i) + ".log"), "t", 30);
      ok += qf::read_file(d / ("t" + std::to_string(i) + ".log")) == std::to_string(i) + "\n";
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 4);
}
