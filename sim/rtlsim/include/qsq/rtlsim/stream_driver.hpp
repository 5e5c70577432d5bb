// Description: what the two Verilated drivers share (ArraySim for qsq_array, GridSim for
// qsq_grid): the model's geometry, the random traffic shaping, the weight-load bus both tops take
// (checked and packed from a golden-model WeightLoad), and StreamDriver, the valid/ready cycle
// loop: loads and beats offered in order with random idle gaps, res_ready_i with random or forced
// stalls, results collected in order, hang detection, and the asynchronous reset sequence. A
// driver supplies its own beat bus and result, and how its model settles and clocks.
// Usage (a driver):
//   class MySim : public StreamDriver<MyPorts, MyOutputs, MyResult> {
//     Outputs settle(const Ports&) override;  void clock() override;
//     MyResult result(const Outputs&) const override;
//   };
//   enqueue_load(load_bus(ld, geometry()));  enqueue_beat(beat_bus, expects_result);  run();
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "qsq/error.hpp"
#include "qsq/params.hpp"
#include "qsq/transaction.hpp"

namespace qsq::rtlsim {

// Parameters the Verilated model was built with: the contract's shape (qsq/contract.hpp) of
// the preset, and the build options.
struct Geometry : Shape {
  std::string preset;
  bool gate_en = true;
  bool exact_lane = false;
  bool serial = false;  // qsq_grid only: digit-serial lanes (Serial = 1)
};

// Random traffic shaping, all probabilities per cycle (0 = none).
struct Traffic {
  double res_stall = 0.0;            // probability that res_ready_i is low in a cycle
  double valid_gap = 0.0;            // probability of an idle cycle before a load or beat is offered
  std::uint64_t seed = 1;
};

// The weight-load inputs of qsq_array and qsq_grid: configuration, codes, scale, plain weights.
struct LoadBus {
  unsigned cfg_q = 0, cfg_p = 0, cfg_codebook = 0;
  bool cfg_bypass = false;
  std::vector<std::uint32_t> wld_codes, wld_plain;  // qsq::pack_lanes words
  std::uint32_t wld_scale = 0;
};

// A golden-model load on that bus, every field checked against the geometry (qsq::Error): the
// ranges the RTL defines for q and p, the scale, one code (or, with bypass, one plain weight) per
// lane. The bus of the unused path carries zeros.
LoadBus load_bus(const WeightLoad& ld, const Geometry& g);

// The input ports of a model: the handshake bits, the load bus and the driver's beat bus.
template <class Load, class Beat>
struct PortValues {
  bool rst_n = true;
  bool wld_valid = false, act_valid = false, res_ready = true;
  Load load;
  Beat beat;
};

// What every model's outputs hold besides its result.
struct Handshake {
  bool wld_ready = false, act_ready = false, res_valid = false;
};

template <class Ports, class Outputs, class Result>
class StreamDriver {
 public:
  virtual ~StreamDriver() = default;
  const Geometry& geometry() const { return geo_; }

  void set_traffic(const Traffic& t) {
    if (t.res_stall < 0 || t.res_stall >= 1) throw Error("res_stall probability must be in [0, 1)");
    if (t.valid_gap < 0 || t.valid_gap >= 1) throw Error("valid_gap probability must be in [0, 1)");
    traffic_ = t;
    rng_ = t.seed;
  }

  // The next cycles use these res_ready_i values (one per cycle) before falling back to the
  // random traffic (timing-contract tests).
  void force_res_ready(const std::vector<bool>& per_cycle) {
    forced_ready_ = per_cycle;
    forced_pos_ = 0;
  }

  // Drives every queued operation in order and waits for every result; throws qsq::Error if the
  // model stops making progress for 1000 cycles (a hang) or returns a result nobody asked for.
  std::vector<Result> run() {
    std::vector<Result> out;
    std::uint64_t idle = 0;
    while (head_ < queue_.size() || outstanding_ > 0) {
      const auto before = head_ + out.size();
      step(out);
      idle = (head_ + out.size() == before) ? idle + 1 : 0;
      if (idle > 1000)
        throw Error("rtlsim: the " + what_ + " made no progress for 1000 cycles (" + std::to_string(outstanding_) +
                    " results outstanding)");
    }
    queue_.clear();
    head_ = 0;
    return out;
  }

