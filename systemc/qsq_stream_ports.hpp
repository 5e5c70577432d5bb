// Description: what the SystemC models of qsq_array (QsqArrayModel) and qsq_grid (QsqGridModel)
// share: the ports both tops have (named and typed as `verilator --sc` makes them, so the models
// and the Verilated RTL bind to the same signals), the deliberate faults the lock-step benches must
// catch, the sensitivity of the one process that drives every output, and the reading of a load's
// configuration, codes and plain weights and of a beat's activations in the HLS types.
// Usage:
//   template <class C> class MyModel : public qsq_sc::StreamPorts<C, false> {
//     explicit MyModel(sc_core::sc_module_name n) : StreamPorts<C, false>(n) { SC_METHOD(evaluate); this->sensitize(); }
//   };
#pragma once
#include <cstdint>

#include <systemc>

#include "qsq_hls_array.hpp"
#include "sc_port_types.hpp"

namespace qsq_sc {

template <class C, bool ExactLane>
class StreamPorts : public sc_core::sc_module {
 public:
  static constexpr int W = C::width, N = C::lanes, B = C::code_bits;
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
  sc_core::sc_out<bool> res_valid_o;
  sc_core::sc_in<bool> res_ready_i;

  // Deliberate bugs, only to prove that the lock-step testbenches (testbench/) catch them (their
  // ctests): data flips bit 0 of (row 0 of) every 101st result; stall lets S2 be overwritten under
  // back-pressure.
  enum class Fault { none, data, stall };
  Fault fault = Fault::none;

 protected:
  explicit StreamPorts(sc_core::sc_module_name name) : sc_core::sc_module(name) {}

  // For the process just declared: one writer of every output, run at the clock edge, at the
  // reset edge, and when an input of a combinational ready path changes.
  void sensitize() { sensitive << clk_i.pos() << rst_ni.neg() << res_ready_i << wld_valid_i; }

  // The configuration sampled with a load; the ExactLane baseline ignores q and p (exact products).
  qsq_hls::ArrayCfg<C> load_cfg() const {
    qsq_hls::ArrayCfg<C> cfg;
    cfg.q = ExactLane ? 0 : static_cast<long long>(cfg_q_i.read());
    cfg.p = ExactLane ? 0 : static_cast<long long>(cfg_p_i.read());
    cfg.codebook = static_cast<long long>(cfg_codebook_i.read());
    cfg.bypass = cfg_bypass_i.read();
    return cfg;
  }
  // The chunk on the load ports: lane i's code and plain weight (wrapped to signed W bits).
  void load_chunk(typename C::code_t (&codes)[N], typename C::weight_t (&plain)[N]) const {
    const auto codes_word = static_cast<std::uint64_t>(wld_codes_i.read());
    const auto plain_word = static_cast<std::uint64_t>(wld_plain_i.read());
    for (int i = 0; i < N; ++i) {
      codes[i] = static_cast<long long>(qsq::get_field(codes_word, i * B, B));
      plain[i] = static_cast<long long>(qsq::get_field(plain_word, i * W, W));
    }
  }
  void beat_acts(typename C::act_t (&acts)[N]) const {
    const auto data = static_cast<std::uint64_t>(act_data_i.read());
    for (int i = 0; i < N; ++i) acts[i] = static_cast<long long>(qsq::get_field(data, i * W, W));
  }
};

}  // namespace qsq_sc
