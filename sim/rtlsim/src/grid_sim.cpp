// GridSim's transactions (loads of one row and beats on qsq_grid's buses, M-wide results) and the
// adapters that bind it to each Verilated configuration of qsq_grid (sim/rtlsim/CMakeLists.txt
// builds them); the cycle loop is StreamDriver's.
#include "qsq/rtlsim/grid_sim.hpp"

#include <string>

#include "Vqsq_grid_grid.h"
#include "Vqsq_grid_grid_small.h"
#include "Vqsq_grid_grid_small_exact.h"
#include "Vqsq_grid_grid_small_nogate.h"
#include "Vqsq_grid_grid_small_serial.h"
#include "Vqsq_grid_grid_serial.h"
#ifdef QSQ_WITH_GRID_LARGE
#include "Vqsq_grid_grid_large.h"
#endif
#include "qsq/bits.hpp"
#include "qsq/error.hpp"
#include "verilated_harness.hpp"

namespace qsq::rtlsim {

namespace {

// Bits [lo, lo + n) of a little-endian word vector (n <= 64).
std::uint64_t bits_of(const std::vector<std::uint32_t>& words, int lo, int n) {
  std::uint64_t v = 0;
  for (int b = 0; b < n; ++b) {
    const int at = lo + b;
    const auto w = static_cast<std::size_t>(at / 32);
    if (w < words.size() && (words[w] >> (at % 32) & 1u)) v |= std::uint64_t{1} << b;
  }
  return v;
}

}  // namespace

void GridSim::push_load(const GridLoad& gl) {
  const Geometry& g = geometry();
  require_range("grid row", gl.row, 0, g.rows - 1);
  if (g.rows < 64 && (gl.rows_on >> g.rows) != 0) throw Error("rows_on names a row beyond the grid");
  GridLoadBus b;
  static_cast<LoadBus&>(b) = load_bus(gl.weights, g);
  b.wld_row = static_cast<unsigned>(gl.row);
  b.wld_rows_on = gl.rows_on;
  enqueue_load(b);
}

void GridSim::push_beat(const GridBeat& b) {
  const Geometry& g = geometry();
  const int n = g.lanes, w = g.width;
  if (static_cast<int>(b.a.size()) != n) throw Error("a grid beat needs one activation per lane");
  for (int i = 0; i < n; ++i) require_range("activation", b.a[static_cast<std::size_t>(i)], min_value(w), max_value(w));
  require_range("accumulator slot", b.slot, 0, g.slots - 1);
  // Only a last beat makes a result.
  enqueue_beat({pack_lanes(b.a, w), static_cast<unsigned>(b.slot), b.first, b.last}, /*expects_result=*/b.last);
}

// The data of rows that are off is undefined in the RTL; qsq::GridModel reports 0.
GridResult GridSim::result(const GridOutputs& o) const {
  const Geometry& g = geometry();
  GridResult r;
  r.rows_on = o.res_rows;
  r.values.assign(static_cast<std::size_t>(g.rows), 0);
  for (int row = 0; row < g.rows; ++row)
    if (o.res_rows >> row & 1u)
      r.values[static_cast<std::size_t>(row)] = sign_extend(bits_of(o.res_data, row * g.acc_width, g.acc_width), g.acc_width);
  return r;
}

namespace {

template <class Model>
class GridModelSim final : public GridSim {
 public:
  explicit GridModelSim(Geometry g) : GridSim(std::move(g)), h_("qsq_grid") { reset(2); }

  void watch_gated_clocks(bool on) override { h_.watch_gated_clocks(on); }
  std::uint64_t gated_clock_edges(const std::string& bank) const override { return h_.probes().edges(bank); }
  std::vector<std::string> gated_banks() const override { return h_.probes().banks(); }

 protected:
  GridOutputs settle(const GridPorts& in) override {
    Model& t = h_.top();
    drive_common(t, in);
    put(t.wld_row_i, in.load.wld_row);
    put(t.wld_rows_on_i, in.load.wld_rows_on);
    put(t.act_slot_i, in.beat.act_slot);
    t.act_first_i = in.beat.act_first;
    t.act_last_i = in.beat.act_last;
    h_.eval_low();
    GridOutputs o;
    o.wld_ready = t.wld_ready_o;
    o.act_ready = t.act_ready_o;
    o.res_valid = t.res_valid_o;
    o.res_data = get_words(t.res_data_o);
    o.res_rows = static_cast<std::uint64_t>(t.res_rows_o);
    return o;
  }
  void clock() override { h_.tick(); }

 private:
  VerilatedHarness<Model, false> h_;
};

Geometry geometry_of(const ParamPreset& p, bool gate_en, bool exact, bool serial = false) {
  return Geometry{p, p.name, gate_en, exact, serial};
}

}  // namespace

std::vector<std::string> GridSim::available() {
  std::vector<std::string> v{"grid", "grid/serial", "grid-small", "grid-small/nogate", "grid-small/exact",
                             "grid-small/serial"};
#ifdef QSQ_WITH_GRID_LARGE
  v.push_back("grid-large");
#endif
  return v;
}

std::unique_ptr<GridSim> GridSim::create(std::string_view preset, bool gate_en, bool exact_lane, bool serial) {
  if (serial) {
    if (exact_lane || !gate_en) throw Error("the digit-serial grids are built gated, without ExactLane");
    if (preset == "grid-small")
      return std::make_unique<GridModelSim<Vqsq_grid_grid_small_serial>>(geometry_of(presets::kGridSmall, true, false, true));
    if (preset == "grid")
      return std::make_unique<GridModelSim<Vqsq_grid_grid_serial>>(geometry_of(presets::kGrid, true, false, true));
    throw Error("the digit-serial grid is built for the grid-small and grid presets only");
  }
  if (preset == "grid-small") {
    const auto& p = presets::kGridSmall;
    if (exact_lane) {
      if (!gate_en) throw Error("the grid-small ExactLane baseline is built with clock gating only");
      return std::make_unique<GridModelSim<Vqsq_grid_grid_small_exact>>(geometry_of(p, true, true));
    }
    if (!gate_en) return std::make_unique<GridModelSim<Vqsq_grid_grid_small_nogate>>(geometry_of(p, false, false));
    return std::make_unique<GridModelSim<Vqsq_grid_grid_small>>(geometry_of(p, true, false));
  }
  if (exact_lane || !gate_en)
    throw Error("the ExactLane and GateEn = 0 grids are built for the grid-small preset only");
  if (preset == "grid") return std::make_unique<GridModelSim<Vqsq_grid_grid>>(geometry_of(presets::kGrid, true, false));
#ifdef QSQ_WITH_GRID_LARGE
  if (preset == "grid-large")
    return std::make_unique<GridModelSim<Vqsq_grid_grid_large>>(geometry_of(presets::kGridLarge, true, false));
#endif
  std::string names;
  for (const auto& n : available()) names += (names.empty() ? "" : ", ") + n;
  const std::string hint = preset == "grid-large" ? "; configure with -DQSQ_WITH_GRID_LARGE=ON to build it" : "";
  throw Error("grid preset '" + std::string(preset) + "' is not built (built: " + names + ")" + hint);
}

}  // namespace qsq::rtlsim
