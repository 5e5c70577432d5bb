// Description: the qsq-stim player shared by the energy flow's two gate-level simulators: the
// Verilated zero-delay netlist (energy_driver.cpp) and the SDF-timed event simulator
// (src/timed_player.cpp). It reads a qsq-stim file (written by qsq::energy::array_stimulus,
// grid_stimulus or mult_stimulus, format in docs/energy.md), plays each block cycle by cycle
// through the valid/ready handshakes, checks every array or grid result against the golden values
// the stimulus carries, and reports one line per block. The simulator is a `Dut` with:
//   void put(Port, int pos, int width, uint64_t value);  uint64_t get(Out, int pos, int width);
//   void settle();        // inputs set: let the combinational outputs settle (clock low)
//   void edge();          // one rising and falling clock edge
//   void begin_block(const std::string& name);  void end_block(int index);
// Inputs are put at the start of a cycle (after the previous edge), outputs are read at its end:
// a put after a get in the same cycle is not done.
// Header-only and free of qsq libraries (it is compiled into each Verilated simulator with
// nothing but the golden model's qsq/bits.hpp).
// Usage:
//   MyDut dut;  std::ofstream log(dir + "/blocks.txt");
//   int rc = qsq::stim::play(stim_stream, dut, log, qsq::stim::Kind::array);
#pragma once
#include <cstdint>
#include <deque>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "qsq/bits.hpp"

namespace qsq::stim {

enum class Kind { array, mult, grid };
// The input and output ports of the qsq_array, qsq_grid and multiplier-wrapper interfaces.
enum class Port { clk, rst_n, cfg_q, cfg_p, cfg_codebook, cfg_bypass, wld_valid, wld_scale, wld_codes, wld_plain,
                  act_valid, act_psum, act_data, res_ready, en_a, en_b, a, b,
                  wld_row, wld_rows_on, act_slot, act_first, act_last };
enum class Out { wld_ready, act_ready, res_valid, res_data, p, res_rows };

inline const char* port_name(Port p) {
  static const char* names[] = {"clk_i", "rst_ni", "cfg_q_i", "cfg_p_i", "cfg_codebook_i", "cfg_bypass_i",
                                "wld_valid_i", "wld_scale_i", "wld_codes_i", "wld_plain_i", "act_valid_i",
                                "act_psum_i", "act_data_i", "res_ready_i", "en_a_i", "en_b_i", "a_i", "b_i",
                                "wld_row_i", "wld_rows_on_i", "act_slot_i", "act_first_i", "act_last_i"};
  return names[static_cast<int>(p)];
}
inline const char* out_name(Out o) {
  static const char* names[] = {"wld_ready_o", "act_ready_o", "res_valid_o", "res_data_o", "p_o", "res_rows_o"};
  return names[static_cast<int>(o)];
}

struct BlockStats {
  std::string name;
  std::uint64_t cycles = 0, beats = 0, loads = 0, results = 0, mismatches = 0;
  std::string first_mismatch;
};

template <class Dut>
class Player {
 public:
  Player(Dut& dut, Kind kind) : dut_(dut), kind_(kind) {}

  int lanes = 0, width = 0, code_bits = 0, acc_width = 0, rows = 0;  // rows: the grid's M
  std::ostream* dump = nullptr;  // multiplier products, one per cycle

  void edge() {
    dut_.edge();
    ++blk_.cycles;
  }

  void reset() {
    dut_.put(Port::clk, 0, 1, 0);
    dut_.put(Port::rst_n, 0, 1, 0);
    dut_.settle();
    edge();
    edge();
    dut_.put(Port::rst_n, 0, 1, 1);
    dut_.settle();
  }

  void begin_block(const std::string& name) {
    blk_ = BlockStats{};
    blk_.name = name;
    dut_.begin_block(name);
  }

  void end_block(int index, std::ostream& log) {
    if (kind_ != Kind::mult) finish_block();
    dut_.end_block(index);
    log << "block " << index << " " << blk_.name << " cycles " << blk_.cycles << " beats " << blk_.beats << " loads "
        << blk_.loads << " results " << blk_.results << " mismatches " << blk_.mismatches;
    if (!blk_.first_mismatch.empty()) log << " first " << blk_.first_mismatch;
    log << "\n";
    total_mismatches_ += blk_.mismatches;
  }

  std::uint64_t mismatches() const { return total_mismatches_; }

  void set_cfg(int q, int p, int codebook, int bypass) {
    dut_.put(Port::cfg_q, 0, 32, static_cast<std::uint64_t>(q));
    dut_.put(Port::cfg_p, 0, 32, static_cast<std::uint64_t>(p));
    dut_.put(Port::cfg_codebook, 0, 32, static_cast<std::uint64_t>(codebook));
    dut_.put(Port::cfg_bypass, 0, 1, static_cast<std::uint64_t>(bypass));
  }

