// Description: the Verilator side that the ArraySim and GridSim adapters share: the model in a
// context of its own with a seeded random initial state, an optional FST trace, gated-clock probes
// found by scope name, and the driving of the ports both tops have (clock low, reset, load bus,
// valid/ready, activations). Internal to qsq_rtlsim.
// Usage:
//   VerilatedHarness<Vqsq_array_default, true> h("qsq_array");
//   drive_common(h.top(), in);  h.top().act_psum_i = ...;  h.eval_low();  ...;  h.tick();
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <verilated.h>
#include <verilated_fst_c.h>
#include <verilated_syms.h>

#include "qsq/error.hpp"

namespace qsq::rtlsim {

// Writes packed 32-bit words into a Verilated port of any width (CData..QData or VlWide<N>).
template <class Port>
void put_words(Port& port, const std::vector<std::uint32_t>& words) {
  if constexpr (std::is_integral_v<Port>) {
    std::uint64_t v = words.empty() ? 0 : words[0];
    if (words.size() > 1 && sizeof(Port) > 4) v |= std::uint64_t{words[1]} << 32;
    port = static_cast<Port>(v);
  } else {
    constexpr std::size_t n = sizeof(Port) / sizeof(EData);
    for (std::size_t i = 0; i < n; ++i) port[i] = i < words.size() ? words[i] : 0u;
  }
}

// Reads a Verilated port of any width as 32-bit words, LSB first.
template <class Port>
std::vector<std::uint32_t> get_words(const Port& port) {
  if constexpr (std::is_integral_v<Port>) {
    const auto v = static_cast<std::uint64_t>(port);
    return {static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(v >> 32)};
  } else {
    constexpr std::size_t n = sizeof(Port) / sizeof(EData);
    std::vector<std::uint32_t> w(n);
    for (std::size_t i = 0; i < n; ++i) w[i] = port[i];
    return w;
  }
}

template <class Port, class Value>
void put(Port& port, Value v) {
  port = static_cast<std::remove_reference_t<Port>>(v);
}

// The ports qsq_array and qsq_grid both have, from a PortValues (stream_driver.hpp), with the
// clock low.
template <class Model, class Ports>
void drive_common(Model& t, const Ports& in) {
  t.clk_i = 0;
  t.rst_ni = in.rst_n;
  put(t.cfg_q_i, in.load.cfg_q);
  put(t.cfg_p_i, in.load.cfg_p);
  put(t.cfg_codebook_i, in.load.cfg_codebook);
  t.cfg_bypass_i = in.load.cfg_bypass;
  t.wld_valid_i = in.wld_valid;
  t.act_valid_i = in.act_valid;
  t.res_ready_i = in.res_ready;
  put_words(t.wld_codes_i, in.load.wld_codes);
  put_words(t.wld_plain_i, in.load.wld_plain);
  put(t.wld_scale_i, in.load.wld_scale);
  put_words(t.act_data_i, in.beat.act_data);
}

// Rising edges of every gated clock of a model (each qsq_clock_gate's clk_o is public), by the
// bank's instance path below the top, e.g. "u_load_bank" or "gen_lane[3].u_lane.u_act_bank".
class GatedClockProbes {
 public:
  // Finds the clock gates below TOP.<top> (nothing if the model has no scope table).
  void attach(VerilatedContext& ctx, const std::string& top) {
    const VerilatedScopeNameMap* scopes = ctx.scopeNameMap();
    if (!scopes) return;
    const std::string prefix = "TOP." + top + ".", suffix = ".u_cg";
    for (const auto& [name, scope] : *scopes) {
      const std::string s = name;
      if (s.rfind(prefix, 0) != 0 || s.size() < suffix.size() ||
          s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      const VerilatedVar* var = scope->varFind("clk_o");
      if (!var) continue;
      Probe p;
      p.bank = s.substr(prefix.size(), s.size() - prefix.size() - suffix.size());
      // Verilator may escape brackets as __BRA__/__KET__: show them as written in the RTL.
      for (const auto& [from, to] : {std::pair<std::string, std::string>{"__BRA__", "["}, {"__KET__", "]"}})
        for (std::size_t at; (at = p.bank.find(from)) != std::string::npos;) p.bank.replace(at, from.size(), to);
      p.data = static_cast<const CData*>(var->datap());
      p.last = *p.data & 1u;
      probes_.push_back(p);
    }
  }
  bool attached() const { return !probes_.empty(); }
  void sample() {
    for (auto& p : probes_) {
      const unsigned v = *p.data & 1u;
      if (v && !p.last) ++p.edges;
      p.last = v;
    }
  }
  std::uint64_t edges(const std::string& bank) const {
    for (const auto& p : probes_)
      if (p.bank == bank) return p.edges;
    throw Error("no observable gated clock named '" + bank + "'");
  }
  std::vector<std::string> banks() const {
    std::vector<std::string> names;
    for (const auto& p : probes_) names.push_back(p.bank);
    return names;
  }

 private:
  struct Probe {
    std::string bank;
    const CData* data = nullptr;
    unsigned last = 0;
    std::uint64_t edges = 0;
  };
  std::vector<Probe> probes_;
};

// One Verilated model in its own context, with its clock, gated-clock probes and (HasTrace) an
// FST trace of every half cycle.
template <class Model, bool HasTrace>
class VerilatedHarness {
 public:
  explicit VerilatedHarness(std::string top_name) : top_name_(std::move(top_name)), ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->randReset(2);  // random initial state: a missing reset shows up as a mismatch
    ctx_->randSeed(12345);
    Verilated::threadContextp(ctx_.get());
    top_ = std::make_unique<Model>(ctx_.get(), "TOP");
  }
  ~VerilatedHarness() {
    close_trace();
    top_->final();
    // Verilator unregisters the model's scopes from the *thread's* current context: make it
    // ours (another model may have been created or destroyed since).
    Verilated::threadContextp(ctx_.get());
    top_.reset();
  }
  VerilatedHarness(const VerilatedHarness&) = delete;
  VerilatedHarness& operator=(const VerilatedHarness&) = delete;

