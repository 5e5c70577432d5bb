// Description: the synthesis top for Vitis HLS / Catapult (compiled natively by CI in the
// ctest hls.csim_tb; the HLS tools are not run by CI): the default
// preset of the qsq array, one call per accepted beat, the weight bank held in a static.
// Usage: vitis_hls -f run_hls.tcl   (from hls/scripts/vitis)
#include "qsq_hls_array.hpp"

using Config = qsq_hls::DefaultConfig;

Config::acc_t qsq_array_top_default(const qsq_hls::Beat<Config>& beat) {
#if defined(QSQ_HLS_VITIS)
#pragma HLS INTERFACE mode = ap_ctrl_none port = return
#pragma HLS AGGREGATE variable = beat
#endif
  static qsq_hls::ArrayState<Config> bank;  // the weight registers: written only by loads
  return qsq_hls::qsq_array_top<Config>(beat, bank);
}