  // Drives one weight load until it transfers, collecting results on the way. A grid load also
  // names its row and the rows that hold a filter.
  bool load(std::uint64_t scale, const std::vector<std::int64_t>& v, bool plain, int row = 0, std::uint64_t rows_on = 0) {
    dut_.put(Port::wld_valid, 0, 1, 1);
    dut_.put(Port::act_valid, 0, 1, 0);
    if (kind_ == Kind::grid) {
      dut_.put(Port::wld_row, 0, 32, static_cast<std::uint64_t>(row));
      dut_.put(Port::wld_rows_on, 0, rows, rows_on);
    }
    if (plain) {
      for (int i = 0; i < lanes; ++i) dut_.put(Port::wld_plain, i * width, width, static_cast<std::uint64_t>(v[i]));
    } else {
      dut_.put(Port::wld_scale, 0, width - 1, scale);
      for (int i = 0; i < lanes; ++i) dut_.put(Port::wld_codes, i * code_bits, code_bits, static_cast<std::uint64_t>(v[i]));
    }
    if (!handshake(Out::wld_ready)) return false;
    dut_.put(Port::wld_valid, 0, 1, 0);
    ++blk_.loads;
    return true;
  }

  bool act(std::int64_t expect, std::uint64_t psum, const std::vector<std::int64_t>& a) {
    dut_.put(Port::act_valid, 0, 1, 1);
    dut_.put(Port::wld_valid, 0, 1, 0);
    dut_.put(Port::act_psum, 0, acc_width, psum);
    for (int i = 0; i < lanes; ++i) dut_.put(Port::act_data, i * width, width, static_cast<std::uint64_t>(a[i]));
    expected_.push_back({{expect}, 1});
    if (!handshake(Out::act_ready)) return false;
    dut_.put(Port::act_valid, 0, 1, 0);
    ++blk_.beats;
    return true;
  }

  // One grid beat, broadcast to every row; a last beat expects one result: the values of the rows
  // in `rows_on` (the others are undefined).
  bool grid_beat(int slot, bool first, bool last, const std::vector<std::int64_t>& a, std::uint64_t rows_on,
                 const std::vector<std::int64_t>& expect) {
    dut_.put(Port::act_valid, 0, 1, 1);
    dut_.put(Port::wld_valid, 0, 1, 0);
    dut_.put(Port::act_slot, 0, 32, static_cast<std::uint64_t>(slot));
    dut_.put(Port::act_first, 0, 1, first ? 1 : 0);
    dut_.put(Port::act_last, 0, 1, last ? 1 : 0);
    for (int i = 0; i < lanes; ++i) dut_.put(Port::act_data, i * width, width, static_cast<std::uint64_t>(a[i]));
    if (last) expected_.push_back({expect, rows_on});
    if (!handshake(Out::act_ready)) return false;
    dut_.put(Port::act_valid, 0, 1, 0);
    ++blk_.beats;
    return true;
  }

  void mult_cycle(int en_a, int en_b, std::uint64_t a, std::uint64_t b) {
    dut_.put(Port::en_a, 0, 1, static_cast<std::uint64_t>(en_a));
    dut_.put(Port::en_b, 0, 1, static_cast<std::uint64_t>(en_b));
    dut_.put(Port::a, 0, width, a);
    dut_.put(Port::b, 0, width, b);
    dut_.settle();
    edge();
    ++blk_.beats;
    if (dump) *dump << dut_.get(Out::p, 0, 2 * width) << "\n";
  }

 private:
  Dut& dut_;
  Kind kind_;
  BlockStats blk_;
  std::uint64_t total_mismatches_ = 0;
  // An expected result: one value (array) or one per grid row, of the rows in `rows` (bit r).
  struct Expected {
    std::vector<std::int64_t> values;
    std::uint64_t rows = 1;
  };
  std::deque<Expected> expected_;

  void mismatch(const std::string& what) {
    ++blk_.mismatches;
    if (blk_.first_mismatch.empty()) blk_.first_mismatch = "result#" + std::to_string(blk_.results) + ":" + what;
  }

  void sample_result() {
    if (!dut_.get(Out::res_valid, 0, 1)) return;
    ++blk_.results;
    if (expected_.empty()) {
      mismatch("unexpected_result");
      return;
    }
    const Expected want = expected_.front();
    expected_.pop_front();
    if (kind_ != Kind::grid) {
      const std::int64_t got = qsq::sign_extend(dut_.get(Out::res_data, 0, acc_width), acc_width);
      if (got != want.values[0]) mismatch("got=" + std::to_string(got) + ",want=" + std::to_string(want.values[0]));
      return;
    }
    const std::uint64_t got_rows = dut_.get(Out::res_rows, 0, rows);
    if (got_rows != want.rows) mismatch("rows_on got=" + std::to_string(got_rows) + ",want=" + std::to_string(want.rows));
    for (int r = 0; r < rows; ++r) {
      if (!((want.rows >> r) & 1U)) continue;
      const std::int64_t got = qsq::sign_extend(dut_.get(Out::res_data, r * acc_width, acc_width), acc_width);
      if (got != want.values[static_cast<std::size_t>(r)])
        mismatch("row" + std::to_string(r) + ":got=" + std::to_string(got) + ",want=" + std::to_string(want.values[static_cast<std::size_t>(r)]));
    }
  }

