// Description: the golden-model scoreboard of the lock-step testbench. It follows the accepted
// transactions (loads, beats, resets) and predicts every result with the golden model only
// (qsq::codebook decode, qsq::qs_weight, qsq::wrap_acc), never with the HLS C++ the SystemC
// model is built from, so a shared bug cannot hide.
// Usage:
//   qsq_tb::Scoreboard<C> sb(/*exact_lane=*/false);
//   sb.on_load(txn); sb.on_beat(txn); sb.on_reset();
//   if (!sb.on_result(res_bits, &expect)) ...   // false on a mismatch or an unexpected result
#pragma once
#include <cstdint>
#include <deque>
#include <string>

#include "lockstep_stimulus.hpp"
#include "qsq/codebook.hpp"
#include "qsq/csd.hpp"
#include "qsq/params.hpp"
#include "sc_port_types.hpp"

namespace qsq_tb {

template <class C>
class Scoreboard {
 public:
  explicit Scoreboard(bool exact_lane) : exact_lane_(exact_lane) {}

  void on_reset() {
    pending_.clear();
    for (auto& w : weight_) w = 0;  // the bank clears to all-zero weights
    weights_from_ = "reset (all-zero weights)";
  }

  void on_load(const Txn<C>& t) {
    const auto id = t.codebook == 3 ? qsq::CodebookId::pow2 : static_cast<qsq::CodebookId>(t.codebook);
    const qsq::Quality quality = exact_lane_ ? qsq::Quality{qsq::max_digits(C::width), 0}
                                             : qsq::resolve_quality({t.q, t.p}, C::width);
    const auto& cb = qsq::codebook(id, C::code_bits);
    for (int i = 0; i < C::lanes; ++i) {
      const std::int32_t w = t.bypass ? t.plain[i] : cb.decode(t.codes[i], t.scale);
      weight_[i] = qsq::qs_weight(w, quality);
    }
    ++loads_;
    weights_from_ = "q=" + std::to_string(t.q) + " p=" + std::to_string(t.p) + " codebook=" + std::to_string(t.codebook) +
                    (t.bypass ? " bypass" : "") + " weights";
    for (int i = 0; i < C::lanes; ++i) weights_from_ += " " + std::to_string(weight_[i]);
  }

  // Where the held weights came from (for mismatch messages): the load's configuration and the
  // quality-scaled weights the golden model derived from it.
  const std::string& weights_from() const { return weights_from_; }

  void on_beat(const Txn<C>& t) {
    std::int64_t r = t.psum;
    for (int i = 0; i < C::lanes; ++i) r += std::int64_t{t.acts[i]} * weight_[i];
    pending_.push_back(qsq::wrap_acc(r, C::acc_width));
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
    return sign_extend(bits, C::acc_width) == *expect;
  }

  std::size_t in_flight() const { return pending_.size(); }
  long long results() const { return results_; }
  long long loads() const { return loads_; }

 private:
  bool exact_lane_;
  std::int32_t weight_[C::lanes] = {};
  std::deque<std::int64_t> pending_;
  std::string weights_from_ = "reset (all-zero weights)";
  long long results_ = 0, loads_ = 0;
};

}  // namespace qsq_tb
