// Description: the Verilated single multiplier `qsq_lane` (W = 8, combinational):
// product = a * qs_weight(w, {q, p}), for exhaustive operand sweeps.
// Usage:
//   qsq::rtlsim::LaneSim lane;                       // W = qsq::defaults::kWidth
//   std::int64_t p = lane.mul(-3, 127, {1, 0});      // -3 * 128
#pragma once
#include <cstdint>
#include <memory>

#include "qsq/params.hpp"

namespace qsq::rtlsim {

class LaneSim {
 public:
  LaneSim();
  ~LaneSim();
  LaneSim(const LaneSim&) = delete;
  LaneSim& operator=(const LaneSim&) = delete;

  int width() const;
  // a and w are W-bit signed values; q = 0 means exact.
  std::int64_t mul(std::int32_t a, std::int32_t w, Quality q);
  std::uint64_t evaluations() const { return evals_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint64_t evals_ = 0;
};

}  // namespace qsq::rtlsim
