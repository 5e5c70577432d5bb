// Description: directed check of the "Pipeline timing diagram" and the reset rules of
// docs/hardware.md, cycle by cycle, against the SystemC model and (separately) the Verilated RTL:
// a load, five beats, one stall cycle; then a reset, after which a beat without a load must return
// its psum. The expected table is transcribed from the document, the expected data from the
// golden transaction model, so this checks each description against the contract, not against
// each other. The 2-D grid (grid presets) follows the same diagram when every beat is the first
// and the last of its slot (docs/hardware.md: "Timing: two stages as qsq_array"): the load writes
// row 0 with every row on, each result is the M-wide qsq::GridModel result, and after the reset
// every row is off, so the beat without a load returns a result of no rows.
// Usage: qsq_contract_check [--preset default|small|grid-small|grid] [--target model|rtl]   (exit 1 on a deviation)
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include <systemc>

#include "qsq/bits.hpp"
#include "qsq/contract.hpp"
#include "qsq/grid.hpp"
#include "qsq/transaction.hpp"
#include "qsq_array_model.hpp"
#include "qsq_grid_model.hpp"
#include "qsq_hls_config.hpp"
#include "sc_port_types.hpp"

#include "Vqsq_array_default.h"
#include "Vqsq_array_small.h"
#include "Vqsq_grid_grid.h"
#include "Vqsq_grid_grid_small.h"

namespace {

using qsq_sc::port_t;
using qsq_sc::wide_port_t;

// A grid configuration (qsq_hls::GridArrayConfig) has rows; the array's has not.
template <class C>
constexpr bool kIsGrid = requires { C::rows; };

// The ports that differ between qsq_array (psum in, one AccW result) and qsq_grid (row, row mask,
// slot and flags in, M AccW results and the rows that hold a filter).
template <class C, bool Grid = kIsGrid<C>>
struct TopSignals {
  sc_core::sc_signal<port_t<C::acc_width>> act_psum, res_data;
  template <class Dut>
  void bind(Dut& d) {
    d.act_psum_i(act_psum);
    d.res_data_o(res_data);
  }
};
template <class C>
struct TopSignals<C, true> {
  using Model = qsq_sc::QsqGridModel<C>;
  sc_core::sc_signal<port_t<Model::kRowBits>> wld_row;
  sc_core::sc_signal<port_t<C::rows>> wld_rows_on, res_rows;
  sc_core::sc_signal<port_t<Model::kSlotBits>> act_slot;
  sc_core::sc_signal<bool> act_first, act_last;
  sc_core::sc_signal<wide_port_t<C::rows * C::acc_width>> res_data;
  template <class Dut>
  void bind(Dut& d) {
    d.wld_row_i(wld_row);
    d.wld_rows_on_i(wld_rows_on);
    d.act_slot_i(act_slot);
    d.act_first_i(act_first);
    d.act_last_i(act_last);
    d.res_data_o(res_data);
    d.res_rows_o(res_rows);
  }
};

// One row of the diagram: inputs of the cycle and the outputs expected just before its rising
// edge. beat / result index into B0..B4 / R0..R4; -1 is "-" in the document.
struct Row {
  bool wld_valid, act_valid, res_ready;
  int beat;
  bool wld_ready, act_ready, res_valid;
  int result;
};
// cycle:              0  1  2  3  4  5  6  7  8   (docs/hardware.md, "Pipeline timing diagram")
const std::vector<Row> kDiagram = {
    {true, false, true, -1, true, false, false, -1},   // 0
    {false, true, true, 0, true, true, false, -1},     // 1
    {false, true, true, 1, true, true, false, -1},     // 2
    {false, true, true, 2, true, true, true, 0},       // 3
    {false, true, true, 3, true, true, true, 1},       // 4
    {false, true, false, 4, false, false, true, 2},    // 5
    {false, true, true, 4, true, true, true, 2},       // 6
    {false, false, true, -1, true, true, true, 3},     // 7
    {false, false, true, -1, true, true, true, 4},     // 8
};

template <class C, class Dut>
class ContractBench : public sc_core::sc_module {
  static constexpr int W = C::width, N = C::lanes, B = C::code_bits, A = C::acc_width;
  static constexpr bool kGrid = kIsGrid<C>;

