// Description: stimulus player for a Verilated gate-level netlist, built at run time by the energy
// flow together with the netlist (class Vdut). It reads a qsq-stim file (written by
// qsq::energy::array_stimulus or mult_stimulus, format in docs/energy.md), plays each block with
// the clock low between cycles, zeroes the toggle counts at the start of every block and writes
// them at its end (coverage_<block index>.dat), and checks every array result against the golden
// value carried by the stimulus. One line per block goes to blocks.txt. Bit fields and sign
// extension come from the golden model's qsq/bits.hpp (the build adds model/include).
// Usage: energy_sim STIM_FILE OUT_DIR          (compiled with -DQSQ_DRIVER_ARRAY or -DQSQ_DRIVER_MULT)
#include <cstdint>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "Vdut.h"
#include "qsq/bits.hpp"
#include "verilated.h"
#include "verilated_cov.h"

namespace {

// Writes `width` bits of `value` at bit `pos` of a Verilated port of any width.
template <typename T>
void put_bits(T& port, int pos, int width, std::uint64_t value) {
  if constexpr (std::is_integral_v<T>) {
    port = static_cast<T>(qsq::put_field(static_cast<std::uint64_t>(port), pos, width, value));
  } else {
    qsq::put_bits(port.data(), static_cast<std::size_t>(pos), width, value);
  }
}

// The low `width` bits of a Verilated port of any width.
template <typename T>
std::uint64_t get_bits(const T& port, int width) {
  if constexpr (std::is_integral_v<T>) {
    return qsq::get_field(static_cast<std::uint64_t>(port), 0, width);
  } else {
    return qsq::get_bits(port.data(), 0, width < 64 ? width : 64);
  }
}

struct Block {
  std::string name;
  std::uint64_t cycles = 0, beats = 0, loads = 0, results = 0, mismatches = 0;
  std::string first_mismatch;
};

class Player {
 public:
  Player(VerilatedContext& ctx, Vdut& dut) : ctx_(ctx), dut_(dut) {}

  void cycle_low() { dut_.clk_i = 0; dut_.eval(); }
  // One full clock cycle: inputs were set while the clock is low; rising edge, then back low.
  void edge() {
    dut_.clk_i = 1;
    dut_.eval();
    dut_.clk_i = 0;
    dut_.eval();
    ++blk_.cycles;
  }

  void reset() {
    dut_.rst_ni = 0;
    cycle_low();
    edge();
    edge();
    dut_.rst_ni = 1;
    cycle_low();
  }

  void begin_block(const std::string& name) {
    blk_ = Block{};
    blk_.name = name;
    cycle_low();
    ctx_.coveragep()->zero();
  }

  void end_block(const std::string& out_dir, int index, std::ofstream& log) {
    finish_block();
    ctx_.coveragep()->forcePerInstance(true);
    ctx_.coveragep()->write((out_dir + "/coverage_" + std::to_string(index) + ".dat").c_str());
    log << "block " << index << " " << blk_.name << " cycles " << blk_.cycles << " beats " << blk_.beats << " loads "
        << blk_.loads << " results " << blk_.results << " mismatches " << blk_.mismatches;
    if (!blk_.first_mismatch.empty()) log << " first " << blk_.first_mismatch;
    log << "\n";
    total_mismatches_ += blk_.mismatches;
  }

  std::uint64_t mismatches() const { return total_mismatches_; }

#ifdef QSQ_DRIVER_ARRAY
  int lanes = 0, width = 0, code_bits = 0, acc_width = 0;

  void set_cfg(int q, int p, int codebook, int bypass) {
    dut_.cfg_q_i = q;
    dut_.cfg_p_i = p;
    dut_.cfg_codebook_i = codebook;
    dut_.cfg_bypass_i = bypass;
  }

  // Drives one beat until it transfers, collecting results on the way.
  void load(std::uint64_t scale, const std::vector<std::int64_t>& v, bool plain) {
    dut_.wld_valid_i = 1;
    dut_.act_valid_i = 0;
    if (plain) {
      for (int i = 0; i < lanes; ++i) put_bits(dut_.wld_plain_i, i * width, width, static_cast<std::uint64_t>(v[i]));
    } else {
      put_bits(dut_.wld_scale_i, 0, width - 1, scale);
      for (int i = 0; i < lanes; ++i) put_bits(dut_.wld_codes_i, i * code_bits, code_bits, static_cast<std::uint64_t>(v[i]));
    }
    handshake([&] { return dut_.wld_ready_o != 0; });
    dut_.wld_valid_i = 0;
    ++blk_.loads;
  }

  void act(std::int64_t expect, std::uint64_t psum, const std::vector<std::int64_t>& a) {
    dut_.act_valid_i = 1;
    dut_.wld_valid_i = 0;
    put_bits(dut_.act_psum_i, 0, acc_width, psum);
    for (int i = 0; i < lanes; ++i) put_bits(dut_.act_data_i, i * width, width, static_cast<std::uint64_t>(a[i]));
    expected_.push_back(expect);
    handshake([&] { return dut_.act_ready_o != 0; });
    dut_.act_valid_i = 0;
    ++blk_.beats;
  }

