// Description: an event-driven, two-state gate-level simulator with per-instance, per-arc rise
// and fall delays from an SDF file (sdf.hpp), for energy with glitches. Cells are the liberty's
// own logic (cell_logic.hpp); flip-flops and latches follow their ff / latch groups.
// Delay semantics are those of Verilog specify paths as Icarus Verilog 11 implements them
// (inertial): when a cell output's function changes at time t, an update is scheduled at
// t + d, d being the delay of the arc whose input changed most recently (the smallest of them
// if several changed at once), for the transition old -> new of the function; when an update
// comes due, the output takes the function's value at that moment. A pulse shorter than the
// path delay therefore never reaches the net, and a pulse longer than it passes whole.
// Times are integer picoseconds. Nets start at 0 (the simulator has no X): measure after reset.
// Usage:
//   qsq::energy::TimedSim sim(netlist, liberty, sdf);
//   sim.set(netlist.find_net("a_i[0]"), true);   // at sim.now()
//   sim.run_until(sim.now() + 5000);
//   sim.begin_window();  ...  qsq::energy::Activity a = sim.window_activity();
#pragma once
#include <cstdint>
#include <vector>

#include "qsq/energy/activity.hpp"
#include "qsq/energy/cell_logic.hpp"
#include "qsq/energy/liberty.hpp"
#include "qsq/energy/netlist.hpp"
#include "qsq/energy/sdf.hpp"

namespace qsq::energy {

// How pulses shorter than a path's delay are treated: inertial (above; Verilog gate and SDF
// delays, Icarus) drops them; transport (the other choice, for comparison) delivers every change
// of a cell's function after its delay, so every pulse of any width reaches the net.
enum class PulseFilter { inertial, transport };

class TimedSim {
 public:
  using Time = std::uint64_t;  // ps

  // Every instance must have an SDF entry with at least one delay arc to each output; throws
  // Error naming the instance otherwise.
  TimedSim(const Netlist& n, const Liberty& lib, const Sdf& sdf, PulseFilter filter = PulseFilter::inertial);

  // Drives a primary input (or any undriven net) to `v` at the current time.
  void set(int net, bool v);
  // Processes every event before `t` and moves the time to `t`.
  void run_until(Time t);
  bool value(int net) const { return value_[static_cast<size_t>(net)] != 0; }
  // The value `net` is heading to: the latest function value of the cell output that drives it
  // (for a flip-flop output just after its clock edge, the state it captured), or value() for a
  // net no cell drives. `registered` tells whether it holds still after an edge once clock-to-Q
  // has passed: a flip-flop or latch drives it, or no cell does.
  bool future_value(int net, bool* registered = nullptr) const;
  Time now() const { return now_; }

  // Activity of every net since begin_window() (or since the start), up to now.
  void begin_window();
  std::vector<std::uint64_t> window_toggles() const;
  Activity window_activity() const;  // net names as in the netlist (constants left out)

  std::uint64_t events() const { return events_; }
  Time max_delay() const { return max_delay_; }

 private:
  struct Output {
    int net = -1;
    std::uint8_t fval = 0;       // the function's latest value (what a due update applies)
    std::uint32_t pending = 0;   // updates scheduled and not yet due
    std::uint32_t first_arc = 0; // its arcs in arcs_, one per input of the instance
  };
  struct Arc {                   // one input pin -> one output
    std::uint32_t rise = 0, fall = 0;  // ps
    std::uint8_t edge = 0;       // 0 any change, 1 rising only, 2 falling only
  };
  struct Inst {
    const CellLogic* logic = nullptr;
    std::uint32_t in = 0;        // input pin values, bit k = logic->inputs[k]
    std::uint8_t state = 0, state_n = 1, clock = 0;
    std::uint32_t first_input = 0, first_output = 0;  // into inputs_net_/wake_ and outputs_/arcs_
    std::uint8_t n_in = 0, n_out = 0;
  };

  static constexpr std::uint32_t kValueBit = 1U << 31;
  const Netlist& n_;
  bool transport_ = false;
  std::vector<CellLogic> logic_;
  std::vector<Inst> inst_;
  std::vector<Time> wake_;             // per instance input: last change that wakes its arcs
  std::vector<Output> out_;
  std::vector<Arc> arcs_;              // per output, n_in arcs (in input order) from first_arc
  std::vector<std::uint8_t> arc_present_;
  // Net -> sinks (instance, input index), compressed rows.
  std::vector<std::uint32_t> sink_begin_;
  std::vector<std::pair<std::uint32_t, std::uint8_t>> sinks_;
  std::vector<std::uint8_t> value_;
  std::vector<std::uint8_t> next_;     // per net: the value due at this instant, 2 = none
  std::vector<int> touched_;
  // Transport mode: the changes in flight (output, sequence number, value) and, per output, its
  // pending (due time, sequence number) in time order.
  struct TEvent {
    std::uint32_t oid = 0, seq = 0;
    std::uint8_t v = 0;
  };
  std::vector<TEvent> tevents_;
  std::vector<std::uint32_t> free_;
  std::vector<std::vector<std::pair<Time, std::uint32_t>>> pending_;
  std::uint32_t seq_ = 0;
  std::vector<std::int32_t> driver_;   // net -> output id driving it, -1 if none
  std::vector<std::uint32_t> out_inst_;  // output id -> instance
  // Activity since the window start.
  std::vector<std::uint64_t> toggles_, t1_, ig_;
  std::vector<Time> last_change_;
  Time window_begin_ = 0;
  // Event queue: a ring of buckets indexed by time modulo its size, and the due times in order.
  std::vector<std::vector<std::uint32_t>> bucket_;  // output ids; input events use ids >= out_.size()
  std::vector<std::pair<int, std::uint8_t>> input_events_;
  std::vector<Time> times_;            // min-heap of bucket times
  Time now_ = 0, max_delay_ = 0, mask_ = 0;
  std::uint64_t events_ = 0;
  std::vector<std::uint32_t> dirty_, dirty_stamp_;
  std::uint32_t stamp_ = 0;
  std::vector<int> changed_;
  std::vector<std::uint32_t> scratch_;

  void schedule(std::uint32_t id, Time t);
  void change_net(int net, std::uint8_t v, Time t);
  void evaluate(std::uint32_t inst, Time t);
  void step(Time t);
};

}  // namespace qsq::energy
