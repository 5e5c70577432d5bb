// Description: SystemC cycle-accurate model of the 2-D grid `qsq_grid` (rtl/qsq_grid.sv): the same
// ports (named and typed as `verilator --sc` makes them; the M-wide result is an sc_bv when it is
// wider than 64 bits), the same registers and ready rules (S1 beat stage, S2 result stage, a last
// beat waits for S2 while other beats leave S1 into their slot at once, loads only while S1 is
// free), and the arithmetic of the HLS grid (hls/qsq_hls_grid.hpp), bit-exact to qsq::GridModel.
// The RTL writes a row's weight bank one cycle after it accepted the load; no beat can see the
// difference (S1 is empty in that cycle), so the model writes it at the load's own edge.
// Usage:
//   qsq_sc::QsqGridModel<qsq_hls::GridSmallConfig> model("model");
//   model.clk_i(clk); ... (bind every port, as for the Verilated Vqsq_grid_*)
#pragma once
#include <cstdint>
#include <type_traits>
#include <vector>

#include <systemc>

#include "qsq_hls_grid.hpp"
#include "qsq_stream_ports.hpp"
#include "sc_port_types.hpp"

namespace qsq_sc {

// A port of any width as `verilator --sc` types it: port_t up to 64 bits, sc_bv beyond.
template <int Bits>
using wide_port_t = std::conditional_t<(Bits <= 64), port_t<(Bits <= 64 ? Bits : 64)>, sc_dt::sc_bv<Bits>>;

// 32-bit words (LSB first) into and out of a wide port value.
template <int Bits>
wide_port_t<Bits> port_from_words(const std::vector<std::uint32_t>& w) {
  if constexpr (Bits <= 64) {
    std::uint64_t v = w.empty() ? 0 : w[0];
    if (w.size() > 1) v |= std::uint64_t{w[1]} << 32;
    return static_cast<wide_port_t<Bits>>(qsq::get_field(v, 0, Bits));
  } else {
    sc_dt::sc_bv<Bits> v;
    for (int i = 0; i < (Bits + 31) / 32; ++i) v.set_word(i, i < static_cast<int>(w.size()) ? w[static_cast<std::size_t>(i)] : 0u);
    return v;
  }
}
template <int Bits>
std::vector<std::uint32_t> words_of_port(const wide_port_t<Bits>& p) {
  std::vector<std::uint32_t> w(static_cast<std::size_t>((Bits + 31) / 32));
  if constexpr (Bits <= 64) {
    const auto v = static_cast<std::uint64_t>(p);
    w[0] = static_cast<std::uint32_t>(v);
    if (w.size() > 1) w[1] = static_cast<std::uint32_t>(v >> 32);
  } else {
    for (int i = 0; i < (Bits + 31) / 32; ++i) w[static_cast<std::size_t>(i)] = p.get_word(i);
  }
  return w;
}

// ceil(log2(n)) for n >= 2, as the RTL's $clog2 (the widths of wld_row_i and act_slot_i).
constexpr int clog2(int n) {
  int b = 0;
  while ((1 << b) < n) ++b;
  return b;
}

template <class G, bool ExactLane = false>
class QsqGridModel : public StreamPorts<G, ExactLane> {
  using Base = StreamPorts<G, ExactLane>;

 public:
  // The base's members this class uses (public there, so public here: using-declarations set access).
  using Base::act_ready_o, Base::act_valid_i, Base::clk_i, Base::fault, Base::res_ready_i, Base::res_valid_o,
      Base::rst_ni, Base::wld_ready_o, Base::wld_scale_i, Base::wld_valid_i;
  using Fault = typename Base::Fault;
  static constexpr int N = G::lanes, A = G::acc_width, M = G::rows, S = G::slots;
  static constexpr int kRowBits = M > 1 ? clog2(M) : 1;
  static constexpr int kSlotBits = S > 1 ? clog2(S) : 1;

  // The ports beyond those of every qsq top (StreamPorts).
  sc_core::sc_in<port_t<kRowBits>> wld_row_i;
  sc_core::sc_in<port_t<M>> wld_rows_on_i;
  sc_core::sc_in<port_t<kSlotBits>> act_slot_i;
  sc_core::sc_in<bool> act_first_i;
  sc_core::sc_in<bool> act_last_i;
  sc_core::sc_out<wide_port_t<M * A>> res_data_o;
  sc_core::sc_out<port_t<M>> res_rows_o;

