// Description: the clock, reset and handshake machinery that both lock-step benches share
// (LockstepBench of qsq_array, GridLockstepBench of qsq_grid). The bench makes its clock itself,
// in the same process as the stimulus: at a rising edge it samples the outputs (values before the
// edge), compares the SystemC model with the RTL, checks that no beat is taken beside a load,
// scores a result that transfers, and moves on from the transaction on the inputs once it
// transferred (a watchdog reports a valid that waits 1000 cycles); at a falling edge it releases or
// starts an asynchronous reset, writes the next inputs (a "ghost" beat rides along with some
// loads: the contract says the load is taken and act_ready_o stays low) and res_ready_i, whose
// back-pressure comes in phases (always ready, random, mostly stalled). A bench (CRTP) supplies
// its own ports, transactions, scoring and random draws, so each keeps its own random sequence.
// Usage:
//   class MyBench : public LockstepCore<MyBench, C, MyOutputs> { ... the hooks below ... };
#pragma once
#include <cstdint>
#include <string>

#include <systemc>

#include "lockstep_options.hpp"
#include "qsq/bits.hpp"
#include "sc_port_types.hpp"

namespace qsq_tb {

using qsq_sc::port_t;

// The outputs every qsq top has; a bench's Outputs adds its result ports.
struct HandshakeOutputs {
  sc_core::sc_signal<bool> wld_ready, act_ready, res_valid;
};

// Hooks of Bench (all may be private if Bench befriends LockstepCore):
//   const Outputs& dut() const;        the outputs whose readies decide the handshakes
//   void compare_outputs();            model against RTL (called only with an RTL)
//   void score_result(const Outputs&); a result transfers at this edge
//   bool current_is_load() const;
//   void on_load_taken(); void on_beat_taken();
//   bool next_transaction(int& gap);   true: a transaction is on the inputs; false: `gap` idle cycles
//   bool reset_now(); int reset_length(); void on_reset();
//   void drive_load(bool load); void drive_beat(bool beat);   the buses (garbage while not valid)
//   bool chance(double p); int pick(int lo, int hi);
template <class Bench, class C, class Outputs>
class LockstepCore : public sc_core::sc_module {
  static constexpr int W = C::width, N = C::lanes, B = C::code_bits;

 public:
  SC_HAS_PROCESS(LockstepCore);
  sc_core::sc_time period() const { return kHalfPeriod * 2; }
  const LockstepStats& stats() const { return stats_; }

 protected:
  explicit LockstepCore(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    // Each model evaluates once per edge this way (a separate sc_clock costs one more evaluation
    // of the Verilated model per cycle).
    SC_METHOD(on_half_cycle);
    rst_n_.write(false);  // power-on reset for the first cycles
    reset_left_ = 2;
  }

  // Binds the ports every qsq top has (the SystemC model's and the Verilated RTL's alike).
  template <class M>
  void bind_common(M& m, Outputs& o) {
    m.clk_i(clk_);
    m.rst_ni(rst_n_);
    m.cfg_q_i(cfg_q_);
    m.cfg_p_i(cfg_p_);
    m.cfg_codebook_i(cfg_codebook_);
    m.cfg_bypass_i(cfg_bypass_);
    m.wld_valid_i(wld_valid_);
    m.wld_ready_o(o.wld_ready);
    m.wld_codes_i(wld_codes_);
    m.wld_scale_i(wld_scale_);
    m.wld_plain_i(wld_plain_);
    m.act_valid_i(act_valid_);
    m.act_ready_o(o.act_ready);
    m.act_data_i(act_data_);
    m.res_valid_o(o.res_valid);
    m.res_ready_i(res_ready_);
  }

  // A load's configuration and chunk on the load bus (codes and plain weights packed per lane).
  template <class Codes, class Plain>
  void write_load(int q, int p, int codebook, bool bypass, const Codes& codes, std::uint32_t scale, const Plain& plain) {
    cfg_q_.write(static_cast<port_t<C::q_bits>>(q));
    cfg_p_.write(static_cast<port_t<C::p_bits>>(p));
    cfg_codebook_.write(static_cast<port_t<C::codebook_bits>>(codebook));
    cfg_bypass_.write(bypass);
    std::uint64_t c = 0, w = 0;
    for (int i = 0; i < N; ++i) {
      c = qsq::put_field(c, i * B, B, static_cast<std::uint64_t>(codes[static_cast<std::size_t>(i)]));
      w = qsq::put_field(w, i * W, W, static_cast<std::uint64_t>(plain[static_cast<std::size_t>(i)]));
    }
    wld_codes_.write(static_cast<port_t<N * B>>(c));
    wld_scale_.write(static_cast<port_t<W - 1>>(scale));
    wld_plain_.write(static_cast<port_t<N * W>>(w));
  }
  template <class Acts>
  void write_acts(const Acts& a) {
    std::uint64_t data = 0;
    for (int i = 0; i < N; ++i) data = qsq::put_field(data, i * W, W, static_cast<std::uint64_t>(a[static_cast<std::size_t>(i)]));
    act_data_.write(static_cast<port_t<N * W>>(data));
  }

