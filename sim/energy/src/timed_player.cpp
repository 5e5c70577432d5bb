// The timed back end of the stimulus player: a Dut adapter (see stim_player.hpp) over TimedSim
// that owns the clock, and the block bookkeeping.
#include "qsq/energy/timed_player.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "qsq/energy/timed_sim.hpp"
#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "stim_player.hpp"

namespace qsq::energy {

namespace {

using stim::Out;
using Time = TimedSim::Time;

// Primary-input changes as VCD, for replay by another simulator.
class InputRecorder {
 public:
  InputRecorder(const Netlist& n, Time until) : until_(until) {
    for (const auto& p : n.ports)
      if (p.dir == Port::Dir::input) ports_.push_back(p);
  }
  void record(Time t, int net, std::uint8_t v) {
    if (until_ && t >= until_) return;
    changes_.push_back({t, net, v});
  }
  std::string vcd(const Netlist& n, Time end) const {
    std::ostringstream o;
    o << "$date qsq timed simulation inputs $end\n$timescale 1ps $end\n$scope module " << n.module << " $end\n";
    std::map<int, std::string> code;  // net -> id code
    int next = 0;
    auto id = [&](int k) {
      std::string s;
      do {
        s += static_cast<char>('!' + k % 94);
        k /= 94;
      } while (k);
      return s;
    };
    for (const auto& p : ports_) {
      for (int b = 0; b < p.width(); ++b) {
        const int bit = p.lsb < p.msb ? p.lsb + b : p.lsb - b;
        const std::string name = p.vector ? p.name + "[" + std::to_string(bit) + "]" : p.name;
        const int net = n.find_net(name);
        if (net < 0) continue;
        const std::string c = id(next++);
        code[net] = c;
        o << "$var wire 1 " << c << " " << (p.vector ? p.name + " [" + std::to_string(bit) + "]" : p.name) << " $end\n";
      }
    }
    o << "$upscope $end\n$enddefinitions $end\n";
    // Every input bit gets a value at time 0 (the simulator starts them at 0), so that a replay
    // leaves none at X; the changes made at time 0 are folded into those values.
    std::map<int, std::uint8_t> at0;
    for (const auto& [net, c] : code) at0[net] = 0;
    size_t k = 0;
    for (; k < changes_.size() && changes_[k].t == 0; ++k) at0[changes_[k].net] = changes_[k].v;
    o << "#0\n";
    for (const auto& [net, v] : at0) o << static_cast<char>('0' + v) << code[net] << '\n';
    Time last = 0;
    for (; k < changes_.size(); ++k) {
      const Change& c = changes_[k];
      const auto it = code.find(c.net);
      if (it == code.end()) continue;
      if (c.t != last) {
        o << '#' << c.t << '\n';
        last = c.t;
      }
      o << static_cast<char>('0' + c.v) << it->second << '\n';
    }
    o << '#' << end << '\n';
    return o.str();
  }

 private:
  struct Change {
    Time t;
    int net;
    std::uint8_t v;
  };
  Time until_;
  std::vector<Port> ports_;
  std::vector<Change> changes_;
};

class TimedDut {
 public:
  TimedDut(TimedSim& sim, const Netlist& n, Time period, InputRecorder* rec)
      : sim_(sim), n_(n), period_(period), rec_(rec) {
    clk_ = n.find_net("clk_i");
    if (clk_ < 0) throw Error("timed simulation: the netlist " + n.module + " has no clk_i port");
    for (const auto& p : n.ports) ports_[p.name] = &p;
    drive(clk_, 0);
    commit();
    now_inputs_ = true;
  }

  void put(stim::Port p, int pos, int width, std::uint64_t v) {
    if (p == stim::Port::clk) return;  // the clock is this adapter's
    if (!now_inputs_) throw Error("timed simulation: an input was set after the outputs were read in the same cycle");
    touched_ = true;
    const auto it = ports_.find(stim::port_name(p));
    if (it == ports_.end()) throw Error(std::string("timed simulation: the netlist has no port ") + stim::port_name(p));
    const Port& port = *it->second;
    for (int b = 0; b < width && pos + b < port.width(); ++b) {
      const int bit = port.lsb < port.msb ? port.lsb + pos + b : port.lsb - pos - b;
      const std::string name = port.vector ? port.name + "[" + std::to_string(bit) + "]" : port.name;
      const int net = n_.find_net(name);
      if (net < 0) continue;  // an input bit the synthesis left unconnected
      drive(net, b < 64 ? static_cast<std::uint8_t>((v >> b) & 1U) : 0);
    }
  }

  // Outputs are read at the end of the cycle. Read right after an edge, before any input of the
  // new cycle is set (how the multiplier player dumps its product register), a registered output
  // gives the value its flip-flop just captured: what it shows once clock-to-Q has passed.
  std::uint64_t get(Out o, int pos, int width) {
    const bool peek = now_inputs_ && dirty_.empty() && !touched_;
    if (!peek) advance();
    const auto it = ports_.find(stim::out_name(o));
    if (it == ports_.end()) throw Error(std::string("timed simulation: the netlist has no port ") + stim::out_name(o));
    const Port& port = *it->second;
    std::uint64_t v = 0;
    for (int b = 0; b < width && pos + b < port.width() && b < 64; ++b) {
      const int bit = port.lsb < port.msb ? port.lsb + pos + b : port.lsb - pos - b;
      const int net = n_.find_net(port.vector ? port.name + "[" + std::to_string(bit) + "]" : port.name);
      if (net < 0) continue;
      bool registered = true;
      const bool x = peek ? sim_.future_value(net, &registered) : sim_.value(net);
      if (!registered)
        throw Error(std::string("timed simulation: output ") + stim::out_name(o) + " is read after the clock edge but is not registered");
      if (x) v |= std::uint64_t{1} << b;
    }
    return v;
  }

