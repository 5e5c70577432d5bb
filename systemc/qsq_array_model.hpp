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
#include "qsq_stream_ports.hpp"
#include "sc_port_types.hpp"

namespace qsq_sc {

template <class C, bool ExactLane = false>
class QsqArrayModel : public StreamPorts<C, ExactLane> {
  using Base = StreamPorts<C, ExactLane>;

 public:
  // The base's members this class uses (public there, so public here: using-declarations set access).
  using Base::act_ready_o, Base::act_valid_i, Base::clk_i, Base::fault, Base::res_ready_i, Base::res_valid_o,
      Base::rst_ni, Base::wld_ready_o, Base::wld_scale_i, Base::wld_valid_i;
  using Fault = typename Base::Fault;
  static constexpr int N = C::lanes, A = C::acc_width;

  // The ports beyond those of every qsq top (StreamPorts).
  sc_core::sc_in<port_t<A>> act_psum_i;
  sc_core::sc_out<port_t<A>> res_data_o;

  SC_HAS_PROCESS(QsqArrayModel);
  explicit QsqArrayModel(sc_core::sc_module_name name) : Base(name) {
    SC_METHOD(evaluate);
    this->sensitize();
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
    typename C::code_t codes[N];
    typename C::weight_t plain[N];
    this->load_chunk(codes, plain);
    qsq_hls::load_weights<C>(this->load_cfg(), codes, static_cast<long long>(wld_scale_i.read()), plain, bank_);
  }

  void capture_beat() {
    this->beat_acts(s1_act_);
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
