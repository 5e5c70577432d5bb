// Description: the lock-step testbench. One clock, one reset and one set of input signals drive
// both the SystemC cycle-accurate model (QsqArrayModel) and the Verilated RTL (`verilator --sc`
// top Vqsq_array_*); every cycle their outputs (wld_ready_o, act_ready_o, res_valid_o, and
// res_data_o while valid) must be equal, and every result transfer is scored against the golden
// model (Scoreboard). The RTL is the device under test whose readies decide the handshakes;
// without an RTL (Rtl = void) the SystemC model is driven and scored alone.
// Usage:
//   qsq_tb::LockstepBench<qsq_hls::DefaultConfig, Vqsq_array_default> tb("tb", seed);
//   sc_core::sc_start(cycles * tb.period());  auto s = tb.stats();
#pragma once
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <systemc>

#include "lockstep_options.hpp"
#include "lockstep_scoreboard.hpp"
#include "lockstep_stimulus.hpp"
#include "qsq/bits.hpp"
#include "qsq_array_model.hpp"
#include "sc_port_types.hpp"

namespace qsq_tb {

using qsq_sc::port_t;
using qsq_sc::QsqArrayModel;

template <class C, class Rtl = void>
class LockstepBench : public sc_core::sc_module {
  static constexpr int W = C::width, N = C::lanes, B = C::code_bits, A = C::acc_width;
  static constexpr bool kHasRtl = !std::is_void_v<Rtl>;
  using RtlModule = std::conditional_t<kHasRtl, Rtl, sc_core::sc_module>;

  struct Outputs {
    sc_core::sc_signal<bool> wld_ready, act_ready, res_valid;
    sc_core::sc_signal<port_t<A>> res_data;
  };

 public:
  SC_HAS_PROCESS(LockstepBench);
  LockstepBench(sc_core::sc_module_name name, std::uint64_t seed, bool exact_lane = false)
      : sc_core::sc_module(name),
        model_("model"),
        gen_(seed),
        score_(exact_lane),
        model_score_(exact_lane) {
    bind(model_, model_out_);
    if constexpr (kHasRtl) {
      rtl_ = std::make_unique<Rtl>("rtl");
      bind(*rtl_, rtl_out_);
    }
    // The testbench makes the clock itself, in the same process as the stimulus: at a rising
    // edge it samples the outputs (values before the edge) and raises clk; at a falling edge it
    // lowers clk and writes the next inputs in the same delta, so each model evaluates once per
    // edge (a separate sc_clock costs one more evaluation of the Verilated model per cycle).
    SC_METHOD(on_half_cycle);
    rst_n_.write(false);  // power-on reset for the first cycles
    reset_left_ = 2;
  }

  sc_core::sc_time period() const { return kHalfPeriod * 2; }
  const LockstepStats& stats() const { return stats_; }
  std::size_t in_flight() const { return score_.in_flight(); }
  Stimulus<C>& stimulus() { return gen_; }
  QsqArrayModel<C>& model() { return model_; }
  void trace(sc_core::sc_trace_file* tf) {
    sc_core::sc_trace(tf, clk_, "clk_i");
    sc_core::sc_trace(tf, rst_n_, "rst_ni");
    sc_core::sc_trace(tf, wld_valid_, "wld_valid_i");
    sc_core::sc_trace(tf, act_valid_, "act_valid_i");
    sc_core::sc_trace(tf, act_data_, "act_data_i");
    sc_core::sc_trace(tf, act_psum_, "act_psum_i");
    sc_core::sc_trace(tf, res_ready_, "res_ready_i");
    sc_core::sc_trace(tf, model_out_.wld_ready, "model.wld_ready_o");
    sc_core::sc_trace(tf, model_out_.act_ready, "model.act_ready_o");
    sc_core::sc_trace(tf, model_out_.res_valid, "model.res_valid_o");
    sc_core::sc_trace(tf, model_out_.res_data, "model.res_data_o");
    sc_core::sc_trace(tf, rtl_out_.wld_ready, "rtl.wld_ready_o");
    sc_core::sc_trace(tf, rtl_out_.act_ready, "rtl.act_ready_o");
    sc_core::sc_trace(tf, rtl_out_.res_valid, "rtl.res_valid_o");
    sc_core::sc_trace(tf, rtl_out_.res_data, "rtl.res_data_o");
  }

