// Description: the top function of the qsq array in HLS C++: one call is one accepted beat,
// either a weight load (decode or bypass, then CSD-recode with the q/p mask, held in the lanes'
// state) or an activation beat (N-lane dot product with the partial sum against the held
// digits). Weight-stationary: loads recode once, dot products only read the held digits.
// Usage:
//   using C = qsq_hls::DefaultConfig;
//   qsq_hls::ArrayState<C> st;                       // the lanes' weight registers
//   qsq_hls::ArrayCfg<C> cfg{4, 0, qsq_hls::kPow2, false};
//   qsq_hls::load_weights<C>(cfg, codes, scale, plain, st);
//   C::acc_t r = qsq_hls::accumulate<C>(st, acts, psum);
//   // or, as one synthesizable top: qsq_hls::qsq_array_top<C>(beat, st)
#pragma once
#include "qsq_hls_config.hpp"
#include "qsq_hls_decoder.hpp"
#include "qsq_hls_dot.hpp"
#include "qsq_hls_recoder.hpp"

namespace qsq_hls {

// Run-time configuration, sampled at each weight load (the RTL's cfg_*_i ports).
template <class C>
struct ArrayCfg {
  typename C::q_t q = C::qmax;      // 1..qmax; 0 also means exact
  typename C::p_t p = 0;            // digits below p dropped
  typename C::codebook_t codebook = kPow2;  // an unused id decodes as pow2, as in the RTL
  bool bypass = false;              // plain W-bit weights, decoder bypassed
};

// The weights held in the lanes: quality-masked digit patterns, one per lane.
template <class C>
struct ArrayState {
  LaneDigits<C> lane[C::lanes];
};

template <class C>
void load_weights(const ArrayCfg<C>& cfg, const typename C::code_t codes[C::lanes],
                  typename C::scale_t scale, const typename C::weight_t plain[C::lanes],
                  ArrayState<C>& state) {
  typename C::weight_t decoded[C::lanes];
  QSQ_HLS_PARTITION(decoded)
  decode_chunk<C>(codes, scale, cfg.codebook, decoded);
  QSQ_HLS_LOOP(load_lanes)
  for (int i = 0; i < C::lanes; ++i) {
    QSQ_HLS_UNROLL
    const typename C::weight_t w = cfg.bypass ? plain[i] : decoded[i];
    state.lane[i] = recode_weight<C>(w, cfg.q, cfg.p);
  }
}

template <class C>
typename C::acc_t accumulate(const ArrayState<C>& state, const typename C::act_t acts[C::lanes],
                             typename C::acc_t psum) {
  return dot_product<C>(acts, state.lane, psum);
}

// One beat as the array's ports carry it (unpacked into lanes).
template <class C>
struct Beat {
  bool is_load = false;
  ArrayCfg<C> cfg;
  typename C::code_t codes[C::lanes] = {};
  typename C::scale_t scale = 0;
  typename C::weight_t plain[C::lanes] = {};
  typename C::act_t acts[C::lanes] = {};
  typename C::acc_t psum = 0;
};

// Synthesizable top (hls4ml style: one configuration struct as template parameter). `state`
// is the weight register bank; the Vitis wrapper in scripts/vitis makes it a static. Returns
// the result of an activation beat, 0 for a load.
template <class C>
typename C::acc_t qsq_array_top(const Beat<C>& beat, ArrayState<C>& state) {
  QSQ_HLS_PIPELINE
  QSQ_HLS_PARTITION(state.lane)
  if (beat.is_load) {
    load_weights<C>(beat.cfg, beat.codes, beat.scale, beat.plain, state);
    return 0;
  }
  return accumulate<C>(state, beat.acts, beat.psum);
}

}  // namespace qsq_hls
