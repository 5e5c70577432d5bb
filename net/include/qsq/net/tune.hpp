// Description: per-layer quality tuning. Picks one quality level per layer that minimises the
// estimated inference energy per image, sum over layers of MACs x energy per MAC at the layer's
// level, while the top-1 accuracy on the validation split stays within `budget_points` of the
// all-exact network. Energy per MAC is, by default, the mean number of partial-product rows the
// multiplier uses for the layer's own (static) weights, mean over weights of qs_rows(w, q); an
// energy table (measured energy per MAC per level) replaces it when given.
// Search: greedy; start all exact, repeatedly lower to its next cheaper level the layer whose step
// saves the most energy while the accuracy drop stays within budget; stop when no step fits. Every
// accuracy is a bit-exact evaluation (IntEngine) of the validation images.
// Usage:
//   qsq::net::TuneResult r = qsq::net::tune(engine, validation, {0.5, 2, {}});
#pragma once
#include <map>
#include <vector>

#include "qsq/net/int_engine.hpp"

namespace qsq::net {

struct TuneOptions {
  double budget_points = 0.5;          // allowed top-1 drop in percentage points
  int threads = 2;
  std::map<int, double> energy_per_mac;  // q -> energy per MAC (any unit); empty: partial-product rows
};

struct TuneResult {
  std::vector<Quality> levels;         // chosen level per layer
  double val_acc_exact = 0, val_acc = 0;
  double energy_exact = 0, energy = 0;  // per image, in the unit of the energy model
  std::vector<double> layer_energy;     // per image, per layer, at the chosen level
  int evaluations = 0;
  bool rows_model = true;               // energy = partial-product rows (no table)
};

// Mean partial-product rows per MAC of layer i at level q (mean over its decoded weights).
double mean_rows(const Layer& layer, Quality q);
double layer_energy(const Layer& layer, Quality q, const TuneOptions& o);

TuneResult tune(const IntEngine& engine, const QuantizedInputs& validation, const TuneOptions& o);

}  // namespace qsq::net
