// The sweep library without any tool: spec parsing (grid, list, defaults, one-line errors naming
// the key), point ids, Pareto marking against a hand-worked example, the merged table's
// determinism, and the Slurm scripts of a dry run.
#include <gtest/gtest.h>

#include <filesystem>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/sweep/executor.hpp"
#include "qsq/sweep/merge.hpp"
#include "qsq/sweep/pareto.hpp"
#include "qsq/sweep/spec.hpp"

namespace {

using json = nlohmann::json;
namespace sw = qsq::sweep;
namespace fs = std::filesystem;

sw::Spec parse(const std::string& text) { return sw::parse_spec(json::parse(text), "/specs", "s.json"); }

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const qsq::Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(SweepSpec, GridExpandsInKeyOrderWithDefaultsFilledIn) {
  const auto s = parse(R"({"name": "g", "defaults": {"preset": "small", "cycles": 200},
                           "grid": {"workload": ["random", "stationary"], "lanes": [2, 3]}})");
  ASSERT_EQ(s.points.size(), 4u);
  // Keys in sorted order: lanes varies slowest.
  EXPECT_EQ(s.points[0].params["lanes"], 2);
  EXPECT_EQ(s.points[0].params["workload"], "random");
  EXPECT_EQ(s.points[1].params["workload"], "stationary");
  EXPECT_EQ(s.points[2].params["lanes"], 3);
  for (const auto& p : s.points) {
    EXPECT_EQ(p.params["preset"], "small");
    EXPECT_EQ(p.params["cycles"], 200);
    EXPECT_EQ(p.params["clock_ns"], 10.0);  // a default the spec did not spell out
    EXPECT_EQ(p.params["seed"], 1);
    EXPECT_EQ(p.id.size(), 16u);
  }
  EXPECT_EQ(sw::point_label(s, s.points[3]), "lanes=3 workload=stationary");
}

TEST(SweepSpec, ListAddsToGridAndIdsDependOnlyOnParameters) {
  const auto a = parse(R"({"name": "a", "grid": {"lanes": [2]}, "points": [{"lanes": 4, "clock_ns": 5}]})");
  ASSERT_EQ(a.points.size(), 2u);
  EXPECT_EQ(a.points[1].params["clock_ns"], 5.0);
  // The same point spelled differently (a default written out, 2.0 for 2, another sweep name) has the same id.
  const auto b = parse(R"({"name": "b", "points": [{"lanes": 2.0, "preset": "default", "seed": 1}]})");
  EXPECT_EQ(a.points[0].id, b.points[0].id);
  EXPECT_NE(a.points[0].id, a.points[1].id);
  EXPECT_EQ(a.points[0].id, sw::point_id(a.points[0].params));
}

TEST(SweepSpec, BadSpecsGiveOneLineErrorsNamingTheKey) {
  EXPECT_NE(error_of(R"({"grid": {"lanes": [2]}})").find("'name'"), std::string::npos);
  EXPECT_NE(error_of(R"({"name": "x", "grid": {"lanez": [2]}})").find("unknown key 'lanez'"), std::string::npos);
  EXPECT_NE(error_of(R"({"name": "x", "grid": {"lanes": [0]}})").find("key 'lanes' is 0"), std::string::npos);
  EXPECT_NE(error_of(R"({"name": "x", "grid": {"lanes": 2}})").find("grid key 'lanes' must be a non-empty list"), std::string::npos);
  EXPECT_NE(error_of(R"({"name": "x", "points": [{"workload": "bursty"}]})").find("points[0]: key 'workload' is 'bursty'"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"name": "x", "points": [{"M": 4}]})").find("key 'M' cannot be swept yet"), std::string::npos);
  EXPECT_NE(error_of(R"({"name": "x", "points": [{"codebook": "pow2"}]})").find("key 'codebook' cannot be swept yet"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"name": "x", "points": [{"workload": "real"}]})").find("needs key 'trace'"), std::string::npos);
  EXPECT_NE(error_of(R"({"name": "x", "points": [{"lanes": 2}, {"lanes": 2}]})").find("repeats point 0"), std::string::npos);
  EXPECT_NE(error_of(R"({"name": "x", "gird": {}})").find("unknown top-level key 'gird'"), std::string::npos);
  EXPECT_NE(error_of(R"({"name": "x"})").find("no points"), std::string::npos);
  for (const char* bad : {R"({"name": "x", "grid": {"lanez": [2]}})", R"({"name": "x", "points": [{"cycles": 5}]})"})
    EXPECT_EQ(error_of(bad).find('\n'), std::string::npos) << error_of(bad);
}

