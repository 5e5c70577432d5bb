// The weight-load bus that ArraySim and GridSim drive the same way (stream_driver.hpp).
#include "qsq/rtlsim/stream_driver.hpp"

#include "qsq/bits.hpp"

namespace qsq::rtlsim {

LoadBus load_bus(const WeightLoad& ld, const Geometry& g) {
  const int n = g.lanes, w = g.width;
  const contract::Range qr = g.q_range(), pr = g.p_port_range();  // what the RTL defines
  require_range("quality level q", ld.quality.q, qr.lo, qr.hi);
  require_range("drop position p", ld.quality.p, pr.lo, pr.hi);
  require_range("scale", ld.scale, 0, max_scale(w));
  LoadBus b;
  b.cfg_q = static_cast<unsigned>(ld.quality.q);
  b.cfg_p = static_cast<unsigned>(ld.quality.p);
  b.cfg_codebook = static_cast<unsigned>(ld.codebook);
  b.cfg_bypass = ld.bypass;
  b.wld_scale = ld.scale;
  std::vector<std::int32_t> codes(static_cast<std::size_t>(n), 0), plain(static_cast<std::size_t>(n), 0);
  if (ld.bypass) {
    if (static_cast<int>(ld.plain.size()) != n) throw Error("bypass load needs one plain weight per lane");
    for (int i = 0; i < n; ++i) {
      require_range("plain weight", ld.plain[static_cast<std::size_t>(i)], min_value(w), max_value(w));
      plain[static_cast<std::size_t>(i)] = ld.plain[static_cast<std::size_t>(i)];
    }
  } else {
    if (static_cast<int>(ld.codes.size()) != n) throw Error("weight load needs one code per lane");
    for (int i = 0; i < n; ++i) {
      require_range("weight code", ld.codes[static_cast<std::size_t>(i)], 0, (1 << g.code_bits) - 1);
      codes[static_cast<std::size_t>(i)] = ld.codes[static_cast<std::size_t>(i)];
    }
  }
  b.wld_codes = pack_lanes(codes, g.code_bits);
  b.wld_plain = pack_lanes(plain, w);
  return b;
}

}  // namespace qsq::rtlsim
