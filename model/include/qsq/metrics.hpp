// Description: error metrics of an approximate multiplier against the exact product.
// Definitions (over every operand pair considered; all in absolute product units unless noted):
//   mae  = mean |approx - exact|            wce  = max |approx - exact|
//   mse  = mean (approx - exact)^2          bias = mean (approx - exact)
//   mred = mean |approx - exact| / |exact| over the pairs with exact != 0 (a fraction)
//   ep   = fraction of pairs with approx != exact
//   avg_digits = mean number of non-zero CSD digits the multiplier uses, over every W-bit weight
// Usage:
//   auto r = qsq::multiplier_metrics(8, qsq::all_levels(8), 1, 0);  // exhaustive for W <= 12
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "qsq/params.hpp"
#include "qsq/transaction.hpp"  // all_levels()

namespace qsq {

// Streaming accumulator of the definitions above (for any multiplier, e.g. a user's netlist).
class ErrorAccumulator {
 public:
  void add(std::int64_t exact, std::int64_t approx);
  // Adds `count` pairs that share |exact| and error (used by closed-form sweeps).
  void add_many(std::int64_t exact, std::int64_t approx, std::uint64_t count);
  std::uint64_t pairs() const { return n_; }
  double mae() const;
  double wce() const { return static_cast<double>(wce_); }
  double mse() const;
  double bias() const;
  double mred() const;
  double ep() const;

 private:
  std::uint64_t n_ = 0, n_nonzero_ = 0, n_err_ = 0;
  long double sum_abs_ = 0, sum_sq_ = 0, sum_err_ = 0, sum_rel_ = 0;
  std::int64_t wce_ = 0;
};

struct LevelMetrics {
  Quality quality;
  double mae = 0, wce = 0, mred = 0, ep = 0, mse = 0, bias = 0, avg_digits = 0;
};

struct MetricsReport {
  int width = 8;
  bool is_signed = true;
  bool exhaustive = true;    // all 2^(2W) pairs
  std::uint64_t pairs = 0;   // pairs per level
  std::uint64_t seed = 0;    // sampling seed (meaningful when !exhaustive)
  std::vector<LevelMetrics> levels;
};

// Exhaustive for width <= 12; above that `samples` pairs (default 2^24 when 0) drawn uniformly
// with std::mt19937_64(seed). Signed W-bit activations and weights.
MetricsReport multiplier_metrics(int width, std::span<const Quality> levels, std::uint64_t seed,
                                 std::uint64_t samples);

// Mean number of non-zero digits used over every W-bit weight value at level q.
double average_digits(int width, Quality q);

}  // namespace qsq