 private:
  std::deque<std::int64_t> expected_;

  void sample_result() {
    if (!dut_.res_valid_o) return;
    std::int64_t got = qsq::sign_extend(get_bits(dut_.res_data_o, acc_width), acc_width);
    ++blk_.results;
    if (expected_.empty()) {
      ++blk_.mismatches;
      if (blk_.first_mismatch.empty()) blk_.first_mismatch = "unexpected_result=" + std::to_string(got);
      return;
    }
    std::int64_t want = expected_.front();
    expected_.pop_front();
    if (got != want) {
      ++blk_.mismatches;
      if (blk_.first_mismatch.empty())
        blk_.first_mismatch = "result#" + std::to_string(blk_.results) + ":got=" + std::to_string(got) + ",want=" +
                              std::to_string(want);
    }
  }

  template <typename Ready>
  void handshake(Ready ready) {
    dut_.res_ready_i = 1;
    for (int guard = 0; guard < 1000; ++guard) {
      dut_.eval();
      bool fire = ready();
      sample_result();  // res_valid_o && res_ready_i transfers at this edge
      edge();
      if (fire) return;
    }
    std::cerr << "energy_sim: handshake timed out\n";
    std::exit(2);
  }

  void finish_block() {
    dut_.wld_valid_i = 0;
    dut_.act_valid_i = 0;
    for (int guard = 0; guard < 1000 && !expected_.empty(); ++guard) {
      dut_.eval();
      sample_result();
      edge();
    }
    if (!expected_.empty()) {
      blk_.mismatches += expected_.size();
      if (blk_.first_mismatch.empty()) blk_.first_mismatch = "missing_results=" + std::to_string(expected_.size());
      expected_.clear();
    }
  }
#endif

#ifdef QSQ_DRIVER_MULT
 public:
  int width = 0;
  std::ofstream* dump = nullptr;
  void mult_cycle(int en_a, int en_b, std::uint64_t a, std::uint64_t b) {
    dut_.en_a_i = en_a;
    dut_.en_b_i = en_b;
    put_bits(dut_.a_i, 0, width, a);
    put_bits(dut_.b_i, 0, width, b);
    dut_.eval();
    edge();
    ++blk_.beats;
    if (dump) *dump << get_bits(dut_.p_o, 2 * width) << "\n";
  }

 private:
  void finish_block() {}
#endif

 private:
  VerilatedContext& ctx_;
  Vdut& dut_;
  Block blk_;
  std::uint64_t total_mismatches_ = 0;
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
  Vdut dut{&ctx};
  Player pl(ctx, dut);
  std::ofstream log(out_dir + "/blocks.txt");
  std::string line, tag;
  int index = -1;
  std::getline(in, line);
  if (line.rfind("qsq-stim 1", 0) != 0) {
    std::cerr << "energy_sim: not a qsq-stim file\n";
    return 2;
  }
#ifdef QSQ_DRIVER_MULT
  std::ofstream dump;
#endif
  pl.reset();
  std::vector<std::int64_t> v;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    ls >> tag;
    if (tag == "block") {
      std::string name;
      ls >> name;
      pl.begin_block(name);
      ++index;
#ifdef QSQ_DRIVER_MULT
      dump.close();
      dump.open(out_dir + "/outputs_" + std::to_string(index) + ".txt");
      pl.dump = &dump;
#endif
    } else if (tag == "end") {
      pl.end_block(out_dir, index, log);
#ifdef QSQ_DRIVER_ARRAY
    } else if (tag == "shape") {
      ls >> pl.lanes >> pl.width >> pl.code_bits >> pl.acc_width;
    } else if (tag == "cfg") {
      int q, p, cb, by;
      ls >> q >> p >> cb >> by;
      pl.set_cfg(q, p, cb, by);
    } else if (tag == "L" || tag == "P") {
      std::uint64_t scale = 0;
      if (tag == "L") ls >> scale;
      v.assign(pl.lanes, 0);
      for (auto& x : v) ls >> x;
      pl.load(scale, v, tag == "P");
    } else if (tag == "A") {
      std::int64_t expect, psum;
      ls >> expect >> psum;
      v.assign(pl.lanes, 0);
      for (auto& x : v) ls >> x;
      pl.act(expect, static_cast<std::uint64_t>(psum), v);
#endif
#ifdef QSQ_DRIVER_MULT
    } else if (tag == "shape") {
      ls >> pl.width;
    } else if (tag == "C") {
      int ea, eb;
      std::int64_t a, b;
      ls >> ea >> eb >> a >> b;
      pl.mult_cycle(ea, eb, static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b));
#endif
    } else {
      std::cerr << "energy_sim: unknown stimulus line: " << line << "\n";
      return 2;
    }
    if (!ls) {
      std::cerr << "energy_sim: malformed stimulus line: " << line << "\n";
      return 2;
    }
  }
  log << "done mismatches " << pl.mismatches() << "\n";
  return 0;
}
