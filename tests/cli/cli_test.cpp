// Runs the qsq executable as a user would and checks what it prints and returns.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>

#include "qsq/metrics.hpp"

namespace {

struct Result {
  int status;
  std::string out;
};

// stdout only; stderr is appended when with_stderr is set.
Result run(const std::string& args, bool with_stderr = false) {
  const std::string cmd = std::string(QSQ_EXE) + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int rc = pclose(p);
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, out};
}

TEST(Cli, MetricsJsonHasTheDocumentedShapeAndValues) {
  const auto r = run("metrics --width 8 --json");
  ASSERT_EQ(r.status, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["width"], 8);
  EXPECT_EQ(j["signed"], true);
  ASSERT_TRUE(j.contains("version"));
  ASSERT_TRUE(j.contains("git"));
  ASSERT_EQ(j["levels"].size(), 4u);
  // Independent reference: the library computed in this process.
  const auto ref = qsq::multiplier_metrics(8, qsq::all_levels(8), 1, 0);
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& l = j["levels"][i];
    for (const char* k : {"q", "p", "mae", "wce", "mred", "ep", "mse", "bias", "avg_digits"})
      ASSERT_TRUE(l.contains(k)) << k;
    EXPECT_EQ(l["q"], static_cast<int>(i) + 1);
    EXPECT_DOUBLE_EQ(l["mae"].get<double>(), ref.levels[i].mae);
    EXPECT_DOUBLE_EQ(l["avg_digits"].get<double>(), ref.levels[i].avg_digits);
  }
}

TEST(Cli, MetricsTableIsHumanReadable) {
  const auto r = run("metrics --width 6");
  ASSERT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("W = 6"), std::string::npos);
  EXPECT_NE(r.out.find("mred"), std::string::npos);
}

TEST(Cli, BadInputGivesOneLineErrorAndNonZeroExit) {
  for (const char* args : {"metrics --width 17", "metrics --width 8 --levels 5", "metrics -p 9"}) {
    const auto r = run(args, true);
    EXPECT_NE(r.status, 0) << args;
    EXPECT_NE(r.out.find("error"), std::string::npos) << args << ": " << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << args << ": " << r.out;
  }
  EXPECT_NE(run("no-such-command", true).status, 0);
  EXPECT_NE(run("flow --only nope", true).status, 0);
}

TEST(Cli, VersionAndHelp) {
  EXPECT_EQ(run("--version").status, 0);
  const auto h = run("--help");
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.out.find("metrics"), std::string::npos);
  EXPECT_NE(h.out.find("flow"), std::string::npos);
}

TEST(Cli, FlowWritesReportsAndReusesUnchangedStages) {
  namespace fs = std::filesystem;
  const fs::path out = fs::temp_directory_path() / ("qsq-flow-test-" + std::to_string(::getpid()));
  fs::remove_all(out);
  const std::string args = "flow --quiet --only metrics,codec --out " + out.string();
  ASSERT_EQ(run(args).status, 0);
  std::ifstream in(out / "report.json");
  auto j = nlohmann::json::parse(in);
  ASSERT_EQ(j["stages"].size(), 2u);
  EXPECT_FALSE(j["stages"][0]["cached"].get<bool>());
  EXPECT_TRUE(fs::exists(out / "report.md"));
  ASSERT_EQ(run(args).status, 0);
  std::ifstream in2(out / "report.json");
  j = nlohmann::json::parse(in2);
  EXPECT_TRUE(j["stages"][0]["cached"].get<bool>());
  EXPECT_TRUE(j["stages"][1]["cached"].get<bool>());
  // A damaged cache entry is recomputed, not trusted.
  std::ofstream(out / "cache" / "metrics.json") << "{not json";
  ASSERT_EQ(run(args).status, 0);
  std::ifstream in3(out / "report.json");
  j = nlohmann::json::parse(in3);
  EXPECT_FALSE(j["stages"][0]["cached"].get<bool>());
  // No temporary files are left behind.
  for (const auto& e : fs::recursive_directory_iterator(out))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  fs::remove_all(out);
}

}  // namespace