 public:
  SC_HAS_PROCESS(ContractBench);
  explicit ContractBench(sc_core::sc_module_name name) : sc_core::sc_module(name), dut_("dut") {
    dut_.clk_i(clk_); dut_.rst_ni(rst_n_);
    dut_.cfg_q_i(cfg_q_); dut_.cfg_p_i(cfg_p_); dut_.cfg_codebook_i(cfg_codebook_); dut_.cfg_bypass_i(cfg_bypass_);
    dut_.wld_valid_i(wld_valid_); dut_.wld_ready_o(wld_ready_); dut_.wld_codes_i(wld_codes_);
    dut_.wld_scale_i(wld_scale_); dut_.wld_plain_i(wld_plain_);
    dut_.act_valid_i(act_valid_); dut_.act_ready_o(act_ready_); dut_.act_data_i(act_data_);
    dut_.res_valid_o(res_valid_); dut_.res_ready_i(res_ready_);
    top_.bind(dut_);
    make_stimulus();
    SC_THREAD(run);
  }
  int errors = 0;

 private:
  Dut dut_;
  sc_core::sc_signal<bool> clk_{"clk"}, rst_n_{"rst_n"}, cfg_bypass_, wld_valid_, act_valid_, res_ready_;
  sc_core::sc_signal<bool> wld_ready_, act_ready_, res_valid_;
  sc_core::sc_signal<port_t<C::q_bits>> cfg_q_;
  sc_core::sc_signal<port_t<C::p_bits>> cfg_p_;
  sc_core::sc_signal<port_t<C::codebook_bits>> cfg_codebook_;
  sc_core::sc_signal<port_t<N * B>> wld_codes_;
  sc_core::sc_signal<port_t<W - 1>> wld_scale_;
  sc_core::sc_signal<port_t<N * W>> wld_plain_, act_data_;
  TopSignals<C> top_;

  std::uint64_t codes_word_ = 0, beats_[5] = {};
  std::int64_t psum_[5] = {}, result_[5] = {};
  std::vector<qsq::GridResult> grid_result_ = std::vector<qsq::GridResult>(5);  // grid: R0..R4
  const sc_core::sc_time half_{5, sc_core::SC_NS};

  void make_stimulus() {
    std::mt19937_64 rng(C::width * 100 + C::lanes);
    qsq::WeightLoad load;  // pow2 codes at a truncating level, so a wrong quality path shows
    load.quality = {2, 1};
    load.scale = qsq::max_scale(W) - 2;
    for (int i = 0; i < N; ++i) {
      load.codes.push_back(static_cast<std::uint8_t>(rng() % (1u << B)));
      codes_word_ = qsq::put_field(codes_word_, i * B, B, load.codes.back());
    }
    cfg_q_.write(load.quality.q); cfg_p_.write(load.quality.p); cfg_codebook_.write(0); cfg_bypass_.write(false);
    wld_codes_.write(static_cast<port_t<N * B>>(codes_word_));
    wld_scale_.write(load.scale);
    // The expected data: the golden transaction model.
    qsq::ArrayModel golden(W, N, B, A);
    golden.load(load);
    std::vector<std::vector<std::int32_t>> acts;
    for (int k = 0; k < 5; ++k) {
      qsq::DotBeat beat;
      beat.psum = psum_[k] = static_cast<std::int64_t>(rng() % 100000) - 50000;
      for (int i = 0; i < N; ++i) {
        beat.a.push_back(static_cast<std::int32_t>(rng() % (1u << W)) + qsq::min_value(W));
        beats_[k] = qsq::put_field(beats_[k], i * W, W, beat.a.back());
      }
      result_[k] = golden.dot(beat);
      acts.push_back(beat.a);
    }
    if constexpr (kGrid) {  // row 0 loaded, every row on; every beat the first and last of slot 0
      const std::uint64_t all = C::rows >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << C::rows) - 1;
      qsq::GridModel grid_golden(C::grid_shape);
      grid_golden.load({0, all, load});
      for (int k = 0; k < 5; ++k)
        grid_result_[static_cast<std::size_t>(k)] = *grid_golden.beat({acts[static_cast<std::size_t>(k)], 0, true, true});
      top_.wld_row.write(0);
      top_.wld_rows_on.write(static_cast<port_t<C::rows>>(all));
      top_.act_slot.write(0);
      top_.act_first.write(true);
      top_.act_last.write(true);
    }
  }