 private:
  // shared inputs
  // Not a static sc_time: building one before sc_main would start the kernel (and its banner).
  const sc_core::sc_time kHalfPeriod{5, sc_core::SC_NS};
  sc_core::sc_signal<bool> clk_{"clk"};
  bool rising_next_ = false;  // the first half cycle (time 0) is a falling one
  sc_core::sc_signal<bool> rst_n_{"rst_n"};
  sc_core::sc_signal<port_t<C::q_bits>> cfg_q_;
  sc_core::sc_signal<port_t<C::p_bits>> cfg_p_;
  sc_core::sc_signal<port_t<C::codebook_bits>> cfg_codebook_;
  sc_core::sc_signal<bool> cfg_bypass_, wld_valid_, act_valid_, res_ready_;
  sc_core::sc_signal<port_t<N * B>> wld_codes_;
  sc_core::sc_signal<port_t<W - 1>> wld_scale_;
  sc_core::sc_signal<port_t<N * W>> wld_plain_, act_data_;
  sc_core::sc_signal<port_t<A>> act_psum_;
  Outputs model_out_, rtl_out_;

  QsqArrayModel<C> model_;
  std::unique_ptr<RtlModule> rtl_;
  Stimulus<C> gen_;
  Scoreboard<C> score_, model_score_;
  LockstepStats stats_;

  // driver state
  Txn<C> current_;          // the transaction on the inputs (valid until it transfers)
  bool have_current_ = false;
  int gap_left_ = 0;
  int reset_left_ = 0;      // > 0 while rst_ni is held low
  int ready_mode_ = 0, ready_mode_left_ = 0;
  int waiting_ = 0;         // cycles the current valid has waited (deadlock watchdog)

  template <class M>
  void bind(M& m, Outputs& o) {
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
    m.act_psum_i(act_psum_);
    m.res_valid_o(o.res_valid);
    m.res_ready_i(res_ready_);
    m.res_data_o(o.res_data);
  }

  const Outputs& dut() const { return kHasRtl ? rtl_out_ : model_out_; }

  void report(const std::string& what) {
    if (stats_.messages.size() < 20) {
      std::ostringstream s;
      s << "cycle " << stats_.cycles << ": " << what;
      stats_.messages.push_back(s.str());
    }
  }

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
    if constexpr (kHasRtl) compare_outputs();

    if (reset_left_ > 0) {  // nothing transfers while rst_ni is low; it rises at a falling edge
      --reset_left_;
      return;
    }

    const Outputs& d = dut();
    if (wld_valid_.read() && act_valid_.read() && d.act_ready.read()) {
      ++stats_.score_mismatches;
      report("act_ready_o high while wld_valid_i is high (a load has priority)");
    }
    const bool res_fire = d.res_valid.read() && res_ready_.read();
    if (d.res_valid.read() && !res_ready_.read()) ++stats_.stalled_cycles;
    if (res_fire) {
      std::int64_t expect = 0;
      if (!score_.on_result(static_cast<std::uint64_t>(d.res_data.read()), &expect)) {
        ++stats_.score_mismatches;
        report("result " + std::to_string(qsq::sign_extend(static_cast<std::uint64_t>(d.res_data.read()), A)) +
               " expected " + std::to_string(expect) + " (latest load: " + score_.weights_from() + ")");
      }
      ++stats_.results;
      if constexpr (kHasRtl) {  // the model's result at the same edge, against its own prediction
        if (model_out_.res_valid.read() &&
            !model_score_.on_result(static_cast<std::uint64_t>(model_out_.res_data.read()), &expect))
          ++stats_.model_score_mismatches;
      }
    }

    bool advance = !have_current_;
    if (have_current_) {
      if (current_.kind == Txn<C>::Kind::load && wld_valid_.read() && d.wld_ready.read()) {
        score_.on_load(current_);
        model_score_.on_load(current_);
        ++stats_.loads;
        advance = true;
      } else if (current_.kind == Txn<C>::Kind::beat && act_valid_.read() && d.act_ready.read()) {
        score_.on_beat(current_);
        model_score_.on_beat(current_);
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
      if (gap_left_ == 0) next_transaction();
    }
  }

  // Falling edge: new inputs, and the asynchronous reset's assertion and release (both half a
  // cycle away from any rising edge).
  void on_negedge() {
    if (reset_left_ == 0 && !rst_n_.read()) rst_n_.write(true);
    if (reset_left_ == 0 && rst_n_.read() && gen_.reset_now()) start_reset();
    drive_inputs();
    drive_ready();
  }

  void start_reset() {
    reset_left_ = gen_.reset_length();
    ++stats_.resets;
    rst_n_.write(false);
    wld_valid_.write(false);
    act_valid_.write(false);
    have_current_ = false;
    gap_left_ = 0;
    score_.on_reset();
    model_score_.on_reset();
    gen_.restart_after_reset();
  }

  void next_transaction() {
    current_ = gen_.next();
    if (current_.kind == Txn<C>::Kind::gap) {
      gap_left_ = current_.length;
      return;
    }
    if (current_.kind == Txn<C>::Kind::reset) return;  // resets come from on_negedge only
    have_current_ = true;
  }

