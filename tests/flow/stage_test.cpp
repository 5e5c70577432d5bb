// The stage engine: keys from declared inputs, exact recomputation downstream of a change, reuse
// of the rest, failures that do not stop independent stages, and interrupted runs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/progress.hpp"
#include "qsq/flow/stage.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
namespace qf = qsq::flow;
using nlohmann::json;
using qsq_test::TempDir;

namespace {

// A small flow: train -> quantize -> tune, and energy (code unit "power") -> tune; metrics alone.
// Each stage counts its runs and returns a value derived from its upstream results, so a stale
// reuse would show in the numbers.
struct Fake {
  std::map<std::string, int> runs;
  std::map<std::string, std::string> units = {{"net", "n1"}, {"power", "p1"}, {"metrics", "m1"}};
  std::string fail;           // name of a stage that throws
  std::string data = "data-v1";

  std::vector<qf::Stage> stages() {
    auto stage = [this](std::string name, std::vector<std::string> after, std::string unit) {
      qf::Stage s;
      s.name = name;
      s.title = "stage " + name;
      s.after = after;
      s.code = {unit};
      s.params = [this, name](const qf::StageContext&) { return name == "train" ? data : std::string("fixed"); };
      s.run = [this, name, after](qf::StageContext& ctx) {
        ++runs[name];
        if (fail == name) throw qsq::Error(name + " broke\nsecond line");
        int v = static_cast<int>(name.size());
        for (const auto& d : after)
          if (ctx.has_upstream(d)) v += ctx.upstream(d).at("v").get<int>();
        const fs::path out = ctx.work_dir / (name + ".txt");
        qf::write_file_atomic(out, std::to_string(v));
        ctx.add_output(out);
        return json{{"v", v}};
      };
      s.markdown = [](const json& r, const qf::StageContext&) { return "v = " + std::to_string(r.at("v").get<int>()) + "\n"; };
      return s;
    };
    return {stage("metrics", {}, "metrics"), stage("train", {}, "net"), stage("quantize", {"train"}, "net"),
            stage("tune", {"quantize", "energy"}, "net"), stage("energy", {"missing-in-this-build"}, "power")};
  }

  qf::FlowReport run(const fs::path& out, std::vector<std::string> only = {}) {
    qf::set_quiet(true);
    const auto st = stages();
    return qf::run_flow(st, {.out = out, .quick = true, .force = false, .only = only, .code_units = &units});
  }
};

std::map<std::string, json> by_name(const json& report) {
  std::map<std::string, json> m;
  for (const auto& s : report.at("stages")) m[s.at("name")] = s;
  return m;
}

}  // namespace

TEST(FlowStages, DependencyOrderAndCycles) {
  Fake f;
  const auto st = f.stages();
  std::vector<std::string> names;
  for (const auto* s : qf::ordered(st)) names.push_back(s->name);
  // energy is registered after tune but tune needs it; unknown names in `after` are ignored.
  EXPECT_EQ(names, (std::vector<std::string>{"metrics", "train", "quantize", "energy", "tune"}));
  std::vector<qf::Stage> cyc(2);
  cyc[0].name = "a";
  cyc[0].after = {"b"};
  cyc[1].name = "b";
  cyc[1].after = {"a"};
  EXPECT_THROW(qf::ordered(cyc), qsq::Error);
}

TEST(FlowStages, SecondRunReusesEverything) {
  TempDir d;
  Fake f;
  auto r1 = f.run(d / "out");
  EXPECT_EQ(r1.failed, 0);
  auto s1 = by_name(r1.json);
  EXPECT_EQ(s1["tune"]["result"]["v"], 4 + 8 + 5 + 6);  // tune + quantize(+train) + energy
  auto r2 = f.run(d / "out");
  for (const auto& [name, s] : by_name(r2.json)) {
    EXPECT_EQ(s["status"], "done") << name;
    EXPECT_TRUE(s["cached"].get<bool>()) << name;
  }
  for (const auto& [name, n] : f.runs) EXPECT_EQ(n, 1) << name;
  EXPECT_TRUE(fs::exists(d / "out" / "report.md"));
  EXPECT_TRUE(fs::exists(d / "out" / "report.json"));
}

// Changing a producer (the "power" code unit, as a change to the power model would) recomputes
// exactly the stages downstream of it (energy, tune) and reuses the rest.
TEST(FlowStages, ChangedCodeRecomputesExactlyItsDependents) {
  TempDir d;
  Fake f;
  f.run(d / "out");
  f.units["power"] = "p2";
  auto r = by_name(f.run(d / "out").json);
  EXPECT_EQ(f.runs, (std::map<std::string, int>{{"metrics", 1}, {"train", 1}, {"quantize", 1}, {"energy", 2}, {"tune", 2}}));
  EXPECT_TRUE(r["quantize"]["cached"].get<bool>());
  EXPECT_FALSE(r["energy"]["cached"].get<bool>());
  // A changed input file of the first net stage recomputes the net chain and nothing else.
  f.data = "data-v2";
  f.run(d / "out");
  EXPECT_EQ(f.runs, (std::map<std::string, int>{{"metrics", 1}, {"train", 2}, {"quantize", 2}, {"energy", 2}, {"tune", 3}}));
}