  bool handshake(Out ready) {
    dut_.put(Port::res_ready, 0, 1, 1);
    for (int guard = 0; guard < 1000; ++guard) {
      dut_.settle();
      const bool fire = dut_.get(ready, 0, 1) != 0;
      sample_result();  // res_valid_o && res_ready_i transfers at this edge
      edge();
      if (fire) return true;
    }
    return false;
  }

  void finish_block() {
    dut_.put(Port::wld_valid, 0, 1, 0);
    dut_.put(Port::act_valid, 0, 1, 0);
    for (int guard = 0; guard < 1000 && !expected_.empty(); ++guard) {
      dut_.settle();
      sample_result();
      edge();
    }
    if (!expected_.empty()) {
      blk_.mismatches += expected_.size();
      if (blk_.first_mismatch.empty()) blk_.first_mismatch = "missing_results=" + std::to_string(expected_.size());
      expected_.clear();
    }
  }
};

// Plays a whole qsq-stim stream; returns 0, or 2 after printing the problem to `err`.
// `open_dump(index)` gives the stream for a multiplier block's products (may return nullptr).
template <class Dut, class OpenDump>
int play(std::istream& in, Dut& dut, Kind kind, std::ostream& log, std::ostream& err, OpenDump open_dump) {
  Player<Dut> pl(dut, kind);
  std::string line, tag;
  int index = -1;
  std::getline(in, line);
  if (line.rfind("qsq-stim 1", 0) != 0) {
    err << "energy_sim: not a qsq-stim file\n";
    return 2;
  }
  pl.reset();
  std::vector<std::int64_t> v;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    ls >> tag;
    bool ok = true;
    if (tag == "block") {
      std::string name;
      ls >> name;
      pl.begin_block(name);
      ++index;
      if (kind == Kind::mult) pl.dump = open_dump(index);
    } else if (tag == "end") {
      pl.end_block(index, log);
    } else if (tag == "shape" && kind == Kind::array) {
      ls >> pl.lanes >> pl.width >> pl.code_bits >> pl.acc_width;
    } else if (tag == "shape" && kind == Kind::grid) {
      ls >> pl.rows >> pl.lanes >> pl.width >> pl.code_bits >> pl.acc_width;
      if (pl.rows < 1 || pl.rows > 64) {
        err << "energy_sim: grid rows out of range 1..64: " << line << "\n";
        return 2;
      }
    } else if (tag == "shape") {
      ls >> pl.width;
    } else if (tag == "cfg" && kind != Kind::mult) {
      int q, p, cb, by;
      ls >> q >> p >> cb >> by;
      pl.set_cfg(q, p, cb, by);
    } else if ((tag == "L" || tag == "P") && kind == Kind::array) {
      std::uint64_t scale = 0;
      if (tag == "L") ls >> scale;
      v.assign(static_cast<size_t>(pl.lanes), 0);
      for (auto& x : v) ls >> x;
      ok = pl.load(scale, v, tag == "P");
    } else if (tag == "A" && kind == Kind::array) {
      std::int64_t expect, psum;
      ls >> expect >> psum;
      v.assign(static_cast<size_t>(pl.lanes), 0);
      for (auto& x : v) ls >> x;
      ok = pl.act(expect, static_cast<std::uint64_t>(psum), v);
    } else if ((tag == "G" || tag == "GP") && kind == Kind::grid) {
      int row = 0;
      std::uint64_t rows_on = 0, scale = 0;
      ls >> row >> rows_on;
      if (tag == "G") ls >> scale;
      v.assign(static_cast<size_t>(pl.lanes), 0);
      for (auto& x : v) ls >> x;
      ok = pl.load(scale, v, tag == "GP", row, rows_on);
    } else if (tag == "B" && kind == Kind::grid) {
      int slot = 0, first = 0, last = 0;
      ls >> slot >> first >> last;
      v.assign(static_cast<size_t>(pl.lanes), 0);
      for (auto& x : v) ls >> x;
      std::uint64_t rows_on = 0;
      std::vector<std::int64_t> expect;
      if (last) {
        ls >> rows_on;
        expect.assign(static_cast<size_t>(pl.rows), 0);
        for (auto& x : expect) ls >> x;
      }
      ok = pl.grid_beat(slot, first != 0, last != 0, v, rows_on, expect);
    } else if (tag == "C" && kind == Kind::mult) {
      int ea, eb;
      std::int64_t a, b;
      ls >> ea >> eb >> a >> b;
      pl.mult_cycle(ea, eb, static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b));
    } else {
      err << "energy_sim: unknown stimulus line: " << line << "\n";
      return 2;
    }
    if (!ok) {
      err << "energy_sim: handshake timed out\n";
      return 2;
    }
    if (!ls) {
      err << "energy_sim: malformed stimulus line: " << line << "\n";
      return 2;
    }
  }
  log << "done mismatches " << pl.mismatches() << "\n";
  return 0;
}

}  // namespace qsq::stim
