// Description: greedy per-layer quality tuning (see tune.hpp).
#include "qsq/net/tune.hpp"

#include "qsq/csd.hpp"
#include "qsq/error.hpp"
#include "qsq/transaction.hpp"

namespace qsq::net {

double mean_rows(const Layer& layer, Quality q) {
  const auto w = layer.decoded_weights();
  if (w.empty()) return 0.0;
  double s = 0;
  for (auto v : w) s += qs_rows(v, q);
  return s / static_cast<double>(w.size());
}

double layer_energy(const Layer& layer, Quality q, const TuneOptions& o) {
  const double macs = static_cast<double>(layer.macs());
  if (o.energy_per_mac.empty()) return macs * mean_rows(layer, q);
  auto it = o.energy_per_mac.find(q.q);
  if (it == o.energy_per_mac.end()) throw Error("energy table has no entry for quality level " + std::to_string(q.q));
  return macs * it->second;
}

TuneResult tune(const IntEngine& engine, const QuantizedInputs& validation, const TuneOptions& o) {
  const Network& net = engine.network();
  const int n = static_cast<int>(net.layers.size());
  const int qmax = max_digits(net.width);
  // Per-layer energy at every level, computed once.
  std::vector<std::vector<double>> e(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(qmax + 1), 0.0));
  const std::vector<Quality> levels = all_levels(net.width);
  for (int i = 0; i < n; ++i)
    for (const Quality& l : levels) e[i][l.q] = layer_energy(net.layers[static_cast<std::size_t>(i)], l, o);
  auto total = [&](const std::vector<Quality>& lv) {
    double s = 0;
    for (int i = 0; i < n; ++i) s += e[i][lv[static_cast<std::size_t>(i)].q];
    return s;
  };
  TuneResult r;
  r.rows_model = o.energy_per_mac.empty();
  std::vector<Quality> cur(static_cast<std::size_t>(n), Quality{qmax, 0});
  r.val_acc_exact = engine.accuracy(validation, cur, o.threads);
  ++r.evaluations;
  double cur_acc = r.val_acc_exact;
  const double floor_acc = r.val_acc_exact - o.budget_points / 100.0;
  for (;;) {
    int best = -1;
    double best_saving = 0, best_acc = 0;
    for (int i = 0; i < n; ++i) {
      // The next lower level that actually saves energy (levels can tie when no weight of the
      // layer has that many CSD digits).
      const int q = cur[static_cast<std::size_t>(i)].q;
      int lower = q - 1;
      while (lower >= 1 && e[i][lower] >= e[i][q]) --lower;
      if (lower < 1) continue;
      std::vector<Quality> cand = cur;
      cand[static_cast<std::size_t>(i)].q = lower;
      const double saving = total(cur) - total(cand);
      if (saving <= 0 || (best >= 0 && saving < best_saving)) continue;
      const double acc = engine.accuracy(validation, cand, o.threads);
      ++r.evaluations;
      if (acc + 1e-12 < floor_acc) continue;
      if (best < 0 || saving > best_saving || (saving == best_saving && acc > best_acc)) {
        best = i;
        best_saving = saving;
        best_acc = acc;
      }
    }
    if (best < 0) break;
    {
      const int q = cur[static_cast<std::size_t>(best)].q;
      int lower = q - 1;
      while (e[best][lower] >= e[best][q]) --lower;
      cur[static_cast<std::size_t>(best)].q = lower;
    }
    cur_acc = best_acc;
  }
  r.levels = cur;
  r.val_acc = cur_acc;
  r.energy_exact = total(std::vector<Quality>(static_cast<std::size_t>(n), Quality{qmax, 0}));
  r.energy = total(cur);
  for (int i = 0; i < n; ++i) r.layer_energy.push_back(e[i][cur[static_cast<std::size_t>(i)].q]);
  return r;
}

}  // namespace qsq::net
