#include "qsq/energy/power.hpp"

#include <algorithm>

#include "qsq/error.hpp"

namespace qsq::energy {

PowerModel::PowerModel(const Netlist& n, const Liberty& lib, const std::string& clock_port, double input_slew_ns)
    : n_(n), voltage_(lib.voltage) {
  const size_t ni = n.instances.size();
  nets_.assign(n.net_names.size(), NetInfo{});
  clock_cell_.assign(ni, false);
  leak_nw_.assign(ni, 0.0);
  pins_.assign(ni, {});
  in_caps_.assign(ni, {});
  std::vector<const LibCell*> cells(ni);
  std::vector<bool> flop_clock(n.net_names.size(), false);

  // Loads, drivers and clock nets.
  for (size_t i = 0; i < ni; ++i) {
    const auto& inst = n.instances[i];
    const LibCell* c = lib.find(inst.cell);
    if (!c) throw Error("netlist cell " + inst.name + " has type " + inst.cell + ", which is not in " + lib.path);
    cells[i] = c;
    leak_nw_[i] = c->leakage;
    clock_cell_[i] = c->sequential;
    for (const auto& [pin, net] : inst.pins) {
      const LibPin& lp = c->pin(pin);
      if (lp.dir == LibPin::Dir::output) {
        if (nets_[net].driver_inst >= 0)
          throw Error("net " + n.net_names[net] + " has two drivers (" + n.instances[nets_[net].driver_inst].name +
                      ", " + inst.name + ")");
        nets_[net].driver_inst = static_cast<int>(i);
        nets_[net].driver_pin = pin;
      } else {
        nets_[net].load_pf += lp.capacitance;
        in_caps_[i].emplace_back(net, lp.capacitance);
        if (lp.is_clock && c->sequential) {
          nets_[net].clock = true;
          if (!c->latch) flop_clock[net] = true;
        }
      }
    }
  }
  if (int clk = n.find_net(clock_port); clk >= 0) nets_[clk].clock = true;
  for (size_t k = 0; k < nets_.size(); ++k) {
    if (nets_[k].clock && nets_[k].driver_inst >= 0) {
      clock_cell_[nets_[k].driver_inst] = true;  // the clock gate, buffer or latch-enable inverter
      nets_[k].gated_clock = flop_clock[k];      // a flop clock that does not come from the port
    }
  }

  // Slews: a few relaxation passes from the nominal input slew; each driver's output transition is
  // the mean of its rise/fall transition tables over its related pins at (load, related slew).
  for (auto& net : nets_) net.slew_ns = input_slew_ns;
  for (int pass = 0; pass < 6; ++pass) {
    for (size_t i = 0; i < ni; ++i) {
      const auto& inst = n.instances[i];
      for (const auto& [pin, net] : inst.pins) {
        const LibPin& lp = cells[i]->pin(pin);
        if (lp.dir != LibPin::Dir::output || lp.transitions.empty()) continue;
        double sum = 0;
        int cnt = 0;
        for (const auto& tr : lp.transitions) {
          double s_in = input_slew_ns;
          for (const auto& [p2, n2] : inst.pins)
            if (p2 == tr.related_pin) s_in = nets_[n2].slew_ns;
          for (const Table* t : {&tr.rise, &tr.fall})
            if (!t->empty()) { sum += t->lookup(nets_[net].load_pf, s_in); ++cnt; }
        }
        if (cnt) nets_[net].slew_ns = std::max(0.0, sum / cnt);
      }
    }
  }

  // Clock nets are ideal, as in STA before clock-tree synthesis (set_clock_transition): the clock
  // port and every gated clock net reach their clock pins with the nominal input slew, whatever
  // the raw fanout of the gate. Their capacitance (switching energy) is counted in full.
  for (auto& net : nets_)
    if (net.clock) net.slew_ns = input_slew_ns;

  // Per-pin energies.
  for (size_t i = 0; i < ni; ++i) {
    const auto& inst = n.instances[i];
    for (const auto& [pin, net] : inst.pins) {
      const LibPin& lp = cells[i]->pin(pin);
      if (lp.internal.empty()) continue;
      PinEnergy pe{pin, net, lp.dir == LibPin::Dir::output, 0.0, {}};
      if (!pe.output) {
        double e = 0;
        for (const auto& ip : lp.internal) e += ip.energy(0.0, nets_[net].slew_ns);
        pe.per_toggle = e / static_cast<double>(lp.internal.size());
      } else {
        for (const auto& ip : lp.internal) {
          int rel = -1;
          for (const auto& [p2, n2] : inst.pins)
            if (p2 == ip.related_pin) rel = n2;
          double s_in = rel >= 0 ? nets_[rel].slew_ns : input_slew_ns;
          pe.related.emplace_back(rel, ip.energy(nets_[net].load_pf, s_in));
        }
      }
      pins_[i].push_back(std::move(pe));
    }
  }
}

std::vector<int> PowerModel::gated_clock_nets() const {
  std::vector<int> out;
  for (size_t k = 0; k < nets_.size(); ++k)
    if (nets_[k].gated_clock) out.push_back(static_cast<int>(k));
  return out;
}

Energy PowerModel::evaluate(const std::vector<std::uint64_t>& toggles, std::uint64_t cycles, double period_ns) const {
  if (toggles.size() != nets_.size()) throw Error("toggle vector does not match the netlist");
  Energy e;
  const double v2 = voltage_ * voltage_;
  auto add = [&](bool clock_class, double internal, double switching, double leakage) {
    e.internal += internal;
    e.switching += switching;
    e.leakage += leakage;
    (clock_class ? e.clock_flops : e.logic) += internal + switching + leakage;
  };
  // Switching energy of every net (clock nets are charged to the clock class).
  for (size_t k = 0; k < nets_.size(); ++k) {
    if (n_.is_const(static_cast<int>(k))) continue;
    double sw = 0.5 * nets_[k].load_pf * v2 * static_cast<double>(toggles[k]);
    bool clock_class = nets_[k].clock || (nets_[k].driver_inst >= 0 && clock_cell_[nets_[k].driver_inst]);
    add(clock_class, 0, sw, 0);
    if (nets_[k].gated_clock) e.gated_clock += sw;
    if (nets_[k].driver_inst < 0) e.port_switching += sw;
  }
  const double time_ns = static_cast<double>(cycles) * period_ns;
  for (size_t i = 0; i < pins_.size(); ++i) {
    double internal = 0, gated = 0;
    for (const auto& pe : pins_[i]) {
      const double tg = static_cast<double>(toggles[pe.net]);
      if (!pe.output) {
        internal += pe.per_toggle * tg;
        if (nets_[pe.net].gated_clock) gated += pe.per_toggle * tg;
        continue;
      }
      internal += output_pin_energy(pe, toggles);
    }
    add(clock_cell_[i], internal, 0, leak_nw_[i] * time_ns * 1e-6);  // nW * ns = 1e-18 J = 1e-6 pJ
    e.gated_clock += gated;
  }
  return e;
}

double PowerModel::pin_internal(int inst, const std::string& pin, const std::vector<std::uint64_t>& toggles) const {
  for (const auto& pe : pins_.at(inst))
    if (pe.pin == pin && !pe.output) return pe.per_toggle * static_cast<double>(toggles[pe.net]);
  return 0.0;
}

double PowerModel::output_pin_energy(const PinEnergy& pe, const std::vector<std::uint64_t>& toggles) const {
  // Output toggles are shared among the related pins in proportion to their own toggles.
  double wsum = 0, per = 0;
  for (const auto& [rel, en] : pe.related) wsum += rel >= 0 ? static_cast<double>(toggles[rel]) : 0.0;
  for (const auto& [rel, en] : pe.related)
    per += (wsum > 0 ? (rel >= 0 ? static_cast<double>(toggles[rel]) : 0.0) / wsum
                     : 1.0 / static_cast<double>(pe.related.size())) * en;
  return per * static_cast<double>(toggles[pe.net]);
}

double PowerModel::cell_energy(int inst, const std::vector<std::uint64_t>& toggles) const {
  if (toggles.size() != nets_.size()) throw Error("toggle vector does not match the netlist");
  const auto i = static_cast<size_t>(inst);
  double e = 0;
  for (const auto& pe : pins_.at(i)) {
    const double tg = static_cast<double>(toggles[pe.net]);
    if (!pe.output) {
      e += pe.per_toggle * tg;
      continue;
    }
    e += output_pin_energy(pe, toggles);
  }
  for (const auto& [net, cap] : in_caps_.at(i))
    if (!n_.is_const(net)) e += 0.5 * cap * voltage_ * voltage_ * static_cast<double>(toggles[net]);
  return e;
}

std::vector<double> PowerModel::per_net_energy(const std::vector<std::uint64_t>& toggles) const {
  std::vector<double> e(nets_.size(), 0.0);
  for (size_t k = 0; k < nets_.size(); ++k) e[k] = net_switching(static_cast<int>(k), toggles);
  for (size_t i = 0; i < pins_.size(); ++i) {
    for (const auto& pe : pins_[i]) {
      const double tg = static_cast<double>(toggles[pe.net]);
      if (!pe.output) {
        e[pe.net] += pe.per_toggle * tg;
        continue;
      }
      e[pe.net] += output_pin_energy(pe, toggles);
    }
  }
  return e;
}

double PowerModel::net_switching(int net, const std::vector<std::uint64_t>& toggles) const {
  return 0.5 * nets_.at(net).load_pf * voltage_ * voltage_ * static_cast<double>(toggles[net]);
}

std::vector<std::uint64_t> toggles_per_net(const Netlist& n, const std::map<std::string, std::uint64_t>& counts,
                                           std::vector<std::string>* missing) {
  std::vector<std::uint64_t> t(n.net_names.size(), 0);
  std::vector<bool> seen(n.net_names.size(), false);
  for (const auto& [name, id] : n.net_ids) {
    auto it = counts.find(name);
    if (it == counts.end()) continue;
    t[id] = std::max(t[id], it->second);
    seen[id] = true;
  }
  if (missing)
    for (size_t k = 0; k < t.size(); ++k)
      if (!seen[k] && !n.is_const(static_cast<int>(k))) missing->push_back(n.net_names[k]);
  return t;
}

}  // namespace qsq::energy
