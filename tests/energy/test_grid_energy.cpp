// The energy flow on the 2-D qsq_grid (preset grid-small: M = 3 rows of N = 3 lanes, W = 5, 4
// slots, so it stays CI-sized): a real conv layer's grid schedule, written as a grid trace and
// replayed through the synthesized gate-level grid in both lane organisations. Every result is
// checked against qsq::GridModel during the run (measure() throws on a mismatch); here the MACs
// per block must be the layer's own (Layer::macs, from its shape), the handshakes must transfer
// exactly the trace's loads and beats, and the digit-serial grid must take the cycles the golden
// model's schedule predicts (GridCost, serial) plus the fixed latency of the last result.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "qsq/contract.hpp"
#include "qsq/energy/energy_flow.hpp"
#include "qsq/energy/liberty.hpp"
#include "qsq/energy/netlist.hpp"
#include "qsq/energy/power.hpp"
#include "qsq/energy/toolrun.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/operand_trace.hpp"
#include "qsq/grid.hpp"
#include "qsq/schedule.hpp"

namespace qe = qsq::energy;
namespace fs = std::filesystem;

namespace {

// A conv layer whose dot products (fan-in 8) end in a chunk with one padded lane on N = 3, and
// whose 5 filters leave one row of the second group of M = 3 without a filter.
qsq::Layer test_layer(int width, std::mt19937_64& rng) {
  qsq::Layer l;
  l.name = "conv";
  l.kind = qsq::LayerKind::conv2d;
  l.kernel = 2;
  l.in = {2, 5, 5};
  l.out_channels = 5;
  l.format = qsq::WeightFormat::coded;
  l.codebook = qsq::CodebookId::pow2;
  l.code_bits = 3;
  std::uniform_int_distribution<int> code(0, 7), scale(0, static_cast<int>(qsq::max_scale(width)));
  for (int f = 0; f < l.out_channels; ++f) {
    l.scales.push_back(static_cast<std::uint32_t>(scale(rng)));
    l.bias.push_back(0);
  }
  for (std::int64_t i = 0; i < l.num_weights(); ++i) l.codes.push_back(static_cast<std::uint8_t>(code(rng)));
  return l;
}

}  // namespace

