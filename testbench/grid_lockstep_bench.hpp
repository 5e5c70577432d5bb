// Description: the lock-step testbench of the 2-D grid. One clock, one reset and one set of input
// signals drive the SystemC model (QsqGridModel) and the Verilated RTL (`verilator --sc` top
// Vqsq_grid_*); every cycle their readies, res_valid_o, res_rows_o and (while valid) the result of
// every row that holds a filter must be equal, and every result transfer is scored against the
// golden grid model (qsq::GridModel), which also generates valid traffic: random loads (rows, row
// masks, codebooks, scales, codes, bypass, q, p), beats (activations with zeros, slots, first and
// last flags), idle gaps, phases of back-pressure and asynchronous resets. Without an RTL
// (Rtl = void) the SystemC model is driven and scored alone.
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

#include "lockstep_options.hpp"
#include "qsq/grid.hpp"
#include "qsq_grid_model.hpp"

namespace qsq_tb {

using qsq_sc::port_t;
using qsq_sc::wide_port_t;

template <class G, class Rtl = void>
class GridLockstepBench : public sc_core::sc_module {
  using Model = qsq_sc::QsqGridModel<G>;
  static constexpr int W = G::width, N = G::lanes, B = G::code_bits, A = G::acc_width, M = G::rows, S = G::slots;
  static constexpr int kRowBits = Model::kRowBits, kSlotBits = Model::kSlotBits;
  static constexpr bool kHasRtl = !std::is_void_v<Rtl>;
  using RtlModule = std::conditional_t<kHasRtl, Rtl, sc_core::sc_module>;

  struct Outputs {
    sc_core::sc_signal<bool> wld_ready, act_ready, res_valid;
    sc_core::sc_signal<wide_port_t<M * A>> res_data;
    sc_core::sc_signal<port_t<M>> res_rows;
  };
  struct Txn {
    bool is_load = false;
    qsq::GridLoad load;
    qsq::GridBeat beat;
  };

 public:
  SC_HAS_PROCESS(GridLockstepBench);
  GridLockstepBench(sc_core::sc_module_name name, std::uint64_t seed, int reset_every)
      : sc_core::sc_module(name), model_("model"), rng_(seed), golden_(G::grid_shape), reset_every_(reset_every) {
    bind(model_, model_out_);
    if constexpr (kHasRtl) {
      rtl_ = std::make_unique<Rtl>("rtl");
      bind(*rtl_, rtl_out_);
    }
    SC_METHOD(on_half_cycle);  // the bench makes the clock itself (see LockstepBench)
    rst_n_.write(false);
    reset_left_ = 2;
  }

  sc_core::sc_time period() const { return kHalfPeriod * 2; }
  const LockstepStats& stats() const { return stats_; }
  Model& model() { return model_; }

 private:
  const sc_core::sc_time kHalfPeriod{5, sc_core::SC_NS};
  sc_core::sc_signal<bool> clk_{"clk"}, rst_n_{"rst_n"};
  bool rising_next_ = false;
  sc_core::sc_signal<port_t<G::q_bits>> cfg_q_;
  sc_core::sc_signal<port_t<G::p_bits>> cfg_p_;
  sc_core::sc_signal<port_t<G::codebook_bits>> cfg_codebook_;
  sc_core::sc_signal<bool> cfg_bypass_, wld_valid_, act_valid_, res_ready_, act_first_, act_last_;
  sc_core::sc_signal<port_t<kRowBits>> wld_row_;
  sc_core::sc_signal<port_t<M>> wld_rows_on_;
  sc_core::sc_signal<port_t<N * B>> wld_codes_;
  sc_core::sc_signal<port_t<W - 1>> wld_scale_;
  sc_core::sc_signal<port_t<N * W>> wld_plain_, act_data_;
  sc_core::sc_signal<port_t<kSlotBits>> act_slot_;
  Outputs model_out_, rtl_out_;

  Model model_;
  std::unique_ptr<RtlModule> rtl_;
  std::mt19937_64 rng_;
  qsq::GridModel golden_;
  std::deque<qsq::GridResult> expected_;
  LockstepStats stats_;
  int reset_every_;
  Txn current_;
  bool have_current_ = false;
  int gap_left_ = 0, reset_left_ = 0, waiting_ = 0, ready_mode_ = 0, ready_mode_left_ = 0;