  void report(const std::string& what) {
    if (stats_.messages.size() < 20) stats_.messages.push_back("cycle " + std::to_string(stats_.cycles) + ": " + what);
  }

  // Not a static sc_time: building one before sc_main would start the kernel (and its banner).
  const sc_core::sc_time kHalfPeriod{5, sc_core::SC_NS};
  sc_core::sc_signal<bool> clk_{"clk"}, rst_n_{"rst_n"};
  sc_core::sc_signal<port_t<C::q_bits>> cfg_q_;
  sc_core::sc_signal<port_t<C::p_bits>> cfg_p_;
  sc_core::sc_signal<port_t<C::codebook_bits>> cfg_codebook_;
  sc_core::sc_signal<bool> cfg_bypass_, wld_valid_, act_valid_, res_ready_;
  sc_core::sc_signal<port_t<N * B>> wld_codes_;
  sc_core::sc_signal<port_t<W - 1>> wld_scale_;
  sc_core::sc_signal<port_t<N * W>> wld_plain_, act_data_;
  Outputs model_out_, rtl_out_;
  LockstepStats stats_;
  bool have_current_ = false;  // a transaction is on the inputs (valid until it transfers)

 private:
  Bench& bench() { return static_cast<Bench&>(*this); }

  bool rising_next_ = false;  // the first half cycle (time 0) is a falling one
  int gap_left_ = 0;
  int reset_left_ = 0;        // > 0 while rst_ni is held low
  int ready_mode_ = 0, ready_mode_left_ = 0;
  int waiting_ = 0;           // cycles the current valid has waited (deadlock watchdog)

  void on_half_cycle() {
    if (rising_next_) {
      on_posedge();
      clk_.write(true);
    } else {
      on_negedge();
      clk_.write(false);
    }
    rising_next_ = !rising_next_;
    next_trigger(kHalfPeriod);
  }

  // Values just before this rising edge.
  void on_posedge() {
    ++stats_.cycles;
    if constexpr (Bench::kHasRtl) bench().compare_outputs();
    if (reset_left_ > 0) {  // nothing transfers while rst_ni is low; it rises at a falling edge
      --reset_left_;
      return;
    }
    const Outputs& d = bench().dut();
    if (wld_valid_.read() && act_valid_.read() && d.act_ready.read()) {
      ++stats_.score_mismatches;
      report("act_ready_o high while wld_valid_i is high (a load has priority)");
    }
    if (d.res_valid.read() && !res_ready_.read()) ++stats_.stalled_cycles;
    if (d.res_valid.read() && res_ready_.read()) {
      ++stats_.results;
      bench().score_result(d);
    }
    bool advance = !have_current_;
    if (have_current_) {
      const bool load = bench().current_is_load();
      if (load && wld_valid_.read() && d.wld_ready.read()) {
        bench().on_load_taken();
        ++stats_.loads;
        advance = true;
      } else if (!load && act_valid_.read() && d.act_ready.read()) {
        bench().on_beat_taken();
        ++stats_.beats;
        advance = true;
      } else if (++waiting_ > 1000) {
        report("deadlock: a valid has waited 1000 cycles");
        ++stats_.score_mismatches;
        waiting_ = 0;
      }
    }
    if (gap_left_ > 0) --gap_left_;
    if (advance) {
      waiting_ = 0;
      have_current_ = false;
      if (gap_left_ == 0) {
        int gap = 0;
        have_current_ = bench().next_transaction(gap);
        gap_left_ = have_current_ ? 0 : gap;
      }
    }
  }

  // Falling edge: new inputs, and the asynchronous reset's assertion and release (both half a
  // cycle away from any rising edge).
  void on_negedge() {
    if (reset_left_ == 0 && !rst_n_.read()) rst_n_.write(true);
    if (reset_left_ == 0 && rst_n_.read() && bench().reset_now()) start_reset();
    const bool load = have_current_ && bench().current_is_load();
    const bool beat = have_current_ && !bench().current_is_load();
    const bool ghost = load && bench().chance(0.05);
    wld_valid_.write(load);
    act_valid_.write(beat || ghost);
    bench().drive_load(load);
    bench().drive_beat(beat);
    drive_ready();
  }

  void start_reset() {
    reset_left_ = bench().reset_length();
    ++stats_.resets;
    rst_n_.write(false);
    wld_valid_.write(false);
    act_valid_.write(false);
    have_current_ = false;
    gap_left_ = 0;
    bench().on_reset();
  }

  void drive_ready() {
    if (ready_mode_left_-- <= 0) {
      ready_mode_ = bench().pick(0, 2);
      ready_mode_left_ = bench().pick(20, 200);
    }
    const double p = ready_mode_ == 0 ? 1.0 : ready_mode_ == 1 ? 0.5 : 0.1;
    res_ready_.write(p >= 1.0 || bench().chance(p));
  }
};

}  // namespace qsq_tb
