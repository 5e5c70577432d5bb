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

#include "qsq/params.hpp"
#include "qsq/transaction.hpp"

namespace qsq::rtlsim {

// Parameters the Verilated model was built with: the contract's shape (qsq/contract.hpp) of
// the preset, and the two build options.
struct Geometry : Shape {
  std::string preset;
  bool gate_en = true;
  bool exact_lane = false;
  bool serial = false;  // qsq_grid only: digit-serial lanes (Serial = 1)
};

// The transactions are the golden transaction model's (qsq/transaction.hpp): a WeightLoad of
// `lanes` codes (decoded by the array with its scale and codebook) or, with bypass, `lanes` plain
// W-bit weights, its quality level applying to every dot product accepted after it (q = 0: exact);
// a DotBeat of `lanes` activations and a psum, whose result qsq::ArrayModel predicts.
using qsq::DotBeat;
using qsq::WeightLoad;

// Random traffic shaping, all probabilities per cycle (0 = none).
struct Traffic {
  double res_stall = 0.0;            // probability that res_ready_i is low in a cycle
  double valid_gap = 0.0;            // probability of an idle cycle before a load or dot is offered
  std::uint64_t seed = 1;
};

class ArraySim {
 public:
  // Creates a fresh simulation of a built model; throws qsq::Error for an unknown one.
  // exact_lane selects the ExactLane = 1 baseline (built for "small" only): every product is the
  // exact a * w whatever the load's quality level.
  static std::unique_ptr<ArraySim> create(std::string_view preset, bool gate_en = true, bool exact_lane = false);
  // Names of the built models: "default", "default/nogate", "small", "small/exact".
  static std::vector<std::string> available();

  virtual ~ArraySim();
  const Geometry& geometry() const { return geo_; }

  void set_traffic(const Traffic& t);

  // Cycle-exact control and observation, for timing-contract tests: the next cycles use these
  // res_ready_i values (one per cycle) before falling back to the random traffic, and, while
  // logging is on, every cycle's handshake signals are recorded (values seen before the edge).
  void force_res_ready(const std::vector<bool>& per_cycle);
  struct CycleRecord {
    bool wld_valid, wld_ready, act_valid, act_ready, res_valid, res_ready;
    std::int64_t res_data;
  };
  void log_cycles(bool on) { logging_ = on; }
  const std::vector<CycleRecord>& cycle_log() const { return log_; }

  // Queue a load or a dot product. Values are checked against the geometry (qsq::Error).
  void push_load(const WeightLoad& load);
  void push_dot(const DotBeat& beat);

  // Drives every queued operation in order and waits for every result. Returns the results of
  // the dot products pushed since the last run(), sign-extended from AccW bits. Throws
  // qsq::Error if the array stops making progress for 1000 cycles (a hang).
  std::vector<std::int64_t> run();

  // Runs at most `n` clock cycles of the queued operations (possibly leaving some queued or in
  // flight) and returns the results completed so far. For tests of mid-stream events.
  std::vector<std::int64_t> run_cycles(std::uint64_t n);

  // Holds rst_ni low for `cycles` cycles (asynchronous reset): beats in flight are dropped,
  // the weights become 0, and every queued operation is discarded.
  void reset(int cycles = 2);

  std::uint64_t cycles() const { return cycles_; }          // rising clock edges so far
  std::uint64_t results() const { return results_total_; }  // results received so far

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
  // The port-level interface a Verilated model adapter provides.
  struct Inputs {
    bool rst_n = true;
    unsigned cfg_q = 0, cfg_p = 0, cfg_codebook = 0;
    bool cfg_bypass = false;
    bool wld_valid = false, act_valid = false, res_ready = true;
    std::vector<std::uint32_t> wld_codes, wld_plain, act_data;  // qsq::pack_lanes words
    std::uint32_t wld_scale = 0;
    std::uint64_t act_psum = 0;
  };
  struct Outputs {
    bool wld_ready = false, act_ready = false, res_valid = false;
    std::uint64_t res_data = 0;
  };
  explicit ArraySim(Geometry g);
  // Applies inputs with the clock low and settles (outputs are the combinational view).
  virtual Outputs settle(const Inputs& in) = 0;
  // Rising edge, then falling edge, with the inputs of the last settle().
  virtual void clock() = 0;

 private:
  struct Op;
  void step(std::vector<std::int64_t>& out);
  Geometry geo_;
  Traffic traffic_;
  std::uint64_t rng_ = 1;
  std::vector<Op> queue_;
  std::size_t head_ = 0;
  bool offering_ = false;
  std::uint64_t outstanding_ = 0;   // dots accepted, results not yet received
  std::uint64_t cycles_ = 0;
  std::uint64_t results_total_ = 0;
  Inputs in_;
  std::vector<bool> forced_ready_;
  std::size_t forced_pos_ = 0;
  bool logging_ = false;
  std::vector<CycleRecord> log_;
  double uniform();
};

}  // namespace qsq::rtlsim
