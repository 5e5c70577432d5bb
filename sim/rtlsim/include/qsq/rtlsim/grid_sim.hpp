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
#include "qsq/rtlsim/array_sim.hpp"

namespace qsq::rtlsim {

class GridSim {
 public:
  // serial: the digit-serial lane organisation (Serial = 1), built for grid-small and grid.
  static std::unique_ptr<GridSim> create(std::string_view preset, bool gate_en = true, bool exact_lane = false,
                                         bool serial = false);
  static std::vector<std::string> available();

  virtual ~GridSim();
  const Geometry& geometry() const { return geo_; }
  void set_traffic(const Traffic& t);

  // Queue a load or a beat (checked against the geometry: qsq::Error).
  void push_load(const GridLoad& load);
  void push_beat(const GridBeat& beat);

  // Drives every queued operation and waits for every result; throws qsq::Error on a hang
  // (no progress for 1000 cycles) or a result nobody asked for.
  std::vector<GridResult> run();
  void reset(int cycles = 2);

  std::uint64_t cycles() const { return cycles_; }
  std::uint64_t results() const { return results_total_; }
  std::uint64_t stalled_cycles() const { return stalled_; }  // cycles an offered operation was refused

  // Gated-clock observation (gated models): rising edges of a bank's gated clock, by instance
  // path below qsq_grid, e.g. "u_load_bank", "gen_col[2].u_act_bank", "gen_row[3].u_row.u_weight_bank",
  // "gen_row[0].u_row.gen_slot[5].u_acc_bank", "gen_row[7].u_row.u_result_bank".
  virtual void watch_gated_clocks(bool on) = 0;
  virtual std::uint64_t gated_clock_edges(const std::string& bank) const = 0;
  virtual std::vector<std::string> gated_banks() const = 0;

 protected:
  struct Inputs {
    bool rst_n = true;
    unsigned cfg_q = 0, cfg_p = 0, cfg_codebook = 0;
    bool cfg_bypass = false;
    bool wld_valid = false, act_valid = false, res_ready = true;
    unsigned wld_row = 0;
    std::uint64_t wld_rows_on = 0;
    std::vector<std::uint32_t> wld_codes, wld_plain, act_data;  // qsq::pack_lanes words
    std::uint32_t wld_scale = 0;
    unsigned act_slot = 0;
    bool act_first = false, act_last = false;
  };
  struct Outputs {
    bool wld_ready = false, act_ready = false, res_valid = false;
    std::vector<std::uint32_t> res_data;  // M x AccW bits, LSB first
    std::uint64_t res_rows = 0;
  };
  explicit GridSim(Geometry g);
  virtual Outputs settle(const Inputs& in) = 0;  // inputs applied with the clock low
  virtual void clock() = 0;                      // rising, then falling edge

 private:
  struct Op {
    bool is_load = false;
    Inputs in;
  };
  void step(std::vector<GridResult>& out);
  double uniform();
  GridResult decode(const Outputs& o) const;
  Geometry geo_;
  Traffic traffic_;
  std::uint64_t rng_ = 1;
  std::vector<Op> queue_;
  std::size_t head_ = 0;
  bool offering_ = false;
  std::uint64_t outstanding_ = 0, cycles_ = 0, results_total_ = 0, stalled_ = 0;
  Inputs in_;
};

}  // namespace qsq::rtlsim
