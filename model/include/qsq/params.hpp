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
#include "qsq/defaults.hpp"
#include "qsq/error.hpp"

namespace qsq {

// Shift-and-scale codebooks (see codebook.hpp for the bit-level decoding of each).
enum class CodebookId : std::uint8_t {
  pow2 = 0,   // sign + magnitude m: 0, S>>(M-1), ..., S>>1, S   (default; the spare "-0" decodes to 0)
  shift = 1,  // sign + shift e: S>>M, ..., S>>1, S                (no zero level)
  pow2x = 2,  // pow2, with the spare "-0" pattern spent on +(S>>M)
};
inline constexpr int kNumCodebooks = 3;

std::string_view codebook_name(CodebookId id);
// Parses "pow2" | "shift" | "pow2x"; throws Error naming the accepted values otherwise.
CodebookId parse_codebook(std::string_view name);

// Quality level of the quality-scalable multiplier. q in 1..max_digits(W) keeps the q most
// significant non-zero CSD digits of the weight (q = max_digits(W) is exact); then every digit
// below position p is dropped (p = 0 drops nothing).
struct Quality {
  int q = 0;  // 0 is shorthand for "exact" (max_digits(W)); resolve() replaces it
  int p = 0;
  bool operator==(const Quality&) const = default;
};

// Largest number of non-zero CSD (non-adjacent form) digits of any W-bit two's complement
// value: Qmax. 4 for W = 8. Computed by enumeration, cached.
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
