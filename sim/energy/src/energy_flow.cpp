#include "qsq/energy/energy_flow.hpp"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <map>
#include <tuple>

#include "qsq/flow/hash.hpp"
#include "qsq/flow/progress.hpp"
#include "qsq/flow/provenance.hpp"
#include "qsq/energy/coverage.hpp"
#include "qsq/energy/liberty.hpp"
#include "qsq/energy/netlist.hpp"
#include "qsq/energy/saif.hpp"
#include "qsq/energy/sdf.hpp"
#include "qsq/energy/timed_player.hpp"
#include "qsq/energy/toolrun.hpp"
#include "qsq/error.hpp"
#include "qsq/transaction.hpp"

namespace qsq::energy {

double Measured::pj_per_mac_zero_delay() const {
  if (delays == Delays::zero) return pj_per_mac();
  return macs ? energy_zero_delay.total() / static_cast<double>(macs) : 0.0;
}

namespace {

nlohmann::json split_json(const Energy& e, double per) {
  return {{"internal", e.internal * per},
          {"switching", e.switching * per},
          {"leakage", e.leakage * per},
          {"clock_and_flops", e.clock_flops * per},
          {"logic", e.logic * per},
          {"gated_clock_nets", e.gated_clock * per}};
}

// The fraction of the toggles of the timed run that zero-delay simulation does not see.
double glitch_share(std::uint64_t timed, std::uint64_t zero) {
  return timed ? (static_cast<double>(timed) - static_cast<double>(zero)) / static_cast<double>(timed) : 0.0;
}

}  // namespace

nlohmann::json Measured::to_json() const {
  const double per = macs ? 1.0 / static_cast<double>(macs) : 0.0;
  nlohmann::json j = {{"block", block},
                      {"delays", delays_name(delays)},
                      {"cycles", cycles},
                      {"macs", macs},
                      {"macs_per_cycle", cycles ? static_cast<double>(macs) / static_cast<double>(cycles) : 0.0},
                      {"pj_per_mac", energy.total() * per},
                      {"toggles_per_mac", static_cast<double>(toggles) * per},
                      {"split_pj_per_mac", split_json(energy, per)}};
  if (delays == Delays::sdf) {
    j["pj_per_mac_zero_delay"] = energy_zero_delay.total() * per;
    j["toggles_per_mac_zero_delay"] = static_cast<double>(toggles_zero_delay) * per;
    j["split_pj_per_mac_zero_delay"] = split_json(energy_zero_delay, per);
    j["glitch_share"] = glitch_share(toggles, toggles_zero_delay);
    nlohmann::json c = nlohmann::json::object();
    for (const auto& [name, f] : classes)
      c[name] = {{"toggles_per_mac", static_cast<double>(f.toggles) * per},
                 {"toggles_per_mac_zero_delay", static_cast<double>(f.toggles_zero_delay) * per},
                 {"pj_per_mac", f.pj * per},
                 {"pj_per_mac_zero_delay", f.pj_zero_delay * per},
                 {"glitch_share", glitch_share(f.toggles, f.toggles_zero_delay)}};
    j["classes"] = c;
    j["timed_events_per_cycle"] = cycles ? static_cast<double>(events) / static_cast<double>(cycles) : 0.0;
    j["timed_clock_ns"] = timed_clock_ns;
  }
  return j;
}

namespace {

Measured block_figures(const BlockResult& b, const MeasureSetup& setup, const std::string& label) {
  if (b.mismatches)
    throw Error("gate-level " + label + " disagrees with the golden model in block " + b.name + ": " +
                std::to_string(b.mismatches) + " mismatches, first " + b.first_mismatch);
  Measured m;
  m.block = b.name;
  m.cycles = b.cycles;
  m.beats = b.beats;
  m.loads = b.loads;
  m.macs = setup.macs_per_block ? setup.macs_per_block : b.beats * static_cast<std::uint64_t>(setup.ops_per_beat);
  return m;
}

std::uint64_t sum(const std::vector<std::uint64_t>& v) {
  std::uint64_t s = 0;
  for (auto t : v) s += t;
  return s;
}

}  // namespace

Sdf timed_sdf(const AsicResult& asic, const Netlist& net, const PowerModel& pm, const std::string& liberty,
              double clock_ns, const fs::path& work) {
  Sdf sdf = read_sdf(write_sdf(asic, liberty, clock_ns, work).string());
  // The clock network is ideal, as in the STA that wrote the SDF (no clock tree, no propagated
  // clock): the cells that drive clock nets (clock gates, the latch-enable inverters) switch
  // with no delay. Otherwise a gated flop would capture 0.1 ns after its neighbours, and an
  // input that changes at the edge (the SDC's input delay is 0) would race it.
  std::vector<std::string> clock_cells;
  for (size_t k = 0; k < pm.nets().size(); ++k)
    if (pm.nets()[k].clock && pm.nets()[k].driver_inst >= 0)
      clock_cells.push_back(net.instances[static_cast<size_t>(pm.nets()[k].driver_inst)].name);
  zero_instance_delays(sdf, clock_cells);
  return sdf;
}

double timed_clock_ns(const AsicResult& asic, const std::string& liberty, double clock_ns, const fs::path& work) {
  // Yosys + ABC here do no fanout buffering: an unbuffered enable net of the ungated variants
  // (one inverter driving ~150 mux selects) takes 14 ns, so that netlist misses a 10 ns clock
  // and a timed simulation at 10 ns would compute wrong results. Such a netlist is simulated with
  // the clock slowed to the period STA says it needs (whole ns); toggles do not depend on the
  // period once every path settles, and the energy is still evaluated at the nominal clock
  // (only leakage depends on it).
  const TimingResult t = sta_timing(asic, liberty, clock_ns, work);
  if (t.worst_slack_ns >= 0) return clock_ns;
  return std::ceil(clock_ns - t.worst_slack_ns + 0.5);
}

std::vector<Measured> measure(const AsicResult& asic, DriverKind kind, const std::string& stimulus,
                              const MeasureSetup& setup, const std::string& run_name, GateSim* sim_info) {
  const std::string lib_path = setup.liberty.empty() ? default_liberty() : setup.liberty;
  GateSim sim = build_gate_sim(asic, kind, lib_path, setup.work);
  if (sim_info) *sim_info = sim;
  const fs::path run = flow::absolute_path(setup.work) / "runs" / run_name;
  fs::create_directories(run);
  write_file_atomic(run / "stimulus.txt", stimulus);
  auto blocks = run_gate_sim(sim, run / "stimulus.txt", run);
  const Liberty lib = read_liberty(lib_path);
  const Netlist net = read_netlist(asic.netlist.string());
  const PowerModel pm(net, lib);
  std::vector<Measured> out;
  for (const auto& b : blocks) {
    std::vector<std::string> missing;
    auto counts = read_toggle_counts(b.coverage.string(), "TOP." + net.module);
    Measured m = block_figures(b, setup, asic.label);
    m.net_toggles = toggles_per_net(net, counts, &missing);
    if (!missing.empty())
      throw Error("no toggle count for " + std::to_string(missing.size()) + " nets of " + asic.label + " (first: " +
                  missing.front() + ")");
    m.toggles = sum(m.net_toggles);
    m.energy = pm.evaluate(m.net_toggles, m.cycles, setup.clock_ns);
    // Toggle coverage counts changes but samples no values: this SAIF's T0/T1 are estimates.
    if (!setup.saif_dir.empty() && setup.delays == Delays::zero)
      write_file_atomic(setup.saif_dir / (run_name + "_" + b.name + ".saif"),
                 saif_text_estimated(net, m.net_toggles, m.cycles, setup.clock_ns, asic.label + " block " + b.name));
    out.push_back(std::move(m));
  }
  if (setup.delays == Delays::zero) return out;

  // The timed run of the same stimulus; the zero-delay figures stay beside it.
  const Sdf sdf = timed_sdf(asic, net, pm, lib_path, setup.clock_ns, setup.work);
  write_file_atomic(run / "timed.sdf", sdf_text(sdf));
  TimedOptions to;
  to.clock_ns = timed_clock_ns(asic, lib_path, setup.clock_ns, setup.work);
  to.filter = setup.pulse_filter;
  const fs::path timed_dir = run / "timed";
  fs::create_directories(timed_dir);
  const auto timed = run_timed_gate_sim(net, lib, sdf, run / "stimulus.txt", kind, timed_dir, to);
  if (timed.size() != out.size())
    throw Error("the timed simulation of " + asic.label + " played " + std::to_string(timed.size()) + " blocks, the zero-delay one " +
                std::to_string(out.size()));
  const std::vector<NetClass> cls = classify_nets(net, lib, pm);
  for (size_t k = 0; k < out.size(); ++k) {
    Measured& m = out[k];
    const Measured t = block_figures(timed[k].result, setup, asic.label + " (timed)");
    if (t.cycles != m.cycles || t.beats != m.beats)
      throw Error("the timed and zero-delay simulations of " + asic.label + " disagree on the cycles of block " + m.block);
    m.delays = Delays::sdf;
    m.net_toggles_zero_delay = std::move(m.net_toggles);
    m.toggles_zero_delay = m.toggles;
    m.energy_zero_delay = m.energy;
    m.net_toggles = timed[k].toggles;
    m.toggles = sum(m.net_toggles);
    m.energy = pm.evaluate(m.net_toggles, m.cycles, setup.clock_ns);
    m.events = timed[k].events;
    m.timed_clock_ns = to.clock_ns;
    const auto e_t = pm.per_net_energy(m.net_toggles), e_z = pm.per_net_energy(m.net_toggles_zero_delay);
    for (size_t n = 0; n < cls.size(); ++n) {
      if (cls[n] == NetClass::constant) continue;
      ClassFigures& f = m.classes[net_class_name(cls[n])];
      f.toggles += m.net_toggles[n];
      f.toggles_zero_delay += m.net_toggles_zero_delay[n];
      f.pj += e_t[n];
      f.pj_zero_delay += e_z[n];
    }
    if (!setup.saif_dir.empty())
      write_file_atomic(setup.saif_dir / (run_name + "_" + m.block + ".saif"),
                        saif_text(timed[k].activity, {net.module, "qsq energy --delays sdf: " + asic.label + " block " + m.block}));
  }
  return out;
}

nlohmann::json net_breakdown(const AsicResult& a, const Measured& m, const std::string& liberty, int top) {
  const Liberty lib = read_liberty(liberty);
  const Netlist net = read_netlist(a.netlist.string());
  const PowerModel pm(net, lib);
  const auto e = pm.per_net_energy(m.net_toggles);
  std::vector<int> fanout(net.net_names.size(), 0);
  for (const auto& inst : net.instances)
    for (const auto& [pin, id] : inst.pins)
      if (lib.cell(inst.cell).pin(pin).dir != LibPin::Dir::output) ++fanout[id];
  const double per = m.macs ? 1.0 / static_cast<double>(m.macs) : 0.0;
  const double cyc = m.cycles ? 1.0 / static_cast<double>(m.cycles) : 0.0;
  // Classes: gated clock nets, the clock port, flop outputs, input-port nets, other logic.
  std::map<std::string, std::pair<double, std::uint64_t>> cls;
  auto klass = [&](int k) -> std::string {
    const auto& ni = pm.nets()[k];
    if (ni.gated_clock) return "gated_clock_nets";
    if (ni.clock) return "clock_port_and_latch_enables";
    if (ni.driver_inst < 0) return "input_port_nets";
    const auto* c = lib.find(net.instances[ni.driver_inst].cell);
    if (c && c->sequential) return c->latch ? "clock_gate_latch_outputs" : "flop_outputs";
    return "logic_nets";
  };
  std::vector<int> order;
  for (size_t k = 0; k < e.size(); ++k) {
    if (net.is_const(static_cast<int>(k))) continue;
    order.push_back(static_cast<int>(k));
    auto& c = cls[klass(static_cast<int>(k))];
    c.first += e[k];
    c.second += m.net_toggles[k];
  }
  std::sort(order.begin(), order.end(), [&](int x, int y) { return e[x] > e[y]; });
  nlohmann::json j;
  j["design"] = a.label;
  j["block"] = m.block;
  j["pj_per_mac"] = m.energy.total() * per;
  for (const auto& [k, v] : cls)
    j["classes"][k] = {{"pj_per_mac", v.first * per}, {"toggles_per_cycle", static_cast<double>(v.second) * cyc}};
  j["top_nets"] = nlohmann::json::array();
  for (int i = 0; i < top && i < static_cast<int>(order.size()); ++i) {
    const int k = order[i];
    const auto& ni = pm.nets()[k];
    j["top_nets"].push_back({{"net", net.net_names[k]},
                             {"class", klass(k)},
                             {"driver", ni.driver_inst >= 0 ? net.instances[ni.driver_inst].cell : std::string("port")},
                             {"fanout", fanout[k]},
                             {"load_pf", ni.load_pf},
                             {"slew_ns", ni.slew_ns},
                             {"toggles_per_cycle", static_cast<double>(m.net_toggles[k]) * cyc},
                             {"pj_per_mac", e[k] * per}});
  }
  return j;
}

namespace {

// What the named lane cells of a measured block cost (PowerModel::cell_energy), pJ over the block,
// under the block's own simulation and at zero delay.
std::pair<double, double> lane_cells_pj(const AsicResult& a, const Measured& m, const std::string& liberty) {
  const Liberty lib = read_liberty(liberty);
  const Netlist net = read_netlist(a.netlist.string());
  const PowerModel pm(net, lib);
  const std::vector<int> cells = lane_cells(net);
  if (cells.empty())
    throw Error("the netlist of " + a.label + " names no lane cells (" + kLaneCellPrefix +
                "*): the free-lane floor cannot be measured");
  auto sum = [&](const std::vector<std::uint64_t>& t) {
    double e = 0;
    for (const int i : cells) e += pm.cell_energy(i, t);
    return e;
  };
  const double own = sum(m.net_toggles);
  return {own, m.delays == Delays::sdf ? sum(m.net_toggles_zero_delay) : own};
}

}  // namespace

fs::path default_trace() { return fs::path("out") / "operands.trace"; }
fs::path default_grid_trace() { return fs::path("out") / "operands-grid.trace"; }

std::string default_workload(std::string* trace) {
  if (fs::exists(default_trace())) {
    if (trace) *trace = default_trace().string();
    return "real";
  }
  return "stationary";
}

EnergyReport run_energy(const EnergyOptions& given) {
  const auto t0 = std::chrono::steady_clock::now();
  // ABC buffers every net it sees, the gated clock nets too: a timed simulation would then clock
  // the gated banks later than the ideal clock it assumes (no clock-tree model) and race.
  if (given.fanout_buffering && given.delays == Delays::sdf)
    throw Error("--fanout-buffering needs --delays zero: ABC also buffers the gated clock nets, and the SDF-timed "
                "simulation has no clock-tree model for those buffers");
  EnergyOptions o = given;  // every path handed to a tool is absolute (flow/tool.hpp)
  o.work = flow::absolute_path(o.work);
  if (!o.saif_dir.empty()) o.saif_dir = flow::absolute_path(o.saif_dir);
  EnergyReport r;
  r.options = given;
  r.library = o.liberty.empty() ? default_liberty() : o.liberty;
  const auto& s = o.shape;
  const std::vector<Quality> levels = all_levels(s.width);
  // The 2-D grid (a shape with rows) is measured as qsq_grid on its own streams, with the
  // digit-serial rows as a sixth variant and the signed bound as a seventh; its MACs are the
  // stream's (qsq::grid_step_macs).
  const bool grid = s.grid();
  const ArrayStream st = grid ? ArrayStream{} : make_array_stream(o.workload, s, o.seed, o.cycles, o.trace);
  const GridStream gst = grid ? make_grid_stream(o.workload, s, o.seed, o.cycles, o.trace) : GridStream{};
  MeasureSetup ms{r.library, o.work, o.clock_ns, s.lanes, {}, o.delays, o.pulse_filter, grid ? gst.macs() : 0};

  // The bound variant (no multiplier in the lanes) is the floor any lane datapath stands on:
  // the same registers, gating and sum as the others. The grid's signed bound (lanes pass a with
  // the weight's sign) is the floor of lanes whose products keep their signs, as every level's do.
  const std::string names[7] = {"qsq_gated", "qsq_ungated", "baseline", "plain", "bound", "qsq_serial", "signed_bound"};
  const bool gate[7] = {true, false, true, false, true, true, true};
  const LaneKind lane[7] = {LaneKind::csd,   LaneKind::csd, LaneKind::exact,       LaneKind::exact,
                            LaneKind::bound, LaneKind::csd, LaneKind::signed_bound};
  const int variants = grid ? 7 : 5;
  std::vector<std::vector<Measured>> res(static_cast<size_t>(variants));
  for (int v = 0; v < variants; ++v) {
    flow::progress("[energy] " + names[v] + ": synthesis");
    Design d = grid ? grid_variant(s, gate[v], lane[v], v == 5) : array_variant(s, gate[v], lane[v]);
    if (o.fanout_buffering) {
      d.buffer_clock_ns = o.clock_ns;
      d.label += " buffered";
    }
    AsicResult a = synth_asic(d, o.work, r.library);
    r.areas.push_back(a);
    flow::progress("[energy] " + names[v] + ": gate-level simulation (" + o.workload + (o.delays == Delays::sdf ? ", zero delay and SDF-timed" : "") + ")");
    ms.saif_dir = v == 0 ? o.saif_dir : fs::path{};
    GateSim info;
    const std::string stim = grid ? grid_stimulus(s, gst, levels, lane[v]) : array_stimulus(s, st, levels, lane[v]);
    res[v] = measure(a, grid ? DriverKind::grid : DriverKind::array, stim, ms, names[v] + "-" + o.workload, &info);
    r.sim_builds += info.cached ? 0 : 1;
  }
  if (grid) {
    r.serial = res[5];
    std::tie(r.serial_lowest_lane_cells_pj, r.serial_lowest_lane_cells_pj_zero_delay) =
        lane_cells_pj(r.areas[5], res[5].front(), r.library);
  }
  for (size_t k = 0; k < levels.size(); ++k) r.levels.push_back({levels[k], res[0][k], res[1][k]});
  if (o.breakdown > 0) {
    const size_t mid = static_cast<size_t>((max_digits(s.width) + 1) / 2 - 1);
    r.breakdown = {{"qsq_gated_q" + std::to_string(mid + 1), net_breakdown(r.areas[0], res[0].at(mid), r.library, o.breakdown)},
                   {"qsq_gated_q1", net_breakdown(r.areas[0], res[0].at(0), r.library, o.breakdown)},
                   {"qsq_ungated_q" + std::to_string(mid + 1), net_breakdown(r.areas[1], res[1].at(mid), r.library, o.breakdown)},
                   {"baseline", net_breakdown(r.areas[2], res[2].at(0), r.library, o.breakdown)},
                   {"bound", net_breakdown(r.areas[4], res[4].at(0), r.library, o.breakdown)}};
    if (grid) r.breakdown["signed_bound"] = net_breakdown(r.areas[6], res[6].at(0), r.library, o.breakdown);
  }
  r.baseline = res[2].at(0);
  r.plain = res[3].at(0);
  r.bound = res[4].at(0);
  if (grid) r.signed_bound = res[6].at(0);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

nlohmann::json EnergyReport::to_json() const {
  nlohmann::json j = flow::json_header();
  j["library"] = library;
  j["clock_ns"] = options.clock_ns;
  j["workload"] = options.workload;
  j["seed"] = options.seed;
  if (options.workload == "real") j["trace"] = options.trace;
  j["cycles_per_level"] = options.cycles;
  j["shape"] = {{"width", options.shape.width}, {"lanes", options.shape.lanes},
                {"code_bits", options.shape.code_bits}, {"acc_width", options.shape.acc_width}};
  if (options.shape.grid()) {
    j["design"] = "qsq_grid";
    j["shape"]["rows"] = options.shape.rows;
    j["shape"]["slots"] = options.shape.slots;
  } else {
    j["design"] = "qsq_array";
  }
  j["delays"] = delays_name(options.delays);
  j["fanout_buffering"] = options.fanout_buffering;
  if (options.delays == Delays::sdf) j["pulse_filter"] = pulse_filter_name(options.pulse_filter);
  j["caveats"] = caveats(options.delays, options.pulse_filter);
  auto b = baseline.to_json();
  j["baseline"] = b;
  j["plain_ungated"] = plain.to_json();
  j["bound"] = bound.to_json();
  if (signed_bound.macs) j["signed_bound"] = signed_bound.to_json();
  // The free-lane floor: the digit-serial rows at q = 1 (one row of one digit per lane, the fewest
  // tree operands a one-digit level can have) less everything their lane cells cost. No lane,
  // however cheap, brings a one-digit level with these registers, gating and sum below it.
  const bool has_floor = !serial.empty() && serial.front().macs > 0;
  auto floor_pj_per_mac = [&](bool zero_delay) {
    const Measured& q1 = serial.front();
    const double lanes = zero_delay ? serial_lowest_lane_cells_pj_zero_delay : serial_lowest_lane_cells_pj;
    return (zero_delay ? q1.pj_per_mac_zero_delay() : q1.pj_per_mac()) - lanes / static_cast<double>(q1.macs);
  };
  if (has_floor) {
    const double per = 1.0 / static_cast<double>(serial.front().macs);
    j["lane_free_floor"] = {{"of", "the digit-serial rows at q = 1 without their lane cells"},
                            {"pj_per_mac", floor_pj_per_mac(false)},
                            {"lane_cells_pj_per_mac", serial_lowest_lane_cells_pj * per}};
    if (options.delays == Delays::sdf) {
      j["lane_free_floor"]["pj_per_mac_zero_delay"] = floor_pj_per_mac(true);
      j["lane_free_floor"]["lane_cells_pj_per_mac_zero_delay"] = serial_lowest_lane_cells_pj_zero_delay * per;
    }
  }
  j["levels"] = nlohmann::json::array();
  for (const auto& l : levels) {
    auto g = l.gated.to_json(), u = l.ungated.to_json();
    nlohmann::json lj = {{"q", l.q.q},
                         {"p", l.q.p},
                         {"pj_per_mac", g["pj_per_mac"]},
                         {"pj_per_mac_ungated", u["pj_per_mac"]},
                         {"toggles_per_mac", g["toggles_per_mac"]},
                         {"toggles_per_mac_ungated", u["toggles_per_mac"]},
                         {"split_pj_per_mac", g["split_pj_per_mac"]},
                         {"split_pj_per_mac_ungated", u["split_pj_per_mac"]},
                         {"cycles", g["cycles"]},
                         {"macs", g["macs"]},
                         {"macs_per_cycle", g["macs_per_cycle"]}};
    if (options.delays == Delays::sdf) {
      for (const char* k : {"pj_per_mac_zero_delay", "toggles_per_mac_zero_delay", "glitch_share", "classes",
                            "split_pj_per_mac_zero_delay", "timed_events_per_cycle", "timed_clock_ns"})
        lj[k] = g[k];
      lj["timed_clock_ns_ungated"] = u["timed_clock_ns"];
      lj["pj_per_mac_ungated_zero_delay"] = u["pj_per_mac_zero_delay"];
      lj["glitch_share_ungated"] = u["glitch_share"];
    }
    // The grid's digit-serial rows at this level: energy and throughput of the other organisation.
    const size_t k = j["levels"].size();
    if (k < serial.size()) lj["serial"] = serial[k].to_json();
    j["levels"].push_back(lj);
  }
  nlohmann::json areas_j = nlohmann::json::array();
  for (const auto& a : this->areas) areas_j.push_back(a.to_json());
  j["areas"] = areas_j;
  // The goal ratios (exact and lowest level against the baseline, the bound, gating saving at
  // the middle level), under the simulation asked for and, with SDF, under zero delay too.
  if (!levels.empty() && baseline.macs) {
    auto ratios = [&](auto pj) {
      const double base = pj(baseline);
      const int qmid = (max_digits(options.shape.width) + 1) / 2;
      nlohmann::json g = {{"exact_over_baseline", pj(levels.back().gated) / base},
                          {"lowest_over_baseline", pj(levels.front().gated) / base}};
      // No lane datapath can bring the array below this ratio (same registers, gating and sum).
      if (bound.macs) g["bound_over_baseline"] = pj(bound) / base;
      // No lane whose products keep their signs can bring the grid below this one.
      if (signed_bound.macs) g["signed_bound_over_baseline"] = pj(signed_bound) / base;
      for (const auto& l : levels)
        if (l.q.q == qmid) g["gating_saving_mid"] = {{"q", qmid}, {"saving", 1.0 - pj(l.gated) / pj(l.ungated)}};
      return g;
    };
    // The digit-serial rows against the same baseline (a grid only).
    auto serial_ratios = [&](auto pj) {
      const double base = pj(baseline);
      return nlohmann::json{{"exact_over_baseline", pj(serial.back()) / base},
                            {"lowest_over_baseline", pj(serial.front()) / base}};
    };
    j["ratios"] = ratios([](const Measured& m) { return m.pj_per_mac(); });
    if (!serial.empty()) j["ratios"]["serial"] = serial_ratios([](const Measured& m) { return m.pj_per_mac(); });
    if (has_floor) j["ratios"]["lane_free_floor_over_baseline"] = floor_pj_per_mac(false) / baseline.pj_per_mac();
    if (options.delays == Delays::sdf) {
      j["ratios_zero_delay"] = ratios([](const Measured& m) { return m.pj_per_mac_zero_delay(); });
      if (!serial.empty())
        j["ratios_zero_delay"]["serial"] = serial_ratios([](const Measured& m) { return m.pj_per_mac_zero_delay(); });
      if (has_floor)
        j["ratios_zero_delay"]["lane_free_floor_over_baseline"] = floor_pj_per_mac(true) / baseline.pj_per_mac_zero_delay();
    }
  }
  if (!breakdown.is_null()) j["breakdown"] = breakdown;
  j["seconds"] = seconds;
  j["verilator_builds"] = sim_builds;
  return j;
}

}  // namespace qsq::energy