  void drive_inputs() {
    const bool load = have_current_ && current_.kind == Txn<C>::Kind::load;
    const bool beat = have_current_ && current_.kind == Txn<C>::Kind::beat;
    // Now and then a "ghost" beat rides along with a load: the contract says the load is taken
    // and act_ready_o stays low, so the ghost must never be accepted (on_posedge checks it).
    const bool ghost = load && gen_.chance(0.05);
    wld_valid_.write(load);
    act_valid_.write(beat || ghost);
    if (load) {
      cfg_q_.write(static_cast<port_t<C::q_bits>>(current_.q));
      cfg_p_.write(static_cast<port_t<C::p_bits>>(current_.p));
      cfg_codebook_.write(static_cast<port_t<C::codebook_bits>>(current_.codebook));
      cfg_bypass_.write(current_.bypass);
      std::uint64_t codes = 0, plain = 0;
      for (int i = 0; i < N; ++i) {
        codes = qsq::put_field(codes, i * B, B, current_.codes[i]);
        plain = qsq::put_field(plain, i * W, W, current_.plain[i]);
      }
      wld_codes_.write(static_cast<port_t<N * B>>(codes));
      wld_scale_.write(static_cast<port_t<W - 1>>(current_.scale));
      wld_plain_.write(static_cast<port_t<N * W>>(plain));
    } else if (gen_.chance(0.3)) {  // configuration and weight lines are ignored without a load
      cfg_q_.write(static_cast<port_t<C::q_bits>>(qsq::get_field(gen_.garbage(), 0, C::q_bits)));
      cfg_p_.write(static_cast<port_t<C::p_bits>>(qsq::get_field(gen_.garbage(), 0, C::p_bits)));
      cfg_codebook_.write(static_cast<port_t<C::codebook_bits>>(qsq::get_field(gen_.garbage(), 0, C::codebook_bits)));
      cfg_bypass_.write(gen_.chance(0.5));
      wld_codes_.write(static_cast<port_t<N * B>>(qsq::get_field(gen_.garbage(), 0, N * B)));
      wld_plain_.write(static_cast<port_t<N * W>>(qsq::get_field(gen_.garbage(), 0, N * W)));
    }
    if (beat) {
      std::uint64_t data = 0;
      for (int i = 0; i < N; ++i) data = qsq::put_field(data, i * W, W, current_.acts[i]);
      act_data_.write(static_cast<port_t<N * W>>(data));
      act_psum_.write(static_cast<port_t<A>>(qsq::to_field(current_.psum, A)));
    } else if (gen_.chance(0.3)) {  // activation lines are ignored without a valid
      act_data_.write(static_cast<port_t<N * W>>(qsq::get_field(gen_.garbage(), 0, N * W)));
      act_psum_.write(static_cast<port_t<A>>(qsq::get_field(gen_.garbage(), 0, A)));
    }
  }

  // Back-pressure in phases: always ready, random, or mostly stalled.
  void drive_ready() {
    if (ready_mode_left_-- <= 0) {
      ready_mode_ = gen_.uniform(0, 2);
      ready_mode_left_ = gen_.uniform(20, 200);
    }
    const double p = ready_mode_ == 0 ? 1.0 : ready_mode_ == 1 ? 0.5 : 0.1;
    res_ready_.write(p >= 1.0 || gen_.chance(p));
  }

  void compare_outputs() {
    const bool wr = model_out_.wld_ready.read() == rtl_out_.wld_ready.read();
    const bool ar = model_out_.act_ready.read() == rtl_out_.act_ready.read();
    const bool rv = model_out_.res_valid.read() == rtl_out_.res_valid.read();
    const bool rd = !rtl_out_.res_valid.read() || model_out_.res_data.read() == rtl_out_.res_data.read();
    if (wr && ar && rv && rd) return;
    ++stats_.lockstep_mismatches;
    std::ostringstream s;
    s << "model vs rtl: wld_ready " << model_out_.wld_ready.read() << "/" << rtl_out_.wld_ready.read()
      << " act_ready " << model_out_.act_ready.read() << "/" << rtl_out_.act_ready.read()
      << " res_valid " << model_out_.res_valid.read() << "/" << rtl_out_.res_valid.read()
      << " res_data " << qsq::sign_extend(static_cast<std::uint64_t>(model_out_.res_data.read()), A) << "/"
      << qsq::sign_extend(static_cast<std::uint64_t>(rtl_out_.res_data.read()), A)
      << " (rst_ni " << rst_n_.read() << ", wld_valid " << wld_valid_.read() << ", act_valid "
      << act_valid_.read() << ", res_ready " << res_ready_.read() << ")";
    report(s.str());
  }
};

}  // namespace qsq_tb