TEST(FlowStages, ChangedOrMissingOutputIsNotTrusted) {
  TempDir d;
  Fake f;
  f.run(d / "out");
  qf::write_file_atomic(d / "out" / "work" / "quantize" / "quantize.txt", "tampered");
  f.run(d / "out");
  EXPECT_EQ(f.runs["quantize"], 2);
  EXPECT_EQ(f.runs["train"], 1);
  // The recomputed result and file are the same as before, so what reads them is still valid.
  EXPECT_EQ(f.runs["tune"], 1);
  EXPECT_EQ(qf::read_file(d / "out" / "work" / "quantize" / "quantize.txt"), "13");
  fs::remove(d / "out" / "work" / "train" / "train.txt");
  f.run(d / "out");
  EXPECT_EQ(f.runs["train"], 2);
}

TEST(FlowStages, AFailureIsReportedAndIndependentStagesStillRun) {
  TempDir d;
  Fake f;
  f.fail = "quantize";
  auto r = f.run(d / "out");
  EXPECT_EQ(r.failed, 1);
  EXPECT_EQ(r.skipped, 1);
  auto s = by_name(r.json);
  EXPECT_EQ(s["quantize"]["status"], "failed");
  EXPECT_EQ(s["quantize"]["error"], "quantize broke");  // the first line
  const fs::path log = s["quantize"]["log"].get<std::string>();
  EXPECT_NE(qf::read_file(log).find("second line"), std::string::npos);  // the whole message is in the log
  EXPECT_EQ(s["tune"]["status"], "skipped");
  EXPECT_NE(s["tune"]["error"].get<std::string>().find("quantize"), std::string::npos);
  EXPECT_EQ(s["energy"]["status"], "done");
  EXPECT_EQ(s["metrics"]["status"], "done");
  // The report on disk says the same, and the results before the failure are kept.
  const json on_disk = json::parse(qf::read_file(d / "out" / "report.json"));
  EXPECT_EQ(on_disk["failed"], 1);
  const std::string md = qf::read_file(d / "out" / "report.md");
  EXPECT_NE(md.find("**Failed:** quantize broke"), std::string::npos);
  EXPECT_NE(md.find("**Skipped:**"), std::string::npos);
  // Fixed: the failed stage and what needs it run; the rest is reused.
  f.fail.clear();
  auto r2 = by_name(f.run(d / "out").json);
  EXPECT_EQ(f.runs["train"], 1);
  EXPECT_EQ(f.runs["quantize"], 2);
  EXPECT_EQ(f.runs["tune"], 1);
  EXPECT_EQ(r2["tune"]["status"], "done");
}

TEST(FlowStages, OnlyRunsTheNamedStagesAndWhatTheyNeed) {
  TempDir d;
  Fake f;
  auto r = by_name(f.run(d / "out", {"quantize"}).json);
  EXPECT_EQ(r.size(), 2u);
  EXPECT_TRUE(r.count("train") && r.count("quantize"));
  EXPECT_THROW(f.run(d / "out", {"nope"}), qsq::Error);
}

TEST(FlowStages, UnknownCodeUnitFailsTheStage) {
  TempDir d;
  Fake f;
  f.units.erase("metrics");
  auto r = by_name(f.run(d / "out").json);
  EXPECT_EQ(r["metrics"]["status"], "failed");
  EXPECT_NE(r["metrics"]["error"].get<std::string>().find("unknown code unit"), std::string::npos);
  // The stage failed before it ran: its log still says why.
  EXPECT_NE(qf::read_file(r["metrics"]["log"].get<std::string>()).find("unknown code unit"), std::string::npos);
}

// SIGTERM in the middle of a stage: the stages before it keep their cache entries, the
// interrupted one has none, and the next run recomputes just that one (and what follows it).
TEST(FlowStages, InterruptedRunLeavesNothingTrusted) {
  TempDir d;
  const int status = qsq_test::kill_when_ready(
      [&](const std::function<void()>& ready) {
        Fake f;
        auto st = f.stages();
        for (auto& s : st)
          if (s.name == "quantize")
            s.run = [&](qf::StageContext& ctx) -> json {
              qf::write_file_atomic(ctx.work_dir / "quantize.txt", "partial");
              ready();
              ::pause();
              return json{{"v", -1}};
            };
        qf::set_quiet(true);
        qf::run_flow(st, {.out = d / "out", .quick = true, .force = false, .only = {}, .code_units = &f.units});
      },
      SIGTERM);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(fs::exists(d / "out" / "cache" / "train.json"));
  EXPECT_FALSE(fs::exists(d / "out" / "cache" / "quantize.json"));
  Fake g;
  auto r = by_name(g.run(d / "out").json);
  EXPECT_TRUE(r["train"]["cached"].get<bool>());
  EXPECT_FALSE(r["quantize"]["cached"].get<bool>());
  EXPECT_EQ(r["quantize"]["result"]["v"], 8 + 5);
  EXPECT_EQ(qf::read_file(d / "out" / "work" / "quantize" / "quantize.txt"), "13");
}