  // Runs at most `n` clock cycles of the queued operations (possibly leaving some queued or in
  // flight) and returns the results completed so far. For tests of mid-stream events.
  std::vector<Result> run_cycles(std::uint64_t n) {
    std::vector<Result> out;
    for (std::uint64_t c = 0; c < n && (head_ < queue_.size() || outstanding_ > 0); ++c) step(out);
    return out;
  }

  // Holds rst_ni low for `cycles` cycles (asynchronous reset): beats in flight are dropped, the
  // weights become 0, and every queued operation is discarded.
  void reset(int cycles = 2) {
    in_.wld_valid = in_.act_valid = false;
    // Raise rst_ni first so that lowering it is a real falling edge: the clock-gated banks with
    // an asynchronous reset (the weight banks) only see the reset through that edge, and a
    // freshly constructed model may start with rst_ni = 0.
    in_.rst_n = true;
    settle(in_);
    in_.rst_n = false;
    for (int c = 0; c < cycles; ++c) {
      settle(in_);
      clock();
      ++cycles_;
    }
    in_.rst_n = true;
    settle(in_);
    queue_.clear();
    head_ = 0;
    offering_ = false;
    outstanding_ = 0;
  }

  std::uint64_t cycles() const { return cycles_; }          // rising clock edges so far
  std::uint64_t results() const { return results_total_; }  // results received so far
  std::uint64_t stalled_cycles() const { return stalled_; } // cycles an offered operation was refused

 protected:
  StreamDriver(Geometry g, std::string what) : geo_(std::move(g)), what_(std::move(what)) {}

  void enqueue_load(const decltype(Ports::load)& load) { queue_.push_back({true, false, load, {}}); }
  void enqueue_beat(const decltype(Ports::beat)& beat, bool expects_result) {
    queue_.push_back({false, expects_result, {}, beat});
  }

  // Applies the inputs with the clock low and settles (outputs: the combinational view).
  virtual Outputs settle(const Ports& in) = 0;
  // Rising edge, then falling edge, with the inputs of the last settle().
  virtual void clock() = 0;
  // The result on the outputs of a cycle in which one transfers.
  virtual Result result(const Outputs& o) const = 0;
  // Every cycle's inputs and outputs (values before the edge), for a driver's cycle log.
  virtual void observe(const Ports& in, const Outputs& o) {
    (void)in;
    (void)o;
  }

 private:
  struct Op {
    bool is_load = false;
    bool expects_result = false;
    decltype(Ports::load) load;
    decltype(Ports::beat) beat;
  };

  // splitmix64: small, seedable, and identical on every platform.
  double uniform() {
    std::uint64_t z = (rng_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  }

  void step(std::vector<Result>& out) {
    if (!offering_ && head_ < queue_.size()) {
      offering_ = !(traffic_.valid_gap > 0 && uniform() < traffic_.valid_gap);
      // Only the offered operation's own bus changes; the other keeps its last values.
      if (offering_) {
        if (queue_[head_].is_load) in_.load = queue_[head_].load;
        else in_.beat = queue_[head_].beat;
      }
    }
    const bool is_load = offering_ && queue_[head_].is_load;
    in_.wld_valid = offering_ && is_load;
    in_.act_valid = offering_ && !is_load;
    if (forced_pos_ < forced_ready_.size()) in_.res_ready = forced_ready_[forced_pos_++];
    else in_.res_ready = !(traffic_.res_stall > 0 && uniform() < traffic_.res_stall);
    const Outputs o = settle(in_);
    observe(in_, o);
    if (offering_) {
      if (is_load ? o.wld_ready : o.act_ready) {
        if (queue_[head_].expects_result) ++outstanding_;
        ++head_;
        offering_ = false;
      } else {
        ++stalled_;
      }
    }
    if (o.res_valid && in_.res_ready) {
      if (outstanding_ == 0) throw Error("rtlsim: the " + what_ + " emitted a result nobody asked for");
      out.push_back(result(o));
      --outstanding_;
      ++results_total_;
    }
    clock();
    ++cycles_;
  }

  Geometry geo_;
  std::string what_;  // "array" or "grid", for the errors
  Traffic traffic_;
  std::uint64_t rng_ = 1;
  std::vector<Op> queue_;
  std::size_t head_ = 0;
  bool offering_ = false;
  std::uint64_t outstanding_ = 0;  // beats accepted whose results have not come out yet
  std::uint64_t cycles_ = 0, results_total_ = 0, stalled_ = 0;
  Ports in_;
  std::vector<bool> forced_ready_;
  std::size_t forced_pos_ = 0;
};

}  // namespace qsq::rtlsim