  void settle() {}
  void edge() {
    advance();
    edge_ += period_;
    sim_.run_until(edge_);
    drive(clk_, 1);
    commit();
    sim_.run_until(edge_ + 1);  // inputs of the next cycle change 1 ps after the edge
    now_inputs_ = true;
    touched_ = false;
  }
  void begin_block(const std::string&) {
    sim_.begin_window();
    events_at_begin_ = sim_.events();
  }
  void end_block(int) {
    TimedBlock b;
    b.activity = sim_.window_activity();
    b.toggles = sim_.window_toggles();
    b.events = sim_.events() - events_at_begin_;
    blocks.push_back(std::move(b));
  }

  std::vector<TimedBlock> blocks;
  Time edge_ = 0;

 private:
  TimedSim& sim_;
  const Netlist& n_;
  Time period_;
  InputRecorder* rec_;
  int clk_ = -1;
  bool now_inputs_ = true;
  bool touched_ = false;  // an input was put in this cycle
  std::uint64_t events_at_begin_ = 0;
  std::map<std::string, const Port*> ports_;
  std::vector<std::uint8_t> pending_;  // per net: 0, 1, or 2 = nothing pending
  std::vector<int> dirty_;

  // Inputs put during a cycle take effect together, each at its last value (as a testbench's
  // assignments before a delay would): a port set to 0 and back to 1 does not pulse.
  void drive(int net, std::uint8_t v) {
    if (pending_.size() <= static_cast<size_t>(net)) pending_.resize(static_cast<size_t>(net) + 1, 2);
    if (pending_[static_cast<size_t>(net)] == 2) dirty_.push_back(net);
    pending_[static_cast<size_t>(net)] = v;
  }
  void commit() {
    for (int net : dirty_) {
      const std::uint8_t v = pending_[static_cast<size_t>(net)];
      pending_[static_cast<size_t>(net)] = 2;
      if (sim_.value(net) == (v != 0)) continue;
      sim_.set(net, v != 0);
      if (rec_) rec_->record(sim_.now(), net, v);
    }
    dirty_.clear();
  }
  // To the end of the cycle: the falling edge at T/2, then everything before the next rising edge.
  void advance() {
    if (!now_inputs_) return;
    commit();
    sim_.run_until(edge_ + period_ / 2);
    drive(clk_, 0);
    commit();
    sim_.run_until(edge_ + period_);
    now_inputs_ = false;
  }
};

}  // namespace

std::vector<TimedBlock> run_timed_gate_sim(const Netlist& n, const Liberty& lib, const Sdf& sdf,
                                           const std::filesystem::path& stimulus, DriverKind kind,
                                           const std::filesystem::path& out_dir, const TimedOptions& o) {
  const auto period = static_cast<Time>(std::llround(o.clock_ns * 1000.0));
  if (period < 4 || period % 2) throw Error("timed simulation: the clock period must be an even number of ps");
  TimedSim sim(n, lib, sdf, o.filter);
  std::unique_ptr<InputRecorder> rec;
  if (!o.inputs_vcd.empty()) rec = std::make_unique<InputRecorder>(n, o.inputs_vcd_cycles * period);
  TimedDut dut(sim, n, period, rec.get());
  std::ifstream in(stimulus);
  if (!in) throw Error("cannot open " + stimulus.string());
  std::ostringstream log, err;
  std::vector<std::unique_ptr<std::ofstream>> dumps;
  const stim::Kind sk = kind == DriverKind::array ? stim::Kind::array : kind == DriverKind::grid ? stim::Kind::grid : stim::Kind::mult;
  const int rc = stim::play(in, dut, sk, log, err,
                            [&](int index) -> std::ostream* {
                              dumps.push_back(std::make_unique<std::ofstream>(out_dir / ("outputs_" + std::to_string(index) + ".txt")));
                              return dumps.back().get();
                            });
  dumps.clear();
  if (rc != 0) throw Error("timed simulation of " + n.module + ": " + err.str());
  flow::write_file_atomic(out_dir / "blocks.txt", log.str());
  if (rec) flow::write_file_atomic(o.inputs_vcd, rec->vcd(n, o.inputs_vcd_cycles ? o.inputs_vcd_cycles * period : sim.now()));
  // The block lines the player wrote carry the handshake counts.
  std::istringstream lines(log.str());
  size_t k = 0;
  for (std::string l; std::getline(lines, l) && k < dut.blocks.size();) {
    BlockResult& b = dut.blocks[k].result;
    int idx = 0;
    if (!parse_block_line(l, b, idx)) continue;
    b.outputs = out_dir / ("outputs_" + std::to_string(idx) + ".txt");
    // The measured activity per net, the evidence behind the block's figures.
    std::string act = "# net TC T0_ps T1_ps IG over [" + std::to_string(dut.blocks[k].activity.begin_ps) + ", " +
                      std::to_string(dut.blocks[k].activity.end_ps) + ") ps\n";
    for (const auto& [name, x] : dut.blocks[k].activity.nets)
      act += name + " " + std::to_string(x.tc) + " " + std::to_string(x.t0) + " " + std::to_string(x.t1) + " " + std::to_string(x.ig) + "\n";
    flow::write_file_atomic(out_dir / ("activity_" + std::to_string(idx) + ".txt"), act);
    ++k;
  }
  return std::move(dut.blocks);
}

}  // namespace qsq::energy
