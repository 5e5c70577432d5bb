// Description: the datapath of the array: the lane product (activation times the lane's held,
// quality-masked CSD digits: one fixed-shift row per digit position, an AND with the digit
// enable and a conditional negate, no multiplier) and the N-lane dot product with the partial
// sum, wrapped to AccW bits exactly as qsq::wrap_acc does.
// Usage:
//   using C = qsq_hls::DefaultConfig;
//   C::prod_t y = qsq_hls::lane_product<C>(a, digits);            // a * qs_weight(w, {q, p})
//   C::acc_t r = qsq_hls::dot_product<C>(acts, lane_digits, psum); // wrap(psum + sum_i a_i w_i)
#pragma once
#include "qsq_hls_config.hpp"
#include "qsq_hls_recoder.hpp"

namespace qsq_hls {

template <class C>
typename C::prod_t lane_product(typename C::act_t a, const LaneDigits<C>& d) {
  QSQ_HLS_INLINE
  typename C::prod_t sum = 0;
  QSQ_HLS_LOOP(lane_rows)
  for (int i = 0; i < C::width; ++i) {
    QSQ_HLS_UNROLL
    const typename C::prod_t row = static_cast<long long>(a) * (1LL << i);  // fixed shift: wiring only
    if (get_bit(d.pos, i)) sum += row;
    if (get_bit(d.neg, i)) sum -= row;
  }
  return sum;
}

// Modular accumulation: every partial sum is kept in AccW bits, which gives the same result as
// summing exactly and wrapping once (the golden model's definition), in any adder order.
template <class C>
typename C::acc_t dot_product(const typename C::act_t acts[C::lanes],
                              const LaneDigits<C> digits[C::lanes], typename C::acc_t psum) {
  QSQ_HLS_INLINE
  typename C::acc_t acc = psum;
  QSQ_HLS_LOOP(dot_lanes)
  for (int i = 0; i < C::lanes; ++i) {
    QSQ_HLS_UNROLL
    acc += lane_product<C>(acts[i], digits[i]);
  }
  return acc;
}

}  // namespace qsq_hls
