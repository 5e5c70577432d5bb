// Description: a cycle-level driver of the Verilated RTL array `qsq_array` (rtl/). It turns
// golden-model transactions (weight loads and N-term dot products) into valid/ready beats,
// applies optional random back-pressure and valid gaps, and returns the results in order.
// The caller scores them (cosim.hpp does it against the golden model); run_layer() pushes a
// whole layer through the array in the golden model's schedule (qsq/schedule.hpp).
//
// Usage:
//   auto sim = qsq::rtlsim::ArraySim::create("default");        // W = 8, N = 8, gated
//   sim->set_traffic({.res_stall = 0.3, .valid_gap = 0.1, .seed = 7});
//   qsq::rtlsim::WeightLoad ld;  ld.quality = {2, 0};  ld.codes = {...N codes...};  ld.scale = 100;
//   sim->push_load(ld);
//   sim->push_dot({{1, 2, 3, 4, 5, 6, 7, 8}, /*psum=*/0});
//   std::vector<std::int64_t> r = sim->run();                  // one result per dot, in order
//   sim->cycles();                                             // clock cycles simulated so far
//
// Available models (built by sim/rtlsim/CMakeLists.txt, see available()):
//   "default" gate_en = true/false  (W = 8, N = 8, 3-bit codes, AccW = 32)
//   "small"   gate_en = true        (W = 5, N = 3, 3-bit codes, AccW = 20)
//   "small"   gate_en = true, exact_lane = true   (the exact baseline of the energy flow)
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "qsq/rtlsim/stream_driver.hpp"

namespace qsq::rtlsim {

// The transactions are the golden transaction model's (qsq/transaction.hpp): a WeightLoad of
// `lanes` codes (decoded by the array with its scale and codebook) or, with bypass, `lanes` plain
// W-bit weights, its quality level applying to every dot product accepted after it (q = 0: exact);
// a DotBeat of `lanes` activations and a psum, whose result qsq::ArrayModel predicts.
using qsq::DotBeat;
using qsq::WeightLoad;

// qsq_array's beat bus and outputs.
struct ArrayBeatBus {
  std::vector<std::uint32_t> act_data;  // qsq::pack_lanes words
  std::uint64_t act_psum = 0;
};
using ArrayPorts = PortValues<LoadBus, ArrayBeatBus>;
struct ArrayOutputs : Handshake {
  std::uint64_t res_data = 0;
};

class ArraySim : public StreamDriver<ArrayPorts, ArrayOutputs, std::int64_t> {
 public:
  // Creates a fresh simulation of a built model; throws qsq::Error for an unknown one.
  // exact_lane selects the ExactLane = 1 baseline (built for "small" only): every product is the
  // exact a * w whatever the load's quality level.
  static std::unique_ptr<ArraySim> create(std::string_view preset, bool gate_en = true, bool exact_lane = false);
  // Names of the built models: "default", "default/nogate", "small", "small/exact".
  static std::vector<std::string> available();

  // Cycle-exact observation, for timing-contract tests: while logging is on, every cycle's
  // handshake signals are recorded (values seen before the edge). force_res_ready() (the driver's)
  // sets the res_ready_i of the next cycles.
  struct CycleRecord {
    bool wld_valid, wld_ready, act_valid, act_ready, res_valid, res_ready;
    std::int64_t res_data;
  };
  void log_cycles(bool on) { logging_ = on; }
  const std::vector<CycleRecord>& cycle_log() const { return log_; }

  // Queue a load or a dot product. Values are checked against the geometry (qsq::Error). run()
  // returns the results of the dot products pushed since the last run(), sign-extended from AccW
  // bits, in order.
  void push_load(const WeightLoad& load);
  void push_dot(const DotBeat& beat);

  // FST waveform of every following cycle (models built with TRACE_FST: "default", "small").
  virtual void open_trace(const std::string& path) = 0;
  virtual void close_trace() = 0;

  // Gated-clock observation (model "default" with gating only): rising edges seen so far on
  // the gated clock of a bank, by instance path below qsq_array, e.g. "u_load_bank", "u_weight_bank",
  // "gen_lane[3].u_lane.u_act_bank", "u_beat_bank", "u_result_bank". Watching costs
  // simulation speed, so it is off until watch_gated_clocks(true).
  virtual void watch_gated_clocks(bool on) = 0;
  virtual std::uint64_t gated_clock_edges(const std::string& bank) const = 0;
  // Names of every gated bank the model has (empty if it cannot be observed).
  virtual std::vector<std::string> gated_banks() const = 0;

 protected:
  explicit ArraySim(Geometry g) : StreamDriver(std::move(g), "array") {}
  std::int64_t result(const ArrayOutputs& o) const override;
  void observe(const ArrayPorts& in, const ArrayOutputs& o) override;

 private:
  bool logging_ = false;
  std::vector<CycleRecord> log_;
};

}  // namespace qsq::rtlsim