  // The result port against R<k> (the array: res_data_o; the grid: res_rows_o and every row's value).
  void check_result(int cycle, int k) {
    if constexpr (kGrid) {
      const qsq::GridResult& want = grid_result_[static_cast<std::size_t>(k)];
      check(cycle, "res_rows_o", static_cast<long long>(top_.res_rows.read()), static_cast<long long>(want.rows_on));
      const auto words = qsq_sc::words_of_port<C::rows * A>(top_.res_data.read());
      for (int r = 0; r < C::rows; ++r) {
        std::uint64_t v = 0;
        for (int b = 0; b < A; ++b) {
          const int at = r * A + b;
          if ((words[static_cast<std::size_t>(at / 32)] >> (at % 32)) & 1u) v |= std::uint64_t{1} << b;
        }
        check(cycle, "res_data_o (a row)", qsq::sign_extend(v, A), want.values[static_cast<std::size_t>(r)]);
      }
    } else {
      check(cycle, "res_data_o", qsq::sign_extend(top_.res_data.read(), A), result_[k]);
    }
  }
  void write_psum(int k) {
    if constexpr (!kGrid) top_.act_psum.write(static_cast<port_t<A>>(qsq::to_field(k >= 0 ? psum_[k] : 0, A)));
  }

  void check(int cycle, const char* what, long long got, long long expect) {
    if (got == expect) return;
    ++errors;
    std::cout << "  cycle " << cycle << ": " << what << " = " << got << ", the contract says " << expect << "\n";
  }

  void edge(bool rising) {
    wait(half_);
    clk_.write(rising);
  }

  void run() {
    rst_n_.write(false);
    edge(false); edge(true); edge(false); edge(true);
    rst_n_.write(true);  // released at a falling edge
    for (std::size_t c = 0; c < kDiagram.size(); ++c) {
      const Row& r = kDiagram[c];
      edge(false);  // inputs of cycle c
      wld_valid_.write(r.wld_valid);
      act_valid_.write(r.act_valid);
      res_ready_.write(r.res_ready);
      act_data_.write(static_cast<port_t<N * W>>(r.beat >= 0 ? beats_[r.beat] : 0));
      write_psum(r.beat);
      wait(half_ / 2);  // just before the rising edge that ends cycle c
      const int ci = static_cast<int>(c);
      check(ci, "wld_ready_o", wld_ready_.read(), r.wld_ready);
      check(ci, "act_ready_o", act_ready_.read(), r.act_ready);
      check(ci, "res_valid_o", res_valid_.read(), r.res_valid);
      if (r.result >= 0) check_result(ci, r.result);
      wait(half_ - half_ / 2);
      clk_.write(true);
    }
    // Reset mid-stream: a beat in flight is dropped, the bank clears (result = psum), readies high.
    edge(false);
    act_valid_.write(true);
    act_data_.write(static_cast<port_t<N * W>>(beats_[0]));
    write_psum(0);
    edge(true);  // accepted
    edge(false);
    act_valid_.write(false);
    rst_n_.write(false);  // asynchronous: between edges
    wait(half_ / 2);
    check(100, "res_valid_o right after reset", res_valid_.read(), 0);
    check(100, "wld_ready_o in reset", wld_ready_.read(), 1);
    wait(half_ - half_ / 2);
    clk_.write(true);
    edge(false);
    rst_n_.write(true);
    act_valid_.write(true);  // a beat, no load since the reset
    write_psum(1);
    wait(half_ / 2);
    check(101, "act_ready_o after reset", act_ready_.read(), 1);
    check(101, "res_valid_o after reset", res_valid_.read(), 0);
    wait(half_ - half_ / 2);
    clk_.write(true);  // accepted
    edge(false);
    act_valid_.write(false);
    edge(true);  // S1 -> S2
    edge(false);
    wait(half_ / 2);
    check(103, "res_valid_o of the beat after reset", res_valid_.read(), 1);
    if constexpr (kGrid) {
      check(103, "res_rows_o of the beat after reset (every row off)", static_cast<long long>(top_.res_rows.read()), 0);
    } else {
      check(103, "res_data_o of the beat after reset (zero weights: psum)", qsq::sign_extend(top_.res_data.read(), A), psum_[1]);
    }
    sc_core::sc_stop();
  }
};

