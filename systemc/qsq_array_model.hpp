// Description: SystemC cycle-accurate model of the RTL array `qsq_array`: the same ports (named
// and typed as `verilator --sc` makes them), the same registers and ready rules as the "Timing
// contract" of docs/hardware.md (S1 operand stage, S2 result stage, load-time recoded weight
// bank, combinational readies, asynchronous active-low reset), and the arithmetic of the HLS C++
// (hls/qsq_hls_array.hpp), which is bit-exact to the golden model.
// Usage:
//   qsq_sc::QsqArrayModel<qsq_hls::DefaultConfig> model("model");
//   model.clk_i(clk); model.rst_ni(rst_n); ... (bind every port, as for the Verilated Vqsq_array)
#pragma once
#include <systemc>

#include "qsq_hls_array.hpp"
#include "sc_port_types.hpp"

namespace qsq_sc {

template <class C, bool ExactLane = false>
class QsqArrayModel : public sc_core::sc_module {
 public:
  static constexpr int W = C::width, N = C::lanes, B = C::code_bits, A = C::acc_width;
  static_assert(C::q_bits == qsq::contract::kQBits && C::p_bits == qsq::contract::kPBits &&
                    C::codebook_bits == qsq::contract::kCodebookBits,
                "configuration port widths disagree with the hardware contract");

  sc_core::sc_in<bool> clk_i;
  sc_core::sc_in<bool> rst_ni;
  sc_core::sc_in<port_t<C::q_bits>> cfg_q_i;
  sc_core::sc_in<port_t<C::p_bits>> cfg_p_i;
  sc_core::sc_in<port_t<C::codebook_bits>> cfg_codebook_i;
  sc_core::sc_in<bool> cfg_bypass_i;
  sc_core::sc_in<bool> wld_valid_i;
  sc_core::sc_out<bool> wld_ready_o;
  sc_core::sc_in<port_t<N * B>> wld_codes_i;
  sc_core::sc_in<port_t<W - 1>> wld_scale_i;
  sc_core::sc_in<port_t<N * W>> wld_plain_i;
  sc_core::sc_in<bool> act_valid_i;
  sc_core::sc_out<bool> act_ready_o;
  sc_core::sc_in<port_t<N * W>> act_data_i;
  sc_core::sc_in<port_t<A>> act_psum_i;
  sc_core::sc_out<bool> res_valid_o;
  sc_core::sc_in<bool> res_ready_i;
  sc_core::sc_out<port_t<A>> res_data_o;

  // Deliberate bugs, only to prove that the lock-step testbench (testbench/) catches them (its ctests):
  // data flips bit 0 of every 101st result; stall lets S2 be overwritten under back-pressure.
  enum class Fault { none, data, stall };
  Fault fault = Fault::none;

  SC_HAS_PROCESS(QsqArrayModel);
  explicit QsqArrayModel(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    // One process drives every output (sc_signal allows one writer): it runs at the clock edge,
    // at the reset edge, and when an input of a combinational ready path changes.
    SC_METHOD(evaluate);
    sensitive << clk_i.pos() << rst_ni.neg() << res_ready_i << wld_valid_i;
  }

 private:
  // Registers. S1: operand stage; S2: result stage; bank: per-lane quality-masked CSD digits.
  bool s1_valid_ = false;
  typename C::act_t s1_act_[N] = {};
  typename C::acc_t s1_psum_ = 0;
  bool s2_valid_ = false;
  typename C::acc_t s2_data_ = 0;
  qsq_hls::ArrayState<C> bank_{};
  long long results_ = 0;  // for the injected data fault

  void evaluate() {
    if (!rst_ni.read()) {  // asynchronous reset: in-flight beats dropped, weights cleared to zero
      s1_valid_ = s2_valid_ = false;
      bank_ = qsq_hls::ArrayState<C>{};
    } else if (clk_i.posedge()) {
      on_clock();
    }
    drive_outputs();
  }

  void on_clock() {
    // Every decision uses the values just before the edge.
    const bool s2_free = !s2_valid_ || res_ready_i.read() || fault == Fault::stall;
    const bool s1_free = !s1_valid_ || s2_free;
    const bool load = wld_valid_i.read() && s1_free;
    const bool beat = act_valid_i.read() && s1_free && !wld_valid_i.read();

    if (s2_free) {  // S1 -> S2 with the weights held before this edge's load
      if (s1_valid_) {
        s2_data_ = qsq_hls::accumulate<C>(bank_, s1_act_, s1_psum_);
        if (fault == Fault::data && ++results_ % 101 == 0) s2_data_ ^= 1;
      }
      s2_valid_ = s1_valid_;
    }
    if (load) load_bank();
    if (s1_free) {
      s1_valid_ = beat;
      if (beat) capture_beat();
    }
  }

  void load_bank() {
    qsq_hls::ArrayCfg<C> cfg;
    cfg.q = ExactLane ? 0 : static_cast<long long>(cfg_q_i.read());
    cfg.p = ExactLane ? 0 : static_cast<long long>(cfg_p_i.read());
    cfg.codebook = static_cast<long long>(cfg_codebook_i.read());
    cfg.bypass = cfg_bypass_i.read();
    typename C::code_t codes[N];
    typename C::weight_t plain[N];
    const auto codes_word = static_cast<std::uint64_t>(wld_codes_i.read());
    const auto plain_word = static_cast<std::uint64_t>(wld_plain_i.read());
    for (int i = 0; i < N; ++i) {
      codes[i] = static_cast<long long>(qsq::get_field(codes_word, i * B, B));
      plain[i] = static_cast<long long>(qsq::get_field(plain_word, i * W, W));  // wraps to signed W bits
    }
    qsq_hls::load_weights<C>(cfg, codes, static_cast<long long>(wld_scale_i.read()), plain, bank_);
  }

  void capture_beat() {
    const auto data = static_cast<std::uint64_t>(act_data_i.read());
    for (int i = 0; i < N; ++i) s1_act_[i] = static_cast<long long>(qsq::get_field(data, i * W, W));
    s1_psum_ = static_cast<long long>(act_psum_i.read());
  }

  void drive_outputs() {
    const bool s2_free = !s2_valid_ || res_ready_i.read();
    const bool s1_free = !s1_valid_ || s2_free;
    wld_ready_o.write(s1_free);
    act_ready_o.write(s1_free && !wld_valid_i.read());
    res_valid_o.write(s2_valid_);
    res_data_o.write(static_cast<port_t<A>>(qsq::to_field(static_cast<long long>(s2_data_), A)));
  }
};

}  // namespace qsq_sc
