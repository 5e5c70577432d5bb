// Description: the zero-delay back end of the stimulus player (stim_player.hpp): a Verilated
// gate-level netlist (class Vdut), built at run time by the energy flow together with the
// netlist. Toggle counts are zeroed at the start of every block and written at its end
// (coverage_<block index>.dat); one line per block goes to blocks.txt.
// Usage: energy_sim STIM_FILE OUT_DIR   (compiled with -DQSQ_DRIVER_ARRAY, -DQSQ_DRIVER_GRID or -DQSQ_DRIVER_MULT)
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <type_traits>

#include "Vdut.h"
#include "qsq/bits.hpp"
#include "stim_player.hpp"
#include "verilated.h"
#include "verilated_cov.h"

namespace {

using qsq::stim::Out;
using qsq::stim::Port;

// Writes `width` bits of `value` at bit `pos` of a Verilated port of any width.
template <typename T>
void put_bits(T& port, int pos, int width, std::uint64_t value) {
  if constexpr (std::is_integral_v<T>) {
    port = static_cast<T>(qsq::put_field(static_cast<std::uint64_t>(port), pos, width, value));
  } else {
    qsq::put_bits(port.data(), static_cast<std::size_t>(pos), width, value);
  }
}

// `width` bits (at most 64) at bit `pos` of a Verilated port of any width.
template <typename T>
std::uint64_t get_bits(const T& port, int pos, int width) {
  if constexpr (std::is_integral_v<T>) {
    return qsq::get_field(static_cast<std::uint64_t>(port), pos, width);
  } else {
    return qsq::get_bits(port.data(), static_cast<std::size_t>(pos), width < 64 ? width : 64);
  }
}

class VerilatedDut {
 public:
  VerilatedDut(VerilatedContext& ctx, Vdut& dut, std::string out_dir) : ctx_(ctx), dut_(dut), out_dir_(std::move(out_dir)) {}

  void put(Port p, int pos, int width, std::uint64_t v) {
    // Configuration values come as 32-bit fields: clip them to the port's own width.
    auto narrow = [&](auto& port) { put_bits(port, pos, std::min<int>(width, 8 * sizeof(port)), v); };
    switch (p) {
      case Port::clk: narrow(dut_.clk_i); break;
      case Port::rst_n: narrow(dut_.rst_ni); break;
#if defined(QSQ_DRIVER_ARRAY) || defined(QSQ_DRIVER_GRID)
      case Port::cfg_q: narrow(dut_.cfg_q_i); break;
      case Port::cfg_p: narrow(dut_.cfg_p_i); break;
      case Port::cfg_codebook: narrow(dut_.cfg_codebook_i); break;
      case Port::cfg_bypass: narrow(dut_.cfg_bypass_i); break;
      case Port::wld_valid: narrow(dut_.wld_valid_i); break;
      case Port::wld_scale: put_bits(dut_.wld_scale_i, pos, width, v); break;
      case Port::wld_codes: put_bits(dut_.wld_codes_i, pos, width, v); break;
      case Port::wld_plain: put_bits(dut_.wld_plain_i, pos, width, v); break;
      case Port::act_valid: narrow(dut_.act_valid_i); break;
      case Port::act_data: put_bits(dut_.act_data_i, pos, width, v); break;
      case Port::res_ready: narrow(dut_.res_ready_i); break;
#endif
#ifdef QSQ_DRIVER_ARRAY
      case Port::act_psum: put_bits(dut_.act_psum_i, pos, width, v); break;
#endif
#ifdef QSQ_DRIVER_GRID
      case Port::wld_row: narrow(dut_.wld_row_i); break;
      case Port::wld_rows_on: put_bits(dut_.wld_rows_on_i, pos, width, v); break;
      case Port::act_slot: narrow(dut_.act_slot_i); break;
      case Port::act_first: narrow(dut_.act_first_i); break;
      case Port::act_last: narrow(dut_.act_last_i); break;
#endif
#ifdef QSQ_DRIVER_MULT
      case Port::en_a: narrow(dut_.en_a_i); break;
      case Port::en_b: narrow(dut_.en_b_i); break;
      case Port::a: put_bits(dut_.a_i, pos, width, v); break;
      case Port::b: put_bits(dut_.b_i, pos, width, v); break;
#endif
      default: std::cerr << "energy_sim: port " << qsq::stim::port_name(p) << " is not on this design\n"; std::exit(2);
    }
  }

  std::uint64_t get(Out o, int pos, int width) const {
    switch (o) {
#if defined(QSQ_DRIVER_ARRAY) || defined(QSQ_DRIVER_GRID)
      case Out::wld_ready: return dut_.wld_ready_o;
      case Out::act_ready: return dut_.act_ready_o;
      case Out::res_valid: return dut_.res_valid_o;
      case Out::res_data: return get_bits(dut_.res_data_o, pos, width);
#endif
#ifdef QSQ_DRIVER_GRID
      case Out::res_rows: return get_bits(dut_.res_rows_o, pos, width);
#endif
#ifdef QSQ_DRIVER_MULT
      case Out::p: return get_bits(dut_.p_o, pos, width);
#endif
      default: std::cerr << "energy_sim: output " << qsq::stim::out_name(o) << " is not on this design\n"; std::exit(2);
    }
  }

  void settle() { dut_.eval(); }
  void edge() {
    dut_.clk_i = 1;
    dut_.eval();
    dut_.clk_i = 0;
    dut_.eval();
  }
  void begin_block(const std::string&) {
    dut_.clk_i = 0;
    dut_.eval();
    ctx_.coveragep()->zero();
  }
  void end_block(int index) {
    ctx_.coveragep()->forcePerInstance(true);
    ctx_.coveragep()->write((out_dir_ + "/coverage_" + std::to_string(index) + ".dat").c_str());
  }

 private:
  VerilatedContext& ctx_;
  Vdut& dut_;
  std::string out_dir_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: energy_sim STIM_FILE OUT_DIR\n";
    return 2;
  }
  const std::string out_dir = argv[2];
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "energy_sim: cannot open " << argv[1] << "\n";
    return 2;
  }
  VerilatedContext ctx;
  Vdut vdut{&ctx};
  VerilatedDut dut(ctx, vdut, out_dir);
  std::ofstream log(out_dir + "/blocks.txt");
  std::unique_ptr<std::ofstream> dump;
#if defined(QSQ_DRIVER_ARRAY)
  const auto kind = qsq::stim::Kind::array;
#elif defined(QSQ_DRIVER_GRID)
  const auto kind = qsq::stim::Kind::grid;
#else
  const auto kind = qsq::stim::Kind::mult;
#endif
  return qsq::stim::play(in, dut, kind, log, std::cerr, [&](int index) -> std::ostream* {
    dump = std::make_unique<std::ofstream>(out_dir + "/outputs_" + std::to_string(index) + ".txt");
    return dump.get();
  });
}