template <class C, class Dut>
int check(const std::string& label) {
  ContractBench<C, Dut> tb("tb");
  sc_core::sc_start();
  std::cout << "qsq_contract_check: " << label << ": " << (tb.errors == 0 ? "follows" : "DEPARTS FROM")
            << " the timing diagram and reset rules of docs/hardware.md (" << tb.errors << " deviations)\n";
  return tb.errors == 0 ? 0 : 1;
}

// One preset: its SystemC model or its Verilated RTL.
template <class C, class Model, class Rtl>
int check_preset(bool model, const std::string& preset) {
  return model ? check<C, Model>("SystemC model, " + preset) : check<C, Rtl>("Verilated RTL, " + preset);
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  const char* usage = "Usage: qsq_contract_check [--preset default|small|grid-small|grid] [--target model|rtl]\n";
  std::string preset = "default", target = "model";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--preset" && i + 1 < argc) preset = argv[++i];
    else if (a == "--target" && i + 1 < argc) target = argv[++i];
    else if (a == "-h" || a == "--help") {
      std::cout << usage
                << "Checks the SystemC model or the Verilated RTL cycle by cycle against the pipeline timing\n"
                   "diagram and the reset rules of docs/hardware.md (the grid presets: every beat the first and\n"
                   "last of its slot). Exit status 1 on any deviation.\n";
      return 0;
    } else {
      std::cerr << "qsq_contract_check: error: unknown argument '" << a << "' (see --help)\n";
      return 1;
    }
  }
  if (target != "model" && target != "rtl") {
    std::cerr << "qsq_contract_check: error: --target must be model or rtl\n";
    return 1;
  }
  if (preset == "grid-large") {
    std::cerr << "qsq_contract_check: error: grid-large has 128-bit activation ports (sc_bv), which the SystemC models "
                 "do not take yet; use grid or grid-small\n";
    return 1;
  }
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  const bool model = target == "model";
  using namespace qsq_hls;
  if (preset == "default") return check_preset<DefaultConfig, qsq_sc::QsqArrayModel<DefaultConfig>, Vqsq_array_default>(model, preset);
  if (preset == "small") return check_preset<SmallConfig, qsq_sc::QsqArrayModel<SmallConfig>, Vqsq_array_small>(model, preset);
  if (preset == "grid-small")
    return check_preset<GridSmallConfig, qsq_sc::QsqGridModel<GridSmallConfig>, Vqsq_grid_grid_small>(model, preset);
  if (preset == "grid") return check_preset<GridConfig, qsq_sc::QsqGridModel<GridConfig>, Vqsq_grid_grid>(model, preset);
  std::cerr << "qsq_contract_check: error: unknown preset '" << preset << "' (default, small, grid-small, grid)\n";
  return 1;
}

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
