// Description: the on-chip shift-and-scale decoder: one b-bit code and the filter's scale S in,
// one W-bit signed weight out, with a shifter, one incrementer (round half up) and a conditional
// negate; no multiplier. Bit-exact to qsq::codebook(id, b).decode(code, S) for all three codebooks
// (model/include/qsq/codebook.hpp defines the bit layout: sign in bit b-1, index m below it).
// Usage:
//   using C = qsq_hls::DefaultConfig;
//   C::weight_t w = qsq_hls::decode_weight<C>(0b110, 100, qsq_hls::kPow2);   // -50
//   qsq_hls::decode_chunk<C>(codes, scale, codebook, weights);             // N lanes at once
#pragma once
#include "qsq_hls_config.hpp"

namespace qsq_hls {

// shr(S, k) = k == 0 ? S : (S + 2^(k-1)) >> k, written as ((S >> (k-1)) + 1) >> 1 so the
// incrementer is only W-1 bits wide. k is at most 2^(b-1) - 1 <= 7.
template <class C>
typename C::scale_t shr_round(typename C::scale_t s, int k) {
  QSQ_HLS_INLINE
  if (k == 0) return s;
  const uint_t<C::width> half = (s >> (k - 1)) + 1;  // one bit wider for the carry
  return half >> 1;
}

template <class C>
typename C::weight_t decode_weight(typename C::code_t code, typename C::scale_t scale,
                                   typename C::codebook_t codebook) {
  QSQ_HLS_INLINE
  constexpr int kMaxIndex = (1 << (C::code_bits - 1)) - 1;  // M
  const bool negative = get_bit(code, C::code_bits - 1);
  const uint_t<C::code_bits - 1> m = code;                   // low bits: the index
  const int k = kMaxIndex - static_cast<int>(m);

  typename C::scale_t magnitude = shr_round<C>(scale, k);
  bool negate = negative;
  if (m == 0 && codebook != kShift) {
    if (codebook == kPow2x && negative) {
      magnitude = shr_round<C>(scale, kMaxIndex);  // spare "-0" pattern: +shr(S, M)
      negate = false;
    } else {
      magnitude = 0;
    }
  }
  const typename C::weight_t w = magnitude;
  return negate ? typename C::weight_t(-w) : w;
}

// The decoder of one weight-load beat: N codes of one filter chunk share that filter's scale.
template <class C>
void decode_chunk(const typename C::code_t codes[C::lanes], typename C::scale_t scale,
                  typename C::codebook_t codebook, typename C::weight_t weights[C::lanes]) {
  QSQ_HLS_LOOP(decode_lanes)
  for (int i = 0; i < C::lanes; ++i) {
    QSQ_HLS_UNROLL
    weights[i] = decode_weight<C>(codes[i], scale, codebook);
  }
}

}  // namespace qsq_hls
