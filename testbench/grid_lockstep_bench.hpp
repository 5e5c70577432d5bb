// Description: the lock-step testbench of the 2-D grid. One clock, one reset and one set of input
// signals drive the SystemC model (QsqGridModel) and the Verilated RTL (`verilator --sc` top
// Vqsq_grid_*); every cycle their readies, res_valid_o, res_rows_o and (while valid) the result of
// every row that holds a filter must be equal, and every result transfer is scored against the
// golden grid model (qsq::GridModel), which also generates valid traffic: random loads (rows, row
// masks, codebooks, scales, codes, bypass, q, p), beats (activations with zeros, slots, first and
// last flags), idle gaps, phases of back-pressure and asynchronous resets. Without an RTL
// (Rtl = void) the SystemC model is driven and scored alone. The clock, reset and handshake
// machinery is LockstepCore's (shared with the array's bench).
// Usage:
//   qsq_tb::GridLockstepBench<qsq_hls::GridSmallConfig, Vqsq_grid_grid_small> tb("tb", seed, reset_every);
//   sc_core::sc_start(cycles * tb.period());  auto s = tb.stats();
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <systemc>

#include "lockstep_core.hpp"
#include "qsq/grid.hpp"
#include "qsq_grid_model.hpp"

namespace qsq_tb {

using qsq_sc::wide_port_t;

template <class G>
struct GridOutputs : HandshakeOutputs {
  sc_core::sc_signal<wide_port_t<G::rows * G::acc_width>> res_data;
  sc_core::sc_signal<port_t<G::rows>> res_rows;
};

template <class G, class Rtl = void>
class GridLockstepBench : public LockstepCore<GridLockstepBench<G, Rtl>, G, GridOutputs<G>> {
  using Core = LockstepCore<GridLockstepBench<G, Rtl>, G, GridOutputs<G>>;
  friend Core;
  using Outputs = GridOutputs<G>;
  using Model = qsq_sc::QsqGridModel<G>;
  static constexpr int W = G::width, N = G::lanes, B = G::code_bits, A = G::acc_width, M = G::rows, S = G::slots;
  static constexpr int kRowBits = Model::kRowBits, kSlotBits = Model::kSlotBits;
  static constexpr bool kHasRtl = !std::is_void_v<Rtl>;
  using RtlModule = std::conditional_t<kHasRtl, Rtl, sc_core::sc_module>;
  using Core::act_data_, Core::model_out_, Core::rtl_out_, Core::stats_;

  struct Txn {
    bool is_load = false;
    qsq::GridLoad load;
    qsq::GridBeat beat;
  };

 public:
  GridLockstepBench(sc_core::sc_module_name name, std::uint64_t seed, int reset_every)
      : Core(name), model_("model"), rng_(seed), golden_(G::grid_shape), reset_every_(reset_every) {
    bind(model_, model_out_);
    if constexpr (kHasRtl) {
      rtl_ = std::make_unique<Rtl>("rtl");
      bind(*rtl_, rtl_out_);
    }
  }

  Model& model() { return model_; }

 private:
  sc_core::sc_signal<bool> act_first_, act_last_;
  sc_core::sc_signal<port_t<kRowBits>> wld_row_;
  sc_core::sc_signal<port_t<M>> wld_rows_on_;
  sc_core::sc_signal<port_t<kSlotBits>> act_slot_;

  Model model_;
  std::unique_ptr<RtlModule> rtl_;
  std::mt19937_64 rng_;
  qsq::GridModel golden_;
  std::deque<qsq::GridResult> expected_;
  int reset_every_;
  Txn current_;

  long long pick_ll(long long lo, long long hi) { return std::uniform_int_distribution<long long>(lo, hi)(rng_); }

  template <class X>
  void bind(X& m, Outputs& o) {
    this->bind_common(m, o);
    m.wld_row_i(wld_row_);
    m.wld_rows_on_i(wld_rows_on_);
    m.act_slot_i(act_slot_);
    m.act_first_i(act_first_);
    m.act_last_i(act_last_);
    m.res_data_o(o.res_data);
    m.res_rows_o(o.res_rows);
  }

  // The value of row r in a result bus.
  static std::int64_t row_value(const wide_port_t<M * A>& bus, int r) {
    const auto w = qsq_sc::words_of_port<M * A>(bus);
    std::uint64_t v = 0;
    for (int b = 0; b < A; ++b) {
      const int at = r * A + b;
      if ((w[static_cast<std::size_t>(at / 32)] >> (at % 32)) & 1u) v |= std::uint64_t{1} << b;
    }
    return qsq::sign_extend(v, A);
  }

  // ---- LockstepCore's hooks -------------------------------------------------------------------
  const Outputs& dut() const { return kHasRtl ? rtl_out_ : model_out_; }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  int pick(int lo, int hi) { return static_cast<int>(pick_ll(lo, hi)); }
  bool reset_now() { return reset_every_ > 0 && chance(1.0 / reset_every_); }
  int reset_length() { return pick(1, 3); }
  void on_reset() {
    golden_.reset();
    expected_.clear();
  }
  bool current_is_load() const { return current_.is_load; }
  void on_load_taken() { golden_.load(current_.load); }
  void on_beat_taken() {
    if (auto r = golden_.beat(current_.beat)) expected_.push_back(*r);
  }

