// Atomic files and cache entries: complete or absent, never half there, also when the writer is
// killed mid-way or two writers race for the same entry.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
namespace qf = qsq::flow;
using qsq_test::listing;
using qsq_test::TempDir;

TEST(AtomicFile, WritesReplacesAndLeavesNoTemporary) {
  TempDir d;
  const fs::path p = d / "sub" / "a.txt";
  qf::write_file_atomic(p, "one");
  EXPECT_EQ(qf::read_file(p), "one");
  qf::write_file_atomic(p, "two, longer");
  EXPECT_EQ(qf::read_file(p), "two, longer");
  EXPECT_EQ(listing(d.path()), (std::vector<std::string>{"sub", "sub/a.txt"}));
}

TEST(AtomicFile, FailureKeepsTheOldFileAndNamesThePath) {
  TempDir d;
  fs::create_directories(d / "x.txt" / "inside");  // the target is a directory: rename must fail
  try {
    qf::write_file_atomic(d / "x.txt", "data");
    FAIL() << "no error";
  } catch (const qsq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.txt"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_directory(d / "x.txt" / "inside"));
  EXPECT_EQ(listing(d.path()), (std::vector<std::string>{"x.txt", "x.txt/inside"}));
  EXPECT_THROW(qf::write_file_atomic(d / "missing" / "f", "x", qf::ParentDirs::must_exist), qsq::Error);
  EXPECT_FALSE(fs::exists(d / "missing"));
}

TEST(AtomicFile, TemporaryNamesAreRecognised) {
  const fs::path t = qf::temp_sibling("out/cache/energy.json");
  EXPECT_EQ(t.parent_path(), fs::path("out/cache"));
  EXPECT_TRUE(qf::is_temp_name(t));
  EXPECT_FALSE(qf::is_temp_name("out/cache/energy.json"));
  EXPECT_NE(qf::temp_sibling("a"), qf::temp_sibling("a"));
}

TEST(CachedDir, BuildsOnceThenReuses) {
  TempDir d;
  int builds = 0;
  bool built = false;
  auto build = [&](const fs::path& tmp) {
    ++builds;
    EXPECT_TRUE(qf::is_temp_name(tmp));
    qf::write_file_atomic(tmp / "result.txt", "r");
  };
  const fs::path e = qf::cached_dir(d / "cache" / "entry-1", build, &built);
  EXPECT_TRUE(built);
  EXPECT_EQ(qf::read_file(e / "result.txt"), "r");
  EXPECT_EQ(qf::cached_dir(d / "cache" / "entry-1", build, &built), e);
  EXPECT_FALSE(built);
  EXPECT_EQ(builds, 1);
  EXPECT_EQ(listing(d / "cache"), (std::vector<std::string>{"entry-1", "entry-1/result.txt"}));
}

TEST(CachedDir, AFailedBuildLeavesNothing) {
  TempDir d;
  EXPECT_THROW(qf::cached_dir(d / "entry", [](const fs::path& tmp) {
                 qf::write_file_atomic(tmp / "half.txt", "half");
                 throw qsq::Error("tool failed");
               }),
               qsq::Error);
  EXPECT_TRUE(listing(d.path()).empty());
}

TEST(CachedDir, RacingBuildersPublishOneCompleteEntry) {
  TempDir d;
  std::atomic<int> builds{0};
  std::vector<std::thread> threads;
  std::vector<fs::path> got(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      got[t] = qf::cached_dir(d / "entry", [&](const fs::path& tmp) {
        ++builds;
        qf::write_file_atomic(tmp / "r.txt", "thread " + std::to_string(t));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      });
    });
  for (auto& th : threads) th.join();
  for (const auto& g : got) EXPECT_EQ(g, d / "entry");
  EXPECT_GE(builds.load(), 1);
  EXPECT_EQ(listing(d.path()), (std::vector<std::string>{"entry", "entry/r.txt"}));
}

// A writer killed in the middle of building an entry leaves no entry that a later run would
// trust; the later run builds it again.
TEST(CachedDir, KilledBuilderLeavesNoTrustedEntry) {
  TempDir d;
  const int status = qsq_test::kill_when_ready(
      [&](const std::function<void()>& ready) {
        qf::cached_dir(d / "entry", [&](const fs::path& tmp) {
          qf::write_file_atomic(tmp / "part1.txt", "first half");
          ready();
          ::pause();  // killed here
          qf::write_file_atomic(tmp / "part2.txt", "second half");
        });
      },
      SIGTERM);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_FALSE(fs::exists(d / "entry"));
  bool built = false;
  qf::cached_dir(d / "entry", [](const fs::path& tmp) {
    qf::write_file_atomic(tmp / "part1.txt", "first half");
    qf::write_file_atomic(tmp / "part2.txt", "second half");
  }, &built);
  EXPECT_TRUE(built);
  EXPECT_EQ(qf::read_file(d / "entry" / "part2.txt"), "second half");
}

// Two processes (two sweep points on one shared cache) building the same entry at once: both get
// the one complete entry, and no temporary directory is left behind.
TEST(CachedDir, RacingProcessesPublishOneCompleteEntry) {
  TempDir d;
  std::vector<pid_t> kids;
  for (int k = 0; k < 2; ++k) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      const fs::path e = qf::cached_dir(d / "cache" / "entry", [&](const fs::path& tmp) {
        qf::write_file_atomic(tmp / "netlist.v", "module m; endmodule // the same content from both\n");
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // both are inside build() now
      });
      ::_exit(qf::read_file(e / "netlist.v").find("module m;") == 0 ? 0 : 1);
    }
    kids.push_back(pid);
  }
  for (pid_t pid : kids) {
    int st = 0;
    ASSERT_EQ(::waitpid(pid, &st, 0), pid);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  EXPECT_EQ(listing(d.path()), (std::vector<std::string>{"cache", "cache/entry", "cache/entry/netlist.v"}));
  // Temporary names carry the host: processes of two cluster nodes never share one.
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::string h(host);
  h = h.substr(0, h.find('.'));
  EXPECT_NE(qf::temp_sibling(d / "x").filename().string().find(".tmp." + h + "."), std::string::npos);
}