  Model& top() { return *top_; }

  // Evaluates the inputs set with the clock low.
  void eval_low() {
    top_->eval();
    sample();
    dump(10 * time_);
  }
  // Rising edge (the clock falls again with the next eval_low).
  void tick() {
    top_->clk_i = 1;
    top_->eval();
    sample();
    dump(10 * time_ + 5);
    ++time_;
    ctx_->time(10 * time_);
  }

  void open_trace(const std::string& path, const std::string& preset) {
    if constexpr (HasTrace) {
      close_trace();
      ctx_->traceEverOn(true);
      trace_ = std::make_unique<VerilatedFstC>();
      top_->trace(trace_.get(), 99);
      trace_->open(path.c_str());
      if (!trace_->isOpen()) throw Error("cannot open trace file " + path);
    } else {
      (void)path;
      throw Error("the model '" + preset + "' was built without tracing");
    }
  }
  void close_trace() {
    if (trace_) {
      trace_->close();
      trace_.reset();
    }
  }

  // Watching costs simulation speed, so it is off until asked for.
  void watch_gated_clocks(bool on) {
    watching_ = on;
    if (on && !probes_.attached()) probes_.attach(*ctx_, top_name_);
  }
  const GatedClockProbes& probes() const { return probes_; }

 private:
  void sample() {
    if (watching_) probes_.sample();
  }
  void dump(std::uint64_t t) {
    if constexpr (HasTrace) {
      if (trace_) trace_->dump(t);
    } else {
      (void)t;
    }
  }

  std::string top_name_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> top_;
  std::unique_ptr<VerilatedFstC> trace_;
  GatedClockProbes probes_;
  bool watching_ = false;
  std::uint64_t time_ = 0;
};

}  // namespace qsq::rtlsim