  void score_result(const Outputs& d) {
    if (expected_.empty()) {
      ++stats_.score_mismatches;
      this->report("a result nobody asked for");
      return;
    }
    const qsq::GridResult want = expected_.front();
    expected_.pop_front();
    bool ok = static_cast<std::uint64_t>(d.res_rows.read()) == want.rows_on;
    for (int r = 0; r < M; ++r)
      if ((want.rows_on >> r) & 1u) ok = ok && row_value(d.res_data.read(), r) == want.values[static_cast<std::size_t>(r)];
    if (!ok) {
      ++stats_.score_mismatches;
      this->report("result differs from the golden grid model (rows " + std::to_string(want.rows_on) + ")");
    }
  }

  // Valid traffic from the golden model: loads of random rows, masks, codebooks, scales, codes,
  // bypass, q, p; beats with zeros, random slots and flags (first where a slot has not started).
  bool next_transaction(int& gap) {
    if (chance(0.1)) {
      gap = pick(1, 5);
      return false;
    }
    current_ = Txn{};
    const std::uint64_t all = (M >= 64) ? ~std::uint64_t{0} : (std::uint64_t{1} << M) - 1;
    if (chance(0.15) || golden_.rows_on() == 0) {
      current_.is_load = true;
      qsq::GridLoad& ld = current_.load;
      ld.row = pick(0, M - 1);
      ld.rows_on = chance(0.7) ? all : static_cast<std::uint64_t>(pick_ll(0, static_cast<long long>(all)));
      ld.weights.quality = {pick(0, G::qmax), chance(0.5) ? 0 : pick(0, W)};
      ld.weights.codebook = static_cast<qsq::CodebookId>(pick(0, qsq::kNumCodebooks - 1));
      ld.weights.bypass = chance(0.125);
      ld.weights.scale = ld.weights.bypass ? 0 : static_cast<std::uint32_t>(pick_ll(0, qsq::max_scale(W)));
      for (int i = 0; i < N; ++i) {
        if (ld.weights.bypass) ld.weights.plain.push_back(static_cast<std::int32_t>(pick_ll(qsq::min_value(W), qsq::max_value(W))));
        else ld.weights.codes.push_back(static_cast<std::uint8_t>(pick(0, (1 << B) - 1)));
      }
      return true;
    }
    qsq::GridBeat& b = current_.beat;
    for (int i = 0; i < N; ++i)
      b.a.push_back(chance(0.3) ? 0 : static_cast<std::int32_t>(pick_ll(qsq::min_value(W), qsq::max_value(W))));
    b.slot = pick(0, S - 1);
    b.first = chance(0.2);
    b.last = chance(0.3);
    if (!b.first) {
      try {
        (void)golden_.peek(b);
      } catch (const qsq::Error&) {
        b.first = true;  // a slot of an on row no first beat has started since reset
      }
    }
    return true;
  }

  void drive_load(bool load) {
    if (!load) return;
    const qsq::GridLoad& ld = current_.load;
    // The bus of the unused path (codes or plain weights) carries zeros.
    std::vector<std::int64_t> codes(N, 0), plain(N, 0);
    for (int i = 0; i < N; ++i) {
      const auto k = static_cast<std::size_t>(i);
      if (ld.weights.bypass) plain[k] = ld.weights.plain[k];
      else codes[k] = ld.weights.codes[k];
    }
    this->write_load(ld.weights.quality.q, ld.weights.quality.p, static_cast<int>(ld.weights.codebook), ld.weights.bypass,
                     codes, ld.weights.scale, plain);
    wld_row_.write(static_cast<port_t<kRowBits>>(ld.row));
    wld_rows_on_.write(static_cast<port_t<M>>(ld.rows_on));
  }

  void drive_beat(bool beat) {
    if (beat) {
      const qsq::GridBeat& b = current_.beat;
      this->write_acts(b.a);
      act_slot_.write(static_cast<port_t<kSlotBits>>(b.slot));
      act_first_.write(b.first);
      act_last_.write(b.last);
    } else if (chance(0.3)) {  // activation lines are ignored without a valid
      act_data_.write(static_cast<port_t<N * W>>(qsq::get_field(rng_(), 0, N * W)));
      act_first_.write(chance(0.5));
      act_last_.write(chance(0.5));
    }
  }

  void compare_outputs() {
    bool same = model_out_.wld_ready.read() == rtl_out_.wld_ready.read() &&
                model_out_.act_ready.read() == rtl_out_.act_ready.read() &&
                model_out_.res_valid.read() == rtl_out_.res_valid.read();
    if (same && rtl_out_.res_valid.read()) {
      const auto rows = static_cast<std::uint64_t>(rtl_out_.res_rows.read());
      same = rows == static_cast<std::uint64_t>(model_out_.res_rows.read());
      for (int r = 0; r < M && same; ++r)  // rows that are off carry undefined data
        if ((rows >> r) & 1u) same = row_value(model_out_.res_data.read(), r) == row_value(rtl_out_.res_data.read(), r);
    }
    if (same) return;
    ++stats_.lockstep_mismatches;
    std::ostringstream s;
    s << "model vs rtl: wld_ready " << model_out_.wld_ready.read() << "/" << rtl_out_.wld_ready.read() << " act_ready "
      << model_out_.act_ready.read() << "/" << rtl_out_.act_ready.read() << " res_valid " << model_out_.res_valid.read()
      << "/" << rtl_out_.res_valid.read() << " res_rows " << model_out_.res_rows.read() << "/" << rtl_out_.res_rows.read();
    this->report(s.str());
  }
};

}  // namespace qsq_tb
