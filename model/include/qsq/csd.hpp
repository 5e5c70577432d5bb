// Description: canonic signed digit (CSD, non-adjacent form) recoding and the quality-scalable
// truncation that defines the product of qsq's multiplier, bit-exactly.
// Usage:
//   qsq::Csd d = qsq::csd_encode(127);              // +2^7 - 2^0
//   qsq::Csd t = qsq::csd_truncate(d, {1, 0});      // keeps +2^7  -> value 128
//   std::int64_t y = qsq::qs_mul(a, w, {2, 0});     // a * value(truncate(csd(w)))
//
// Digits are held as two masks: bit i of `pos` set means digit +1 at position i, bit i of `neg`
// means -1. A valid CSD never has both set and never has two adjacent non-zero digits.
#pragma once
#include <cstdint>

#include "qsq/params.hpp"

namespace qsq {

struct Csd {
  std::uint32_t pos = 0;
  std::uint32_t neg = 0;
  bool operator==(const Csd&) const = default;
};

// Non-adjacent form of v (any |v| < 2^30). For a W-bit value every digit lies in 0..W-1.
Csd csd_encode(std::int32_t v);
std::int32_t csd_value(Csd d);
int csd_nonzeros(Csd d);

// Keeps the q most significant non-zero digits (q >= 1), then clears every digit below
// position p. Kept digits can exceed the original magnitude: truncating 127 at q = 1 gives 128,
// so a truncated W-bit weight needs W + 1 bits.
Csd csd_truncate(Csd d, Quality q);

// The quality-scalable weight: value(truncate(csd(w), q)). q must be resolved (q >= 1).
std::int32_t qs_weight(std::int32_t w, Quality q);

// The quality-scalable product a * qs_weight(w, q). Equal to a * w when q is exact and p = 0.
inline std::int64_t qs_mul(std::int32_t a, std::int32_t w, Quality q) {
  return static_cast<std::int64_t>(a) * qs_weight(w, q);
}

// Number of non-zero digits the multiplier actually uses for weight w at level q
// (= csd_nonzeros(truncate(csd(w), q))): its partial-product rows.
int qs_rows(std::int32_t w, Quality q);

}  // namespace qsq
