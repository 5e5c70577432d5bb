// Description: the 2-D grid (rtl/qsq_grid.sv) in HLS C++, following the golden grid model
// (qsq::GridModel, model/include/qsq/grid.hpp): M rows of the array's lanes, each row with its own
// held CSD digits (loaded one row at a time through the one decoder and recoder: load_weights)
// and Slots in-place accumulators; a beat's N activations are broadcast to every row. A row that
// holds no filter does nothing. One call of qsq_grid_top is one accepted transfer.
//   LOAD  row r <- load_weights(cfg, codes, scale, plain); on[] <- rows_on
//   BEAT  every on row: v = dot_product(acts, digits[r], first ? 0 : acc[r][slot]) (wrapped to AccW);
//         last: out[r] = v, else acc[r][slot] = v
// Usage:
//   using G = qsq_hls::GridSmallConfig;               // or GridArrayConfig<W, N, b, AccW, M, S>
//   qsq_hls::GridState<G> st;
//   qsq_hls::GridBeat<G> t;  t.is_load = true;  t.row = 1;  t.rows_on[1] = true;  ...
//   qsq_hls::GridOut<G> out;
//   bool has_result = qsq_hls::qsq_grid_top<G>(t, st, out);   // out.value[r], out.on[r]
#pragma once
#include "qsq_hls_array.hpp"

namespace qsq_hls {

template <class G>
struct GridState {
  ArrayState<G> row[G::rows];                       // each row's weight bank
  typename G::acc_t acc[G::rows][G::slots] = {};    // the in-place accumulators
  bool on[G::rows] = {};                            // rows that hold a filter (all off after reset)
};

// One transfer as the grid's ports carry it.
template <class G>
struct GridBeat {
  bool is_load = false;
  // load
  ArrayCfg<G> cfg;
  int row = 0;
  bool rows_on[G::rows] = {};
  typename G::code_t codes[G::lanes] = {};
  typename G::scale_t scale = 0;
  typename G::weight_t plain[G::lanes] = {};
  // beat
  typename G::act_t acts[G::lanes] = {};
  int slot = 0;
  bool first = false, last = false;
};

template <class G>
struct GridOut {
  typename G::acc_t value[G::rows] = {};
  bool on[G::rows] = {};
};

template <class G>
void grid_load(const GridBeat<G>& t, GridState<G>& st) {
  QSQ_HLS_INLINE
  QSQ_HLS_LOOP(grid_load_rows)
  for (int r = 0; r < G::rows; ++r) {
    QSQ_HLS_UNROLL
    if (r == t.row) load_weights<G>(t.cfg, t.codes, t.scale, t.plain, st.row[r]);  // a row select, not an index
    st.on[r] = t.rows_on[r];
  }
}

// Returns true for a last beat, whose values are in `out`.
template <class G>
bool grid_beat(const GridBeat<G>& t, GridState<G>& st, GridOut<G>& out) {
  QSQ_HLS_INLINE
  QSQ_HLS_LOOP(grid_rows)
  for (int r = 0; r < G::rows; ++r) {
    QSQ_HLS_UNROLL
    out.on[r] = st.on[r];
    out.value[r] = 0;
    if (!st.on[r]) continue;
    const typename G::acc_t start = t.first ? typename G::acc_t(0) : st.acc[r][t.slot];
    const typename G::acc_t v = accumulate<G>(st.row[r], t.acts, start);
    if (t.last) out.value[r] = v;
    else st.acc[r][t.slot] = v;
  }
  return t.last;
}

// Synthesizable top: one accepted load or beat per call.
template <class G>
bool qsq_grid_top(const GridBeat<G>& t, GridState<G>& st, GridOut<G>& out) {
  QSQ_HLS_PIPELINE
  QSQ_HLS_PARTITION(st.row)
  QSQ_HLS_PARTITION(st.on)
  if (t.is_load) {
    grid_load<G>(t, st);
    return false;
  }
  return grid_beat<G>(t, st, out);
}

}  // namespace qsq_hls
