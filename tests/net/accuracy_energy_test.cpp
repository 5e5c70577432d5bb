// Accuracy against measured energy (net/cmd/accuracy_energy.hpp): per level, the network's test
// accuracy is paired with the design's measured pJ/MAC of that level; the tuned mix is priced as
// the MAC-weighted mean of its layers' levels (worked by hand below); a design whose levels are not
// the network's (another data width) is left out.
#include <gtest/gtest.h>

#include "accuracy_energy.hpp"

using nlohmann::json;

namespace {

json energy(std::initializer_list<std::pair<int, double>> levels) {
  json e = {{"workload", "real"}, {"levels", json::array()}};
  for (const auto& [q, pj] : levels) e["levels"].push_back({{"q", q}, {"pj_per_mac", pj}});
  return e;
}

TEST(AccuracyEnergy, PairsLevelsAndPricesTheMixByMacs) {
  const json eval = {{"runs", {{{"name", "net-a"}, {"levels", {{{"q", 1}, {"acc", 0.5}}, {{"q", 2}, {"acc", 0.9}}}}}}}};
  const json tune = {{{"name", "net-a"},
                      {"test_acc", 0.88},
                      {"layers", {{{"name", "c1"}, {"q", 1}, {"macs", 300}}, {{"name", "c2"}, {"q", 2}, {"macs", 100}}}}}};
  const json one_row = energy({{1, 2.0}, {2, 4.0}});
  const json grid = energy({{1, 1.0}, {2, 3.0}});
  const json small = energy({{1, 1.0}});  // another width: no level 2
  const json ae = qsq::cli::net::accuracy_energy(eval, {{"one-row", &one_row}, {"grid", &grid}, {"small", &small}}, tune);
  ASSERT_EQ(ae.size(), 1u);
  ASSERT_EQ(ae[0]["series"].size(), 2u);
  const json& g = ae[0]["series"][1];
  EXPECT_EQ(g["design"], "grid");
  EXPECT_DOUBLE_EQ(g["levels"][1]["pj_per_mac"].get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(g["levels"][1]["acc"].get<double>(), 0.9);
  // (300 x 1.0 + 100 x 3.0) / 400 = 1.5; one-row: (300 x 2 + 100 x 4) / 400 = 2.5.
  EXPECT_DOUBLE_EQ(g["mix"]["pj_per_mac"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(ae[0]["series"][0]["mix"]["pj_per_mac"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(g["mix"]["acc"].get<double>(), 0.88);
}

TEST(AccuracyEnergy, NoEvaluationNoEntry) {
  const json eval = {{"runs", json::array()}};
  const json tune = {{{"name", "net-a"}, {"test_acc", 0.8}, {"layers", json::array()}}};
  const json e = energy({{1, 1.0}});
  EXPECT_TRUE(qsq::cli::net::accuracy_energy(eval, {{"x", &e}}, tune).empty());
}

}  // namespace