  SC_HAS_PROCESS(QsqGridModel);
  explicit QsqGridModel(sc_core::sc_module_name name) : Base(name) {
    SC_METHOD(evaluate);
    this->sensitize();
  }

 private:
  bool s1_valid_ = false;
  qsq_hls::GridBeat<G> s1_{};
  bool s2_valid_ = false;
  qsq_hls::GridOut<G> s2_{};
  qsq_hls::GridState<G> state_{};
  long long results_ = 0;  // for the injected data fault

  bool s2_free() const { return !s2_valid_ || res_ready_i.read() || fault == Fault::stall; }
  bool s1_free() const { return !s1_valid_ || !s1_.last || s2_free(); }

  void evaluate() {
    if (!rst_ni.read()) {  // asynchronous reset: beats dropped, zero weights, every row off
      s1_valid_ = s2_valid_ = false;
      const auto acc = state_;  // the accumulators are not reset in the RTL (nothing reads them unstarted)
      state_ = qsq_hls::GridState<G>{};
      for (int r = 0; r < M; ++r)
        for (int k = 0; k < S; ++k) state_.acc[r][k] = acc.acc[r][k];
    } else if (clk_i.posedge()) {
      on_clock();
    }
    drive_outputs();
  }

  void on_clock() {
    const bool s2f = s2_free(), s1f = s1_free();
    const bool load = wld_valid_i.read() && s1f;
    const bool beat = act_valid_i.read() && s1f && !wld_valid_i.read();
    // S1 leaves with the state before this edge's load: into its slot, or (last) into S2.
    if (s1_valid_ && s1f) {
      qsq_hls::GridOut<G> out;
      if (qsq_hls::grid_beat<G>(s1_, state_, out)) {
        s2_ = out;
        if (fault == Fault::data && ++results_ % 101 == 0) s2_.value[0] ^= 1;
      }
    }
    const bool s2_load = s1_valid_ && s1_.last && s2f;
    s2_valid_ = s2_load || (s2_valid_ && !res_ready_i.read() && fault != Fault::stall);
    if (load) load_row();
    if (s1f) {
      s1_valid_ = beat;
      if (beat) capture_beat();
    }
  }

  void load_row() {
    qsq_hls::GridBeat<G> t;
    t.is_load = true;
    t.cfg = this->load_cfg();
    t.row = static_cast<int>(wld_row_i.read());
    const auto on = static_cast<std::uint64_t>(wld_rows_on_i.read());
    for (int r = 0; r < M; ++r) t.rows_on[r] = (on >> r) & 1u;
    this->load_chunk(t.codes, t.plain);
    t.scale = static_cast<long long>(wld_scale_i.read());
    if (t.row < M) qsq_hls::grid_load<G>(t, state_);  // a row index past M writes no row (as the RTL's select)
    else for (int r = 0; r < M; ++r) state_.on[r] = t.rows_on[r];
  }

  void capture_beat() {
    this->beat_acts(s1_.acts);
    s1_.slot = static_cast<int>(act_slot_i.read());
    s1_.first = act_first_i.read();
    s1_.last = act_last_i.read();
  }

  void drive_outputs() {
    wld_ready_o.write(s1_free());
    act_ready_o.write(s1_free() && !wld_valid_i.read());
    res_valid_o.write(s2_valid_);
    std::vector<std::uint32_t> words(static_cast<std::size_t>((M * A + 31) / 32), 0);
    std::uint64_t rows = 0;
    for (int r = 0; r < M; ++r) {
      if (s2_.on[r]) rows |= std::uint64_t{1} << r;
      const std::uint64_t v = qsq::to_field(static_cast<long long>(s2_.value[r]), A);
      for (int b = 0; b < A; ++b)
        if ((v >> b) & 1u) words[static_cast<std::size_t>((r * A + b) / 32)] |= 1u << ((r * A + b) % 32);
    }
    res_data_o.write(port_from_words<M * A>(words));
    res_rows_o.write(static_cast<port_t<M>>(rows));
  }
};

}  // namespace qsq_sc
