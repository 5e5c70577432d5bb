// Description: run-time parameters of the arithmetic (operand width, code width, codebook,
// accumulator width, quality level), validated in one place.
// Usage:
//   qsq::Params p;            // W = 8, 3-bit pow2 codes, 32-bit accumulator
//   p.width = 5; p.validate(); // throws qsq::Error on anything out of range
//   qsq::Quality q{2, 0};      // keep the 2 most significant CSD digits, drop nothing below
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "qsq/bits.hpp"
#include "qsq/contract.hpp"
#include "qsq/error.hpp"

namespace qsq {

// Shift-and-scale codebooks: qsq::CodebookId and kNumCodebooks are part of the hardware contract
// (qsq/contract.hpp, generated from config/params.json); codebook.hpp has the decoding of each.
std::string_view codebook_name(CodebookId id);
// Parses "pow2" | "shift" | "pow2x"; throws Error naming the accepted values otherwise.
CodebookId parse_codebook(std::string_view name);

// Quality level of the quality-scalable multiplier. q in 1..max_digits(W) keeps the q most
// significant non-zero CSD digits of the weight (q = max_digits(W) is exact); then every digit
// below position p is dropped (p in 0..W-1; 0 drops nothing). The ranges are the contract's
// (contract::q_range, contract::p_range).
struct Quality {
  int q = 0;  // 0 is shorthand for "exact" (max_digits(W)); resolve() replaces it
  int p = 0;
  bool operator==(const Quality&) const = default;
};

// Largest number of non-zero CSD (non-adjacent form) digits of any W-bit two's complement
// value: Qmax (contract::qmax), 4 for W = 8. Throws Error for a width outside the limits.
int max_digits(int width);

struct Params {
  int width = defaults::kWidth;          // W, 4..16
  int code_bits = defaults::kCodeBits;   // 2..4
  CodebookId codebook = CodebookId::pow2;
  int acc_width = defaults::kAccWidth;   // AccW, 8..48
  Quality quality{};                     // q = 0 means exact

  void validate() const;                 // throws Error
  Quality resolved_quality() const;      // q = 0 -> max_digits(width)
};

// Validates a quality level against a width; q = 0 is accepted and means exact.
void validate_quality(const Quality& q, int width);
Quality resolve_quality(const Quality& q, int width);

// Range of a W-bit two's complement value.
inline constexpr std::int32_t min_value(int width) { return -(std::int32_t{1} << (width - 1)); }
inline constexpr std::int32_t max_value(int width) { return (std::int32_t{1} << (width - 1)) - 1; }
// Largest filter scale: a (W-1)-bit unsigned integer.
inline constexpr std::uint32_t max_scale(int width) { return (std::uint32_t{1} << (width - 1)) - 1; }

// Wraps v to an AccW-bit two's complement value (the accumulator's modular arithmetic).
inline constexpr std::int64_t wrap_acc(std::int64_t v, int acc_width) {
  return sign_extend(static_cast<std::uint64_t>(v), acc_width);
}

}  // namespace qsq