// Every preset of the contract is a point parameter, the 2-D grid's included; a grid's shape is its
// preset's, so the one-row array's --lanes override is refused for it in one line.
TEST(SweepSpec, GridPresetsAreAcceptedAndLanesStaysWithTheArray) {
  const auto s = parse(R"({"name": "g", "grid": {"preset": ["grid-small", "grid", "grid-large", "small"]}})");
  ASSERT_EQ(s.points.size(), 4u);
  EXPECT_EQ(s.points[0].params["preset"], "grid-small");
  EXPECT_EQ(s.points[2].params["preset"], "grid-large");
  const std::string e = error_of(R"({"name": "x", "points": [{"preset": "grid", "lanes": 4}]})");
  EXPECT_NE(e.find("points[0]: key 'lanes' overrides the one-row array's presets only, not 'grid'"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  EXPECT_NE(error_of(R"({"name": "x", "points": [{"preset": "grid", "rows": 4}]})").find("key 'rows' cannot be swept yet"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"name": "x", "points": [{"preset": "grid-huge"}]})").find("key 'preset' is 'grid-huge'"),
            std::string::npos);
}

TEST(SweepSpec, TomlIsRefusedWithAReason) {
  const fs::path f = fs::temp_directory_path() / "qsq_sweep_test.toml";
  qsq::flow::write_file_atomic(f, "name = 'x'\n");
  try {
    sw::read_spec(f);
    FAIL() << "TOML accepted";
  } catch (const qsq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("TOML specs are not supported"), std::string::npos);
  }
  fs::remove(f);
}

TEST(SweepPareto, HandWorkedFront) {
  // (energy, error): a=(1,5) b=(2,3) c=(3,3) d=(2,4) e=(4,1) f=(2,3).
  // c is dominated by b (same error, more energy); d by b; b and f are equal: both stay.
  const auto on = sw::pareto_front({{1, 5}, {2, 3}, {3, 3}, {2, 4}, {4, 1}, {2, 3}});
  EXPECT_EQ(on, (std::vector<bool>{true, true, false, false, true, true}));
}

json done_point(const std::string& id, const std::string& wl, double area, std::vector<std::array<double, 2>> levels) {
  json p = {{"status", "done"}, {"id", id}, {"params", {{"workload", wl}, {"lanes", 1}}}, {"area_um2", area}};
  p["levels"] = json::array();
  int q = 1;
  for (auto [pj, mred] : levels) p["levels"].push_back({{"q", q++}, {"p", 0}, {"pj_per_mac", pj}, {"mred", mred}});
  return p;
}

