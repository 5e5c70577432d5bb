// Description: the load-time CSD recoder. A W-bit weight becomes its non-adjacent form as two
// position-indexed masks (pos: digit +1, neg: digit -1), then the quality mask is applied: keep
// the q most significant non-zero digits, then clear every digit below position p. Bit-identical
// to qsq::csd_truncate(qsq::csd_encode(w), {q, p}). Run once per weight load, never per multiply.
// Usage:
//   using C = qsq_hls::DefaultConfig;
//   qsq_hls::LaneDigits<C> d = qsq_hls::recode_weight<C>(127, /*q=*/1, /*p=*/0);  // pos = 1 << 7
#pragma once
#include "qsq_hls_config.hpp"

namespace qsq_hls {

template <class C>
struct LaneDigits {
  typename C::digits_t pos = 0;  // bit i: digit +1 at position i
  typename C::digits_t neg = 0;  // bit i: digit -1 at position i
};

// Non-adjacent form without a loop-carried digit chain: with t = 3w and z = t ^ w, digit i is
// non-zero where bit i+1 of z is set, positive where t has that bit, negative where w has it.
// W + 3 bits hold 3w for every W-bit w; for a W-bit input every digit lies in 0..W-1.
template <class C>
LaneDigits<C> csd_encode(typename C::weight_t w) {
  QSQ_HLS_INLINE
  const int_t<C::width + 3> x = w;
  const int_t<C::width + 3> t = x + (x << 1);
  const int_t<C::width + 3> z = t ^ x;
  LaneDigits<C> d;
  d.pos = (t & z) >> 1;
  d.neg = (x & z) >> 1;
  return d;
}

// Keeps the q most significant non-zero digits (a prefix count from the top position), then
// drops every digit below position p. q = 0 means exact (every digit kept), as the RTL's
// cfg_q_i and qsq::resolve_quality define it.
template <class C>
LaneDigits<C> quality_mask(LaneDigits<C> d, typename C::q_t q, typename C::p_t p) {
  QSQ_HLS_INLINE
  LaneDigits<C> out;
  typename C::p_t seen = 0;  // non-zero digits above the current position (at most W, as a position)
  QSQ_HLS_LOOP(mask_positions)
  for (int i = C::width - 1; i >= 0; --i) {
    QSQ_HLS_UNROLL
    const bool nonzero = get_bit(d.pos, i) || get_bit(d.neg, i);
    const bool keep = nonzero && (q == 0 || seen < q) && i >= static_cast<int>(p);
    if (nonzero) seen += 1;
    set_bit(out.pos, i, keep && get_bit(d.pos, i));
    set_bit(out.neg, i, keep && get_bit(d.neg, i));
  }
  return out;
}

template <class C>
LaneDigits<C> recode_weight(typename C::weight_t w, typename C::q_t q, typename C::p_t p) {
  QSQ_HLS_INLINE
  return quality_mask<C>(csd_encode<C>(w), q, p);
}

// Value of a digit pattern (W + 1 bits: truncation can round 2^W - 1 up to 2^W).
template <class C>
typename C::qsw_t digits_value(const LaneDigits<C>& d) {
  typename C::qsw_t v = 0;
  QSQ_HLS_LOOP(digit_value)
  for (int i = 0; i < C::width; ++i) {
    QSQ_HLS_UNROLL
    if (get_bit(d.pos, i)) v += (1LL << i);
    if (get_bit(d.neg, i)) v -= (1LL << i);
  }
  return v;
}

}  // namespace qsq_hls
