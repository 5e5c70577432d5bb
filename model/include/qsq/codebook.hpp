// Description: shift-and-scale weight codebooks. A b-bit code is a sign bit (bit b-1, 1 means
// negative) and a (b-1)-bit index m (bits b-2..0). With M = 2^(b-1) - 1 and the filter scale S
// (an unsigned (W-1)-bit integer) every level is S shifted right with round-half-up:
//
//     shr(S, k) = k == 0 ? S : (S + 2^(k-1)) >> k      (one incrementer and a shifter, no multiplier)
//
//   pow2  : m = 0 -> 0;  m >= 1 -> shr(S, M - m)                 sign applied by negation
//   shift : every m -> shr(S, M - m)                             no zero level
//   pow2x : as pow2, but the spare pattern (sign = 1, m = 0) decodes to +shr(S, M)
//
// For the default 3-bit pow2 code the magnitudes are 0, S>>2, S>>1, S (rounded).
// Since S <= 2^(W-1) - 1 every decoded weight is a W-bit signed integer.
//
// Usage:
//   const auto& cb = qsq::codebook(qsq::CodebookId::pow2, 3);
//   std::int32_t w = cb.decode(0b110, 100);          // -(100 >> 1) = -50
//   std::uint8_t c = cb.encode_nearest(100, -47.3);  // 0b110
#pragma once
#include <cstdint>
#include <string>

#include "qsq/params.hpp"

namespace qsq {

// Round-half-up right shift of an unsigned scale; the decoder's only arithmetic.
inline constexpr std::uint32_t shr_round(std::uint32_t s, int k) {
  return k == 0 ? s : (s + (std::uint32_t{1} << (k - 1))) >> k;
}

class Codebook {
 public:
  Codebook(CodebookId id, int bits);  // throws Error for bits outside 2..4

  CodebookId id() const { return id_; }
  int bits() const { return bits_; }
  int num_codes() const { return 1 << bits_; }
  std::string name() const;  // e.g. "pow2/3"

  // Bit-exact decoder: code in 0..num_codes()-1, scale in 0..2^(W-1)-1.
  std::int32_t decode(std::uint32_t code, std::uint32_t scale) const;

  // Decoder-aware encoder: the code whose decoded integer is nearest to target (a weight
  // already expressed in integer units). Ties go to the smaller decoded magnitude, then to the
  // lower code value, so encoding is deterministic.
  std::uint8_t encode_nearest(std::uint32_t scale, double target) const;

  // Whether code decodes to zero for every scale.
  bool is_zero_code(std::uint32_t code) const;
  // Whether the codebook can represent zero at all.
  bool has_zero() const { return id_ != CodebookId::shift; }

 private:
  CodebookId id_;
  int bits_;
};

// Shared immutable instances (all codebooks x bits 2..4).
const Codebook& codebook(CodebookId id, int bits);

}  // namespace qsq