  long long pick(long long lo, long long hi) { return std::uniform_int_distribution<long long>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  template <class X>
  void bind(X& m, Outputs& o) {
    m.clk_i(clk_);
    m.rst_ni(rst_n_);
    m.cfg_q_i(cfg_q_);
    m.cfg_p_i(cfg_p_);
    m.cfg_codebook_i(cfg_codebook_);
    m.cfg_bypass_i(cfg_bypass_);
    m.wld_valid_i(wld_valid_);
    m.wld_ready_o(o.wld_ready);
    m.wld_row_i(wld_row_);
    m.wld_rows_on_i(wld_rows_on_);
    m.wld_codes_i(wld_codes_);
    m.wld_scale_i(wld_scale_);
    m.wld_plain_i(wld_plain_);
    m.act_valid_i(act_valid_);
    m.act_ready_o(o.act_ready);
    m.act_data_i(act_data_);
    m.act_slot_i(act_slot_);
    m.act_first_i(act_first_);
    m.act_last_i(act_last_);
    m.res_valid_o(o.res_valid);
    m.res_ready_i(res_ready_);
    m.res_data_o(o.res_data);
    m.res_rows_o(o.res_rows);
  }

  const Outputs& dut() const { return kHasRtl ? rtl_out_ : model_out_; }

  void report(const std::string& what) {
    if (stats_.messages.size() < 20) stats_.messages.push_back("cycle " + std::to_string(stats_.cycles) + ": " + what);
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

  void on_posedge() {
    ++stats_.cycles;
    if constexpr (kHasRtl) compare_outputs();
    if (reset_left_ > 0) {
      --reset_left_;
      return;
    }
    const Outputs& d = dut();
    if (d.res_valid.read() && !res_ready_.read()) ++stats_.stalled_cycles;
    if (d.res_valid.read() && res_ready_.read()) {
      ++stats_.results;
      if (expected_.empty()) {
        ++stats_.score_mismatches;
        report("a result nobody asked for");
      } else {
        const qsq::GridResult want = expected_.front();
        expected_.pop_front();
        bool ok = static_cast<std::uint64_t>(d.res_rows.read()) == want.rows_on;
        for (int r = 0; r < M; ++r)
          if ((want.rows_on >> r) & 1u) ok = ok && row_value(d.res_data.read(), r) == want.values[static_cast<std::size_t>(r)];
        if (!ok) {
          ++stats_.score_mismatches;
          report("result differs from the golden grid model (rows " + std::to_string(want.rows_on) + ")");
        }
      }
    }
    bool advance = !have_current_;
    if (have_current_) {
      if (current_.is_load && wld_valid_.read() && d.wld_ready.read()) {
        golden_.load(current_.load);
        ++stats_.loads;
        advance = true;
      } else if (!current_.is_load && act_valid_.read() && d.act_ready.read()) {
        if (auto r = golden_.beat(current_.beat)) expected_.push_back(*r);
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

  void on_negedge() {
    if (reset_left_ == 0 && !rst_n_.read()) rst_n_.write(true);
    if (reset_left_ == 0 && rst_n_.read() && reset_every_ > 0 && chance(1.0 / reset_every_)) start_reset();
    drive_inputs();
    drive_ready();
  }

  void start_reset() {
    reset_left_ = static_cast<int>(pick(1, 3));
    ++stats_.resets;
    rst_n_.write(false);
    wld_valid_.write(false);
    act_valid_.write(false);
    have_current_ = false;
    gap_left_ = 0;
    golden_.reset();
    expected_.clear();
  }

  void next_transaction() {
    if (chance(0.1)) {
      gap_left_ = static_cast<int>(pick(1, 5));
      return;
    }
    have_current_ = true;
    current_ = Txn{};
    const std::uint64_t all = (M >= 64) ? ~std::uint64_t{0} : (std::uint64_t{1} << M) - 1;
    if (chance(0.15) || golden_.rows_on() == 0) {
      current_.is_load = true;
      qsq::GridLoad& ld = current_.load;
      ld.row = static_cast<int>(pick(0, M - 1));
      ld.rows_on = chance(0.7) ? all : static_cast<std::uint64_t>(pick(0, static_cast<long long>(all)));
      ld.weights.quality = {static_cast<int>(pick(0, G::qmax)), chance(0.5) ? 0 : static_cast<int>(pick(0, W))};
      ld.weights.codebook = static_cast<qsq::CodebookId>(pick(0, qsq::kNumCodebooks - 1));
      ld.weights.bypass = chance(0.125);
      ld.weights.scale = ld.weights.bypass ? 0 : static_cast<std::uint32_t>(pick(0, qsq::max_scale(W)));
      for (int i = 0; i < N; ++i) {
        if (ld.weights.bypass) ld.weights.plain.push_back(static_cast<std::int32_t>(pick(qsq::min_value(W), qsq::max_value(W))));
        else ld.weights.codes.push_back(static_cast<std::uint8_t>(pick(0, (1 << B) - 1)));
      }
      return;
    }
    qsq::GridBeat& b = current_.beat;
    for (int i = 0; i < N; ++i) b.a.push_back(chance(0.3) ? 0 : static_cast<std::int32_t>(pick(qsq::min_value(W), qsq::max_value(W))));
    b.slot = static_cast<int>(pick(0, S - 1));
    b.first = chance(0.2);
    b.last = chance(0.3);
    if (!b.first) {
      try {
        (void)golden_.peek(b);
      } catch (const qsq::Error&) {
        b.first = true;  // a slot of an on row no first beat has started since reset
      }
    }
  }

  void drive_inputs() {
    const bool load = have_current_ && current_.is_load;
    const bool beat = have_current_ && !current_.is_load;
    const bool ghost = load && chance(0.05);  // a load has priority: the ghost beat must never be taken
    wld_valid_.write(load);
    act_valid_.write(beat || ghost);
    if (load) {
      const qsq::GridLoad& ld = current_.load;
      cfg_q_.write(static_cast<port_t<G::q_bits>>(ld.weights.quality.q));
      cfg_p_.write(static_cast<port_t<G::p_bits>>(ld.weights.quality.p));
      cfg_codebook_.write(static_cast<port_t<G::codebook_bits>>(static_cast<int>(ld.weights.codebook)));
      cfg_bypass_.write(ld.weights.bypass);
      wld_row_.write(static_cast<port_t<kRowBits>>(ld.row));
      wld_rows_on_.write(static_cast<port_t<M>>(ld.rows_on));
      std::uint64_t codes = 0, plain = 0;
      for (int i = 0; i < N; ++i) {
        if (ld.weights.bypass) plain = qsq::put_field(plain, i * W, W, static_cast<std::uint64_t>(ld.weights.plain[static_cast<std::size_t>(i)]));
        else codes = qsq::put_field(codes, i * B, B, ld.weights.codes[static_cast<std::size_t>(i)]);
      }
      wld_codes_.write(static_cast<port_t<N * B>>(codes));
      wld_scale_.write(static_cast<port_t<W - 1>>(ld.weights.scale));
      wld_plain_.write(static_cast<port_t<N * W>>(plain));
    }
    if (beat) {
      const qsq::GridBeat& b = current_.beat;
      std::uint64_t data = 0;
      for (int i = 0; i < N; ++i) data = qsq::put_field(data, i * W, W, static_cast<std::uint64_t>(b.a[static_cast<std::size_t>(i)]));
      act_data_.write(static_cast<port_t<N * W>>(data));
      act_slot_.write(static_cast<port_t<kSlotBits>>(b.slot));
      act_first_.write(b.first);
      act_last_.write(b.last);
    } else if (chance(0.3)) {  // activation lines are ignored without a valid
      act_data_.write(static_cast<port_t<N * W>>(qsq::get_field(rng_(), 0, N * W)));
      act_first_.write(chance(0.5));
      act_last_.write(chance(0.5));
    }
  }

  void drive_ready() {
    if (ready_mode_left_-- <= 0) {
      ready_mode_ = static_cast<int>(pick(0, 2));
      ready_mode_left_ = static_cast<int>(pick(20, 200));
    }
    const double p = ready_mode_ == 0 ? 1.0 : ready_mode_ == 1 ? 0.5 : 0.1;
    res_ready_.write(p >= 1.0 || chance(p));
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
    report(s.str());
  }
};

}  // namespace qsq_tb
