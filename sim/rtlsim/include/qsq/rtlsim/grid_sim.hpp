// Description: a cycle-level driver of the Verilated 2-D grid `qsq_grid` (rtl/). It turns the
// golden grid model's transactions (qsq::GridLoad, qsq::GridBeat of qsq/grid.hpp) into
// valid/ready beats, applies optional random back-pressure and valid gaps (ArraySim's Traffic),
// and returns the results of the last beats in order, with the data of rows that are off zeroed
// (the RTL leaves it undefined; qsq::GridModel reports 0). The caller scores them
// (grid_cosim.hpp against qsq::GridModel; grid_layer.hpp runs a layer in the grid schedule).
// Usage:
//   auto sim = qsq::rtlsim::GridSim::create("grid");             // M = 8, N = 8, gated
//   sim->set_traffic({.res_stall = 0.3, .valid_gap = 0.1, .seed = 7});
//   sim->push_load(load);  sim->push_beat(beat);
//   std::vector<qsq::GridResult> r = sim->run();                 // one per last beat
// Available models: GridSim::available() ("grid", "grid/serial", "grid-small", "grid-small/nogate",
// "grid-small/exact", "grid-small/serial", and "grid-large" when the build has QSQ_WITH_GRID_LARGE).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "qsq/grid.hpp"
#include "qsq/rtlsim/stream_driver.hpp"

namespace qsq::rtlsim {

// qsq_grid's buses beyond the array's: the load's row and row mask, the beat's slot and flags,
// and the M-wide result with the rows that hold a filter.
struct GridLoadBus : LoadBus {
  unsigned wld_row = 0;
  std::uint64_t wld_rows_on = 0;
};
struct GridBeatBus {
  std::vector<std::uint32_t> act_data;  // qsq::pack_lanes words
  unsigned act_slot = 0;
  bool act_first = false, act_last = false;
};
using GridPorts = PortValues<GridLoadBus, GridBeatBus>;
struct GridOutputs : Handshake {
  std::vector<std::uint32_t> res_data;  // M x AccW bits, LSB first
  std::uint64_t res_rows = 0;
};

class GridSim : public StreamDriver<GridPorts, GridOutputs, GridResult> {
 public:
  // serial: the digit-serial lane organisation (Serial = 1), built for grid-small and grid.
  static std::unique_ptr<GridSim> create(std::string_view preset, bool gate_en = true, bool exact_lane = false,
                                         bool serial = false);
  static std::vector<std::string> available();

  // Queue a load or a beat (checked against the geometry: qsq::Error). run() returns one result
  // per last beat, in order.
  void push_load(const GridLoad& load);
  void push_beat(const GridBeat& beat);

  // Gated-clock observation (gated models): rising edges of a bank's gated clock, by instance
  // path below qsq_grid, e.g. "u_load_bank", "gen_col[2].u_act_bank", "gen_row[3].u_row.u_weight_bank",
  // "gen_row[0].u_row.gen_slot[1].gen_bank[1].u_acc_bank" (slot 5), "gen_row[7].u_row.u_result_bank".
  virtual void watch_gated_clocks(bool on) = 0;
  virtual std::uint64_t gated_clock_edges(const std::string& bank) const = 0;
  virtual std::vector<std::string> gated_banks() const = 0;

 protected:
  explicit GridSim(Geometry g) : StreamDriver(std::move(g), "grid") {}
  GridResult result(const GridOutputs& o) const override;
};

}  // namespace qsq::rtlsim
