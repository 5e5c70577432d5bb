// Description: the lock-step testbench. One clock, one reset and one set of input signals drive
// both the SystemC cycle-accurate model (QsqArrayModel) and the Verilated RTL (`verilator --sc`
// top Vqsq_array_*); every cycle their outputs (wld_ready_o, act_ready_o, res_valid_o, and
// res_data_o while valid) must be equal, and every result transfer is scored against the golden
// model (Scoreboard). The RTL is the device under test whose readies decide the handshakes;
// without an RTL (Rtl = void) the SystemC model is driven and scored alone. The clock, reset and
// handshake machinery is LockstepCore's (shared with the grid's bench).
// Usage:
//   qsq_tb::LockstepBench<qsq_hls::DefaultConfig, Vqsq_array_default> tb("tb", seed);
//   sc_core::sc_start(cycles * tb.period());  auto s = tb.stats();
#pragma once
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>

#include <systemc>

#include "lockstep_core.hpp"
#include "lockstep_scoreboard.hpp"
#include "lockstep_stimulus.hpp"
#include "qsq/bits.hpp"
#include "qsq_array_model.hpp"

namespace qsq_tb {

using qsq_sc::QsqArrayModel;

template <class C>
struct ArrayOutputs : HandshakeOutputs {
  sc_core::sc_signal<port_t<C::acc_width>> res_data;
};

template <class C, class Rtl = void>
class LockstepBench : public LockstepCore<LockstepBench<C, Rtl>, C, ArrayOutputs<C>> {
  using Core = LockstepCore<LockstepBench<C, Rtl>, C, ArrayOutputs<C>>;
  friend Core;
  using Outputs = ArrayOutputs<C>;
  static constexpr int W = C::width, N = C::lanes, B = C::code_bits, A = C::acc_width;
  static constexpr bool kHasRtl = !std::is_void_v<Rtl>;
  using RtlModule = std::conditional_t<kHasRtl, Rtl, sc_core::sc_module>;
  using Core::act_data_, Core::act_valid_, Core::cfg_bypass_, Core::cfg_codebook_, Core::cfg_p_, Core::cfg_q_,
      Core::clk_, Core::have_current_, Core::model_out_, Core::res_ready_, Core::rst_n_, Core::rtl_out_, Core::stats_,
      Core::wld_codes_, Core::wld_plain_, Core::wld_valid_;

 public:
  LockstepBench(sc_core::sc_module_name name, std::uint64_t seed, bool exact_lane = false)
      : Core(name), model_("model"), gen_(seed), score_(exact_lane), model_score_(exact_lane) {
    bind(model_, model_out_);
    if constexpr (kHasRtl) {
      rtl_ = std::make_unique<Rtl>("rtl");
      bind(*rtl_, rtl_out_);
    }
  }

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
  sc_core::sc_signal<port_t<A>> act_psum_;
  QsqArrayModel<C> model_;
  std::unique_ptr<RtlModule> rtl_;
  Stimulus<C> gen_;
  Scoreboard<C> score_, model_score_;
  Txn<C> current_;  // the transaction on the inputs (valid while have_current_)

  template <class M>
  void bind(M& m, Outputs& o) {
    this->bind_common(m, o);
    m.act_psum_i(act_psum_);
    m.res_data_o(o.res_data);
  }

  // ---- LockstepCore's hooks -------------------------------------------------------------------
  const Outputs& dut() const { return kHasRtl ? rtl_out_ : model_out_; }
  bool chance(double p) { return gen_.chance(p); }
  int pick(int lo, int hi) { return gen_.uniform(lo, hi); }
  bool reset_now() { return gen_.reset_now(); }
  int reset_length() { return gen_.reset_length(); }
  void on_reset() {
    score_.on_reset();
    model_score_.on_reset();
    gen_.restart_after_reset();
  }
  bool current_is_load() const { return current_.kind == Txn<C>::Kind::load; }
  void on_load_taken() {
    score_.on_load(current_);
    model_score_.on_load(current_);
  }
  void on_beat_taken() {
    score_.on_beat(current_);
    model_score_.on_beat(current_);
  }

  bool next_transaction(int& gap) {
    current_ = gen_.next();
    gap = current_.kind == Txn<C>::Kind::gap ? current_.length : 0;
    // Resets come from the falling edge only: a reset transaction is skipped.
    return current_.kind == Txn<C>::Kind::load || current_.kind == Txn<C>::Kind::beat;
  }

  void score_result(const Outputs& d) {
    std::int64_t expect = 0;
    if (!score_.on_result(static_cast<std::uint64_t>(d.res_data.read()), &expect)) {
      ++stats_.score_mismatches;
      this->report("result " + std::to_string(qsq::sign_extend(static_cast<std::uint64_t>(d.res_data.read()), A)) +
                   " expected " + std::to_string(expect) + " (latest load: " + score_.weights_from() + ")");
    }
    if constexpr (kHasRtl) {  // the model's result at the same edge, against its own prediction
      if (model_out_.res_valid.read() &&
          !model_score_.on_result(static_cast<std::uint64_t>(model_out_.res_data.read()), &expect))
        ++stats_.model_score_mismatches;
    }
  }

  void drive_load(bool load) {
    if (load) {
      this->write_load(current_.q, current_.p, current_.codebook, current_.bypass, current_.codes, current_.scale,
                       current_.plain);
    } else if (gen_.chance(0.3)) {  // configuration and weight lines are ignored without a load
      cfg_q_.write(static_cast<port_t<C::q_bits>>(qsq::get_field(gen_.garbage(), 0, C::q_bits)));
      cfg_p_.write(static_cast<port_t<C::p_bits>>(qsq::get_field(gen_.garbage(), 0, C::p_bits)));
      cfg_codebook_.write(static_cast<port_t<C::codebook_bits>>(qsq::get_field(gen_.garbage(), 0, C::codebook_bits)));
      cfg_bypass_.write(gen_.chance(0.5));
      wld_codes_.write(static_cast<port_t<N * B>>(qsq::get_field(gen_.garbage(), 0, N * B)));
      wld_plain_.write(static_cast<port_t<N * W>>(qsq::get_field(gen_.garbage(), 0, N * W)));
    }
  }

  void drive_beat(bool beat) {
    if (beat) {
      this->write_acts(current_.acts);
      act_psum_.write(static_cast<port_t<A>>(qsq::to_field(current_.psum, A)));
    } else if (gen_.chance(0.3)) {  // activation lines are ignored without a valid
      act_data_.write(static_cast<port_t<N * W>>(qsq::get_field(gen_.garbage(), 0, N * W)));
      act_psum_.write(static_cast<port_t<A>>(qsq::get_field(gen_.garbage(), 0, A)));
    }
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
    this->report(s.str());
  }
};

}  // namespace qsq_tb