TEST(SweepPareto, MarksPerWorkloadLevelsAndAreaAndLeavesFailedPointsOut) {
  std::vector<json> pts = {
      done_point("A", "random", 100, {{1.0, 0.3}, {2.0, 0.0}}),   // q1 and q2 on the error front; exact 2.0 @ area 100
      done_point("B", "random", 200, {{1.5, 0.3}, {2.5, 0.0}}),   // dominated everywhere by A
      done_point("C", "random", 50, {{0.5, 0.4}, {3.0, 0.0}}),    // q1 on the error front; area front (smaller, costlier)
      done_point("D", "stationary", 300, {{9.0, 0.3}, {9.5, 0.0}}),  // alone in its workload: on every front
      {{"status", "failed"}, {"id", "E"}, {"params", {{"workload", "random"}}}, {"log", "points/E/synth.log"}, {"error", "x"}},
  };
  const json m = sw::mark_pareto(pts);
  const auto& p = m["points"];
  EXPECT_TRUE(p[0]["levels"][0]["pareto_error"]);
  EXPECT_TRUE(p[0]["levels"][1]["pareto_error"]);
  EXPECT_TRUE(p[0]["pareto_area"]);
  EXPECT_FALSE(p[1]["levels"][0]["pareto_error"]);
  EXPECT_FALSE(p[1]["levels"][1]["pareto_error"]);
  EXPECT_FALSE(p[1]["pareto_area"]);
  EXPECT_FALSE(p[1]["pareto"]);
  EXPECT_TRUE(p[2]["levels"][0]["pareto_error"]);
  EXPECT_FALSE(p[2]["levels"][1]["pareto_error"]);
  EXPECT_TRUE(p[2]["pareto_area"]);
  EXPECT_TRUE(p[3]["pareto"]);
  EXPECT_TRUE(p[3]["pareto_area"]);
  EXPECT_FALSE(p[4]["pareto"]);
  EXPECT_EQ(m["summary"]["done"], 4);
  EXPECT_EQ(m["summary"]["failed"], 1);
  EXPECT_EQ(m["fronts"]["random"]["energy_area"], json::array({"A", "C"}));
}

TEST(SweepMerge, TableIsDeterministicAndHasOneRowPerLevel) {
  std::vector<json> pts = {done_point("A", "random", 100, {{1.0, 0.3}, {2.0, 0.0}}),
                           {{"status", "failed"}, {"id", "E"}, {"params", {{"workload", "random"}, {"liberty", "a,b.lib"}}},
                            {"log", "points/E/synth.log"}, {"error", "cannot read \"a,b.lib\""}}};
  const std::string a = sw::results_csv(sw::mark_pareto(pts)), b = sw::results_csv(sw::mark_pareto(pts));
  EXPECT_EQ(a, b);
  EXPECT_EQ(sw::mark_pareto(pts).dump(), sw::mark_pareto(pts).dump());
  EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), 4);  // header, 2 levels, 1 failed row
  EXPECT_NE(a.find("\"cannot read \"\"a,b.lib\"\"\""), std::string::npos);  // quoted CSV field
  EXPECT_EQ(a.substr(0, a.find('\n')),
            "id,lanes,liberty,workload,status,area_um2,kge,fmax_mhz,worst_slack_ns,baseline_pj_per_mac,pareto,pareto_area,q,p,"
            "pj_per_mac,pj_per_mac_ungated,mae,wce,mred,ep,acc,pareto_error,pareto_accuracy,log,error");
}

TEST(SweepSlurm, ScriptsHaveTheArrayRangeAndTheDependency) {
  EXPECT_EQ(sw::index_ranges({5, 0, 1, 2, 7, 8}), "0-2,5,7-8");
  sw::Plan plan;
  plan.spec = parse(R"({"name": "s", "grid": {"lanes": [1, 2, 3, 4]}})");
  plan.out = "/shared/out";
  plan.work = "/shared/work";
  plan.qsq = "/opt/qsq/bin/qsq";
  plan.timeout_s = 600;
  sw::SlurmOptions o;
  o.max_parallel = 2;
  o.partition = "cpu";
  const auto s = sw::slurm_scripts(plan, {0, 2, 3}, o);
  EXPECT_NE(s.array.find("#SBATCH --array=0,2-3%2\n"), std::string::npos) << s.array;
  EXPECT_NE(s.array.find("#SBATCH --partition=cpu\n"), std::string::npos);
  EXPECT_NE(s.array.find("#SBATCH --time=11\n"), std::string::npos);
  EXPECT_NE(s.array.find("exec '/opt/qsq/bin/qsq' sweep-point '/shared/out/plan.json' \"$SLURM_ARRAY_TASK_ID\""),
            std::string::npos);
  EXPECT_NE(s.merge.find("sweep-merge '/shared/out/plan.json'"), std::string::npos);
  EXPECT_EQ(s.commands.at(1), "sbatch --parsable --dependency=afterany:<ARRAY_JOB_ID> '/shared/out/slurm/merge.sh'");
}

}  // namespace
