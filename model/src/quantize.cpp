#include "qsq/quantize.hpp"

#include <algorithm>
#include <cmath>

namespace qsq {

std::string_view scale_method_name(ScaleMethod m) { return m == ScaleMethod::max_abs ? "max" : "search"; }

ScaleMethod parse_scale_method(std::string_view name) {
  if (name == "max") return ScaleMethod::max_abs;
  if (name == "search") return ScaleMethod::search;
  throw Error("unknown scale method '" + std::string(name) + "' (expected max or search)");
}

std::vector<std::int32_t> QuantizedWeights::decoded() const {
  const Codebook& cb = qsq::codebook(codebook, code_bits);
  std::vector<std::int32_t> out(codes.size());
  const std::size_t per = scales.empty() ? 0 : codes.size() / scales.size();
  for (std::size_t i = 0; i < codes.size(); ++i) out[i] = cb.decode(codes[i], scales[i / per]);
  return out;
}

int choose_exponent(std::span<const float> w, int width) {
  double mx = 0;
  for (float x : w) mx = std::max(mx, std::fabs(static_cast<double>(x)));
  if (mx == 0 || !std::isfinite(mx)) return 0;
  const double limit = static_cast<double>(max_scale(width));
  int e = 64;
  while (e > -64 && std::nearbyint(std::ldexp(mx, e)) > limit) --e;
  return e;
}

PlainWeights quantize_plain(std::span<const float> w, int width) {
  require_range("width", width, limits::kWidthMin, limits::kWidthMax);
  PlainWeights p;
  p.exponent = choose_exponent(w, width);
  p.values.reserve(w.size());
  for (float x : w)
    p.values.push_back(static_cast<std::int32_t>(std::clamp<double>(
        std::nearbyint(std::ldexp(static_cast<double>(x), p.exponent)), min_value(width), max_value(width))));
  return p;
}

namespace {

double filter_error(const Codebook& cb, std::span<const double> t, std::uint32_t s) {
  double err = 0;
  for (double x : t) {
    const double d = cb.decode(cb.encode_nearest(s, x), s) - x;
    err += d * d;
  }
  return err;
}

}  // namespace

std::uint32_t search_scale(const Codebook& cb, std::span<const double> targets, std::uint32_t max_s) {
  double mx = 0;
  for (double x : targets) mx = std::max(mx, std::fabs(x));
  const auto hi = std::min<std::uint32_t>(max_s, static_cast<std::uint32_t>(std::ceil(mx)));
  if (hi == 0) return 0;
  // Clipping below max|w| trades a larger error on the few largest weights for finer levels
  // on the many small ones. Candidates: every integer in [hi/4, hi] when that is at most 512
  // values, else 512 evenly spaced ones refined by a local scan around the best.
  const std::uint32_t lo = std::max<std::uint32_t>(1, hi / 4);
  const std::uint32_t span = hi - lo + 1;
  const std::uint32_t step = span <= 512 ? 1 : span / 512;
  std::uint32_t best = hi;
  double best_err = filter_error(cb, targets, hi);
  for (std::uint32_t s = lo; s <= hi; s += step) {
    const double e = filter_error(cb, targets, s);
    if (e < best_err) best_err = e, best = s;
  }
  if (step > 1) {
    const std::uint32_t a = best > lo + step ? best - step : lo, b = std::min(hi, best + step);
    for (std::uint32_t s = a; s <= b; ++s) {
      const double e = filter_error(cb, targets, s);
      if (e < best_err) best_err = e, best = s;
    }
  }
  return best;
}

QuantizedWeights quantize_weights(std::span<const float> w, int filters, const Params& params,
                                  ScaleMethod method) {
  params.validate();
  if (filters <= 0 || w.size() % static_cast<std::size_t>(filters) != 0)
    throw Error("quantize: " + std::to_string(w.size()) + " weights do not split into " +
                std::to_string(filters) + " equal filters");
  for (float x : w)
    if (!std::isfinite(x)) throw Error("quantize: weight tensor contains a non-finite value");
  const Codebook& cb = codebook(params.codebook, params.code_bits);
  QuantizedWeights q;
  q.codebook = params.codebook;
  q.code_bits = params.code_bits;
  q.exponent = choose_exponent(w, params.width);
  const std::size_t per = w.size() / static_cast<std::size_t>(filters);
  q.codes.resize(w.size());
  q.scales.resize(static_cast<std::size_t>(filters));
  std::vector<double> t(per);
  for (int f = 0; f < filters; ++f) {
    double mx = 0;
    for (std::size_t i = 0; i < per; ++i) {
      t[i] = std::ldexp(static_cast<double>(w[f * per + i]), q.exponent);
      mx = std::max(mx, std::fabs(t[i]));
    }
    std::uint32_t s = std::min<std::uint32_t>(max_scale(params.width),
                                              static_cast<std::uint32_t>(std::nearbyint(mx)));
    if (method == ScaleMethod::search) s = search_scale(cb, t, max_scale(params.width));
    q.scales[f] = s;
    for (std::size_t i = 0; i < per; ++i) q.codes[f * per + i] = cb.encode_nearest(s, t[i]);
  }
  return q;
}

QuantStats quant_stats(std::span<const float> w, const QuantizedWeights& q) {
  QuantStats st;
  if (w.empty()) return st;
  const auto dec = q.decoded();
  double sq = 0, ref = 0;
  std::size_t z0 = 0, z1 = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    z0 += w[i] == 0.0f;
    z1 += dec[i] == 0;
    const double d = std::ldexp(static_cast<double>(dec[i]), -q.exponent) - w[i];
    sq += d * d;
    ref += static_cast<double>(w[i]) * w[i];
  }
  const double n = static_cast<double>(w.size());
  st.zeros_before = z0 / n;
  st.zeros_after = z1 / n;
  st.mse = sq / n;
  st.rel_rmse = ref > 0 ? std::sqrt(sq / ref) : 0;
  return st;
}

}  // namespace qsq
