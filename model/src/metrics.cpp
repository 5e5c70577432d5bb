#include "qsq/metrics.hpp"

#include <cmath>
#include <cstdlib>
#include <random>

#include "qsq/csd.hpp"

namespace qsq {

void ErrorAccumulator::add(std::int64_t exact, std::int64_t approx) { add_many(exact, approx, 1); }

void ErrorAccumulator::add_many(std::int64_t exact, std::int64_t approx, std::uint64_t count) {
  if (count == 0) return;
  const std::int64_t err = approx - exact;
  const std::int64_t ae = err < 0 ? -err : err;
  const auto c = static_cast<long double>(count);
  n_ += count;
  sum_abs_ += c * ae;
  sum_sq_ += c * static_cast<long double>(err) * err;
  sum_err_ += c * err;
  if (err != 0) n_err_ += count;
  if (ae > wce_) wce_ = ae;
  if (exact != 0) {
    n_nonzero_ += count;
    sum_rel_ += c * (static_cast<long double>(ae) / std::llabs(exact));
  }
}

double ErrorAccumulator::mae() const { return n_ ? static_cast<double>(sum_abs_ / n_) : 0.0; }
double ErrorAccumulator::mse() const { return n_ ? static_cast<double>(sum_sq_ / n_) : 0.0; }
double ErrorAccumulator::bias() const { return n_ ? static_cast<double>(sum_err_ / n_) : 0.0; }
double ErrorAccumulator::mred() const { return n_nonzero_ ? static_cast<double>(sum_rel_ / n_nonzero_) : 0.0; }
double ErrorAccumulator::ep() const { return n_ ? static_cast<double>(n_err_) / static_cast<double>(n_) : 0.0; }

double average_digits(int width, Quality q) {
  q = resolve_quality(q, width);
  long long sum = 0;
  for (std::int32_t w = min_value(width); w <= max_value(width); ++w) sum += qs_rows(w, q);
  return static_cast<double>(sum) / static_cast<double>(std::int64_t{1} << width);
}

namespace {

// Exhaustive metrics in closed form. For a fixed weight w with d = qs_weight(w) - w, the error
// over all activations a is a*d, so every sum over a factors into d times a sum over a.
// This is O(2^W) per level instead of O(4^W); tests check it against the pair-by-pair loop.
LevelMetrics exhaustive_level(int width, Quality q) {
  const std::int64_t lo = min_value(width), hi = max_value(width);
  long double sum_a = 0, sum_abs_a = 0, sum_a2 = 0;
  for (std::int64_t a = lo; a <= hi; ++a) {
    sum_a += a;
    sum_abs_a += std::llabs(a);
    sum_a2 += static_cast<long double>(a) * a;
  }
  const std::int64_t max_abs_a = -lo;
  const auto n_a = static_cast<std::uint64_t>(hi - lo + 1);
  const std::uint64_t n_a_nonzero = n_a - 1;
  long double s_abs = 0, s_sq = 0, s_err = 0, s_rel = 0;
  std::uint64_t n_err = 0, n_nonzero = 0, digits = 0;
  std::int64_t wce = 0;
  for (std::int64_t w = lo; w <= hi; ++w) {
    const auto wi = static_cast<std::int32_t>(w);
    const std::int64_t d = qs_weight(wi, q) - w;
    const std::int64_t ad = d < 0 ? -d : d;
    digits += static_cast<std::uint64_t>(qs_rows(wi, q));
    s_abs += ad * sum_abs_a;
    s_sq += static_cast<long double>(d) * d * sum_a2;
    s_err += d * sum_a;
    if (ad * max_abs_a > wce) wce = ad * max_abs_a;
    if (d != 0) n_err += n_a_nonzero;
    if (w != 0) {
      n_nonzero += n_a_nonzero;
      s_rel += n_a_nonzero * (static_cast<long double>(ad) / std::llabs(w));
    }
  }
  const long double pairs = static_cast<long double>(n_a) * n_a;
  LevelMetrics m;
  m.quality = q;
  m.mae = static_cast<double>(s_abs / pairs);
  m.mse = static_cast<double>(s_sq / pairs);
  m.bias = static_cast<double>(s_err / pairs);
  m.wce = static_cast<double>(wce);
  m.ep = static_cast<double>(n_err / pairs);
  m.mred = n_nonzero ? static_cast<double>(s_rel / n_nonzero) : 0.0;
  m.avg_digits = static_cast<double>(digits) / static_cast<double>(n_a);
  return m;
}

LevelMetrics sampled_level(int width, Quality q, std::uint64_t seed, std::uint64_t samples) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int32_t> dist(min_value(width), max_value(width));
  ErrorAccumulator acc;
  for (std::uint64_t i = 0; i < samples; ++i) {
    const std::int32_t a = dist(rng), w = dist(rng);
    acc.add(static_cast<std::int64_t>(a) * w, qs_mul(a, w, q));
  }
  LevelMetrics m;
  m.quality = q;
  m.mae = acc.mae();
  m.wce = acc.wce();
  m.mred = acc.mred();
  m.ep = acc.ep();
  m.mse = acc.mse();
  m.bias = acc.bias();
  m.avg_digits = average_digits(width, q);
  return m;
}

}  // namespace

MetricsReport multiplier_metrics(int width, std::span<const Quality> levels, std::uint64_t seed,
                                 std::uint64_t samples) {
  require_range("width", width, limits::kWidthMin, limits::kWidthMax);
  MetricsReport r;
  r.width = width;
  r.is_signed = true;
  r.exhaustive = width <= 12;
  r.seed = seed;
  if (samples == 0) samples = std::uint64_t{1} << 24;
  r.pairs = r.exhaustive ? (std::uint64_t{1} << (2 * width)) : samples;
  for (Quality q : levels) {
    q = resolve_quality(q, width);
    // Every level is sampled with the same seed, so levels are compared on the same pairs.
    r.levels.push_back(r.exhaustive ? exhaustive_level(width, q) : sampled_level(width, q, seed, samples));
  }
  return r;
}

}  // namespace qsq
