// Description: the golden-model scoreboard of the lock-step testbench: a thin bridge from the
// accepted port transactions (loads, beats, resets) to the golden transaction model
// (qsq::ArrayModel, qsq/transaction.hpp), which predicts every result. It never uses the HLS C++
// the SystemC model is built from, so a shared bug cannot hide.
// Usage:
//   qsq_tb::Scoreboard<C> sb(/*exact_lane=*/false);
//   sb.on_load(txn); sb.on_beat(txn); sb.on_reset();
//   if (!sb.on_result(res_bits, &expect)) ...   // false on a mismatch or an unexpected result
#pragma once
#include <cstdint>
#include <deque>
#include <string>

#include "lockstep_stimulus.hpp"
#include "qsq/bits.hpp"
#include "qsq/transaction.hpp"

namespace qsq_tb {

template <class C>
class Scoreboard {
 public:
  explicit Scoreboard(bool exact_lane)
      : array_(C::width, C::lanes, C::code_bits, C::acc_width,
               exact_lane ? qsq::LaneKind::exact : qsq::LaneKind::csd) {}

  void on_reset() {
    pending_.clear();
    array_.reset();  // the bank clears to all-zero weights
    weights_from_ = "reset (all-zero weights)";
  }

  void on_load(const Txn<C>& t) {
    qsq::WeightLoad ld;
    ld.quality = {t.q, t.p};  // q = 0 is the RTL's shorthand for exact
    // The 2-bit codebook field: 3 decodes as pow2.
    ld.codebook = t.codebook == 3 ? qsq::CodebookId::pow2 : static_cast<qsq::CodebookId>(t.codebook);
    ld.bypass = t.bypass;
    if (t.bypass) ld.plain.assign(t.plain, t.plain + C::lanes);
    else ld.codes.assign(t.codes, t.codes + C::lanes);
    ld.scale = t.scale;
    array_.load(ld);
    ++loads_;
    weights_from_ = "q=" + std::to_string(t.q) + " p=" + std::to_string(t.p) + " codebook=" + std::to_string(t.codebook) +
                    (t.bypass ? " bypass" : "") + " weights";
    for (auto w : array_.held()) {
      weights_from_ += ' ';
      weights_from_ += std::to_string(w);
    }
  }

  // Where the held weights came from (for mismatch messages): the load's configuration and the
  // quality-scaled weights the golden model derived from it.
  const std::string& weights_from() const { return weights_from_; }

  void on_beat(const Txn<C>& t) {
    qsq::DotBeat beat;
    beat.a.assign(t.acts, t.acts + C::lanes);
    beat.psum = t.psum;
    pending_.push_back(array_.dot(beat));
  }

  // A result transferred with raw port bits `bits`. Returns false on a mismatch or when no
  // result was expected; *expect receives the prediction (0 if none).
  bool on_result(std::uint64_t bits, std::int64_t* expect) {
    ++results_;
    if (pending_.empty()) {
      *expect = 0;
      return false;
    }
    *expect = pending_.front();
    pending_.pop_front();
    return qsq::sign_extend(bits, C::acc_width) == *expect;
  }

  std::size_t in_flight() const { return pending_.size(); }
  long long results() const { return results_; }
  long long loads() const { return loads_; }

 private:
  qsq::ArrayModel array_;
  std::deque<std::int64_t> pending_;
  std::string weights_from_ = "reset (all-zero weights)";
  long long results_ = 0, loads_ = 0;
};

}  // namespace qsq_tb