TEST(GridEnergy, RealLayerMacsHandshakesAndSerialCyclesFollowTheGoldenSchedule) {
  const qe::ArrayShape s = qsq::presets::kGridSmall;
  const fs::path work = fs::path(QSQ_TEST_WORK) / "grid";
  fs::create_directories(work);
  std::mt19937_64 rng(11);
  const qsq::Layer layer = test_layer(s.width, rng);
  std::vector<std::int32_t> input(static_cast<std::size_t>(layer.in.size()));
  std::uniform_int_distribution<int> act(0, qsq::max_value(s.width));
  for (auto& x : input) x = rng() % 3 == 0 ? 0 : act(rng);  // ReLU-like: a third are zero

  // The layer's grid schedule as a grid trace (the format qsq export --grid-trace writes).
  const qsq::Quality exact{qsq::max_digits(s.width), 0};
  qsq::flow::TraceWriter w({s.width, s.lanes, s.code_bits}, layer.codebook, "test layer", {s.rows, s.slots});
  std::uint64_t loads = 0, beats = 0;
  qsq::for_each_grid_step(layer, s, [&](const qsq::GridStep& st) {
    if (st.kind == qsq::GridStep::Kind::load) {
      w.grid_load(qsq::grid_step_load(layer, s, st, exact));
      ++loads;
    } else {
      w.grid_beat(qsq::grid_step_beat(layer, input, s, st), qsq::grid_step_macs(layer, s, st));
      ++beats;
    }
  });
  const fs::path trace = work / "layer.grid.trace";
  qsq::flow::write_file_atomic(trace, w.text());
  const qe::GridStream gs = qe::make_grid_stream("real", s, 1, 0, trace.string());
  ASSERT_EQ(gs.macs(), static_cast<std::uint64_t>(layer.macs()));  // 5 filters x 16 positions x 8 terms

  qe::MeasureSetup ms{qe::default_liberty(), work, 10.0, s.lanes, {}};
  ms.macs_per_block = gs.macs();
  const std::vector<qsq::Quality> levels{{1, 0}, exact};
  for (const bool serial : {false, true}) {
    const qe::AsicResult a = qe::synth_asic(qe::grid_variant(s, true, qe::LaneKind::csd, serial), work, qe::default_liberty());
    const auto m = qe::measure(a, qe::DriverKind::grid, qe::grid_stimulus(s, gs, levels, qe::LaneKind::csd), ms,
                               serial ? "serial" : "parallel");
    ASSERT_EQ(m.size(), levels.size());
    for (size_t k = 0; k < levels.size(); ++k) {
      SCOPED_TRACE((serial ? "serial " : "parallel ") + m[k].block);
      EXPECT_EQ(m[k].macs, static_cast<std::uint64_t>(layer.macs()));
      EXPECT_EQ(m[k].loads, loads);
      EXPECT_EQ(m[k].beats, beats);
      // The golden model's cycles of a perfect stream; the gate-level block also holds the
      // cycles that drain the last result (a fixed latency, the same at every level).
      qsq::GridCost cost;
      qsq::grid_layer_accumulators(layer, input, s, levels[k], qsq::LaneKind::csd, &cost,
                                   serial ? qsq::LaneOrg::serial : qsq::LaneOrg::parallel);
      EXPECT_GE(m[k].cycles, cost.cycles);
      EXPECT_LE(m[k].cycles, cost.cycles + 4);
      EXPECT_GT(m[k].energy.total(), 0.0);
    }
    // Lane cells (the free-lane floor subtracts what they cost): named in the digit-serial grid
    // only, the same number in every lane of every row, and busier at the exact level, whose
    // beats take a lane row per step, than at q = 1.
    const qe::Netlist net = qe::read_netlist(a.netlist.string());
    const qe::PowerModel pm(net, qe::read_liberty(qe::default_liberty()));
    const std::vector<int> lane_cells = qe::lane_cells(net);
    auto lane_pj_per_mac = [&](const qe::Measured& x) {
      double e = 0;
      for (const int i : lane_cells) e += pm.cell_energy(i, x.net_toggles);
      return e / static_cast<double>(x.macs);
    };
    if (serial) {
      // Fewer kept digits, fewer cycles: the exact level's beats take more steps than q = 1's.
      EXPECT_LT(m[0].cycles, m[1].cycles);
      ASSERT_FALSE(lane_cells.empty());
      EXPECT_EQ(lane_cells.size() % static_cast<size_t>(s.rows * s.lanes), 0u);
      EXPECT_GT(lane_pj_per_mac(m[0]), 0.0);
      EXPECT_LT(lane_pj_per_mac(m[0]), m[0].pj_per_mac());
      EXPECT_GT(lane_pj_per_mac(m[1]), lane_pj_per_mac(m[0]));
    } else {
      EXPECT_TRUE(lane_cells.empty());
      EXPECT_EQ(m[0].cycles, m[1].cycles);  // one beat per cycle at every level
    }
  }

  // The floor instruments at gate level: the driver compares every row result with
  // qsq::GridModel of the same lane kind, so a signed bound that dropped the weights' signs (or
  // an unsigned one that kept them) fails here. The layer has negative weights, so the two
  // kinds' expected results differ.
  const std::string unsigned_stim = qe::grid_stimulus(s, gs, levels, qe::LaneKind::bound);
  const std::string signed_stim = qe::grid_stimulus(s, gs, levels, qe::LaneKind::signed_bound);
  auto without_block_names = [](const std::string& stim) {
    std::istringstream in(stim);
    std::string out, line;
    while (std::getline(in, line))
      if (line.rfind("block ", 0) != 0) out += line + "\n";
    return out;
  };
  ASSERT_NE(without_block_names(unsigned_stim), without_block_names(signed_stim));
  for (const auto& [lane, stim] : {std::pair{qe::LaneKind::bound, unsigned_stim}, std::pair{qe::LaneKind::signed_bound, signed_stim}}) {
    const qe::AsicResult a = qe::synth_asic(qe::grid_variant(s, true, lane), work, qe::default_liberty());
    const auto m = qe::measure(a, qe::DriverKind::grid, stim, ms, lane == qe::LaneKind::bound ? "bound" : "signed-bound");
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].macs, static_cast<std::uint64_t>(layer.macs()));
    EXPECT_EQ(m[0].beats, beats);
  }
}
