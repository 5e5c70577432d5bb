// Tables and report sections of `qsq synth`, `qsq energy` and `qsq compare-mult`.
#include "report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "qsq/flow/hash.hpp"
#include "qsq/flow/plot.hpp"
#include "qsq/flow/progress.hpp"
#include "qsq/flow/provenance.hpp"
#include "qsq/energy/energy_flow.hpp"
#include "qsq/energy/synth.hpp"
#include "qsq/energy/toolrun.hpp"
#include "qsq/error.hpp"
#include "qsq/metrics.hpp"

namespace qsq::energy {

namespace {

Design lane_design(bool exact, int width) {
  Design d;
  d.top = "qsq_lane";
  d.sources = rtl_lane_sources();
  d.params = {{"ExactLane", exact ? "1" : "0"}};
  if (width != defaults::kWidth) d.params["Width"] = std::to_string(width);
  d.label = exact ? "qsq_lane ExactLane=1 (a*w)" : "qsq_lane (CSD, run-time q)";
  return d;
}

}  // namespace

nlohmann::json synth_json(double clock_ns, const std::string& liberty, const fs::path& work, bool fpga,
                          bool place_and_route, bool quick, const ArrayShape& shape) {
  nlohmann::json j = flow::json_header();
  j["library"] = liberty;
  j["clock_ns"] = clock_ns;
  j["constraints"] = (source_root() / "constraints" / "qsq.sdc").string();
  j["caveats"] = "OSU 0.18 um typical corner, 1.8 V, no wire load model; kGE = area / area(NAND2X1) = area / 24 um^2; "
                 "a LATCH (clock gate) is counted at half the area of DFFNEGX1 because the library lists it at 0";
  // The same designs (same parameters, so the same cache entries) as `qsq energy` on the default
  // preset: a synth after an energy run, or the other way round, synthesizes them once.
  const bool default_shape = shape.width == defaults::kWidth && shape.lanes == defaults::kLanes &&
                             shape.code_bits == defaults::kCodeBits && shape.acc_width == defaults::kAccWidth &&
                             !shape.grid();
  j["shape"] = {{"width", shape.width}, {"lanes", shape.lanes}, {"code_bits", shape.code_bits}, {"acc_width", shape.acc_width}};
  auto array = [&](LaneKind lane) {
    Design d = array_variant(shape, /*gate=*/true, lane);
    d.label = lane == LaneKind::csd ? "qsq_array ExactLane=0 GateEn=1" : "qsq_array ExactLane=1 GateEn=1";
    return d;
  };
  std::vector<Design> designs;
  if (shape.grid()) {
    // The 2-D grid (hierarchical synthesis): digit-parallel rows, the exact baseline, digit-serial rows.
    j["shape"]["rows"] = shape.rows;
    j["shape"]["slots"] = shape.slots;
    auto grid = [&](LaneKind lane, bool serial) {
      Design d = grid_variant(shape, /*gate=*/true, lane, serial);
      d.label = std::string("qsq_grid ") + (lane == LaneKind::csd ? (serial ? "Serial=1" : "Serial=0") : "ExactLane=1") +
                " GateEn=1";
      return d;
    };
    designs.push_back(grid(LaneKind::csd, false));
    if (!quick) {
      designs.push_back(grid(LaneKind::exact, false));
      designs.push_back(grid(LaneKind::csd, true));
    }
  } else {
    designs.push_back(array(LaneKind::csd));
    if (!quick) {
      designs.push_back(array(LaneKind::exact));
      designs.push_back(lane_design(false, shape.width));
      designs.push_back(lane_design(true, shape.width));
    }
  }
  j["designs"] = nlohmann::json::array();
  for (const auto& d : designs) {
    flow::progress("[synth] " + d.label + ": yosys + OpenSTA");
    AsicResult a = synth_asic(d, work, liberty);
    TimingResult t = sta_timing(a, liberty, clock_ns, work);
    j["designs"].push_back({{"design", d.label}, {"asic", a.to_json()}, {"timing", t.to_json()}});
  }
  if (fpga && !default_shape) j["fpga_note"] = "FPGA runs are made for the default preset only (the FPGA wrapper's pins)";
  if (fpga && default_shape) {
    Design w = rtl_array_design({{"GateEn", "0"}, {"ExactLane", "0"}});
    Design wrap = w;
    wrap.top = "qsq_fpga_wrap";
    wrap.sources.push_back(energy_source_dir() / "scripts" / "qsq_fpga_wrap.sv");
    wrap.params = {{"GateEn", "0"}};
    wrap.label = "qsq_fpga_wrap(qsq_array GateEn=0)";
    flow::progress("[synth] iCE40: synth_ice40" + std::string(place_and_route ? " + nextpnr-ice40" : ""));
    FpgaResult ice = synth_ice40(wrap, work, place_and_route);
    nlohmann::json ij = ice.to_json();
    ij["design"] = wrap.label;
    ij["pcf"] = (source_root() / "constraints" / "qsq_ice40.pcf").string();
    ij["note"] = "GateEn = 0: on FPGAs the clock gates become clock enables; the wrapper serialises the wide inputs";
    j["ice40"] = ij;
    flow::progress("[synth] Xilinx: synth_xilinx");
    FpgaResult xil = synth_xilinx(w, work);
    nlohmann::json xj = xil.to_json();
    xj["design"] = w.label;
    xj["xdc"] = (source_root() / "constraints" / "qsq.xdc").string();
    j["xilinx"] = xj;
  }
  return j;
}

std::string synth_table(const nlohmann::json& j) {
  std::string s = fmt::format("Library {}, clock {} ns\n{:<36} {:>12} {:>8} {:>6} {:>6} {:>6} {:>10} {:>9}\n",
                              j["library"].get<std::string>(), j["clock_ns"].get<double>(), "design", "area um^2", "kGE",
                              "cells", "flops", "gates", "slack ns", "fmax MHz");
  for (const auto& d : j["designs"]) {
    const auto& a = d["asic"];
    const auto& t = d["timing"];
    s += fmt::format("{:<36} {:>12.0f} {:>8.2f} {:>6} {:>6} {:>6} {:>10.3f} {:>9.1f}\n", d["design"].get<std::string>(),
                     a["area_um2"].get<double>(), a["kge"].get<double>(), a["cells"].get<int>(), a["flops"].get<int>(),
                     a["clock_gates"].get<int>(), t["worst_slack_ns"].get<double>(), t["fmax_mhz"].get<double>());
    s += fmt::format("    critical path {} -> {} ({:.3f} ns)\n", t["critical_path"]["startpoint"].get<std::string>(),
                     t["critical_path"]["endpoint"].get<std::string>(), t["critical_path"]["arrival_ns"].get<double>());
  }
  if (j.contains("fpga_note")) s += j["fpga_note"].get<std::string>() + "\n";
  for (const char* fam : {"ice40", "xilinx"}) {
    if (!j.contains(fam)) continue;
    const auto& f = j[fam];
    s += fmt::format("{}: {} LUTs, {} flip-flops, {} carries, {} DSPs", fam, f["luts"].get<int>(), f["flops"].get<int>(),
                     f["carries"].get<int>(), f["dsps"].get<int>());
    if (f.contains("fmax_mhz")) s += fmt::format(", fmax {:.1f} MHz ({})", f["fmax_mhz"].get<double>(), f["device"].get<std::string>());
    s += "\n";
  }
  s += "Caveats: " + j["caveats"].get<std::string>() + "\n";
  return s;
}

std::string synth_markdown(const nlohmann::json& j) {
  std::string s = fmt::format("Library `{}`, clock {} ns, constraints `constraints/qsq.sdc`. {}.\n\n",
                              j["library"].get<std::string>(), j["clock_ns"].get<double>(), j["caveats"].get<std::string>());
  s += "| design | area (um^2) | kGE | cells | flops | clock gates | worst slack (ns) | fmax (MHz) | critical path |\n"
       "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& d : j["designs"]) {
    const auto& a = d["asic"];
    const auto& t = d["timing"];
    s += fmt::format("| {} | {:.0f} | {:.2f} | {} | {} | {} | {:.3f} | {:.1f} | {} -> {} |\n", d["design"].get<std::string>(),
                     a["area_um2"].get<double>(), a["kge"].get<double>(), a["cells"].get<int>(), a["flops"].get<int>(),
                     a["clock_gates"].get<int>(), t["worst_slack_ns"].get<double>(), t["fmax_mhz"].get<double>(),
                     t["critical_path"]["startpoint"].get<std::string>(), t["critical_path"]["endpoint"].get<std::string>());
  }
  if (j.contains("ice40") || j.contains("xilinx")) {
    s += "\n| FPGA | design | LUTs | flip-flops | carries | DSPs | fmax (MHz) |\n|---|---|---|---|---|---|---|\n";
    for (const char* fam : {"ice40", "xilinx"}) {
      if (!j.contains(fam)) continue;
      const auto& f = j[fam];
      s += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", fam, f["design"].get<std::string>(), f["luts"].get<int>(),
                       f["flops"].get<int>(), f["carries"].get<int>(), f["dsps"].get<int>(),
                       f.contains("fmax_mhz") ? fmt::format("{:.1f} ({})", f["fmax_mhz"].get<double>(), f["device"].get<std::string>())
                                              : std::string("-"));
    }
  }
  return s;
}

namespace {

bool timed(const nlohmann::json& j) { return j.value("delays", std::string("zero")) == "sdf"; }

std::string simulation_name(const nlohmann::json& j) {
  return timed(j) ? "SDF-timed gate-level simulation (glitches seen), zero delay beside it"
                  : "zero-delay gate-level simulation (no glitches)";
}

std::string ratio_line(const nlohmann::json& r) {
  std::string s = fmt::format("exact level / baseline = {:.3f}, lowest level / baseline = {:.3f}",
                              r["exact_over_baseline"].get<double>(), r["lowest_over_baseline"].get<double>());
  if (r.contains("bound_over_baseline") && r.contains("signed_bound_over_baseline")) {
    s += fmt::format(" (floors: no lane datapath can go below the bound's {:.3f}, no lane that keeps its products' "
                     "signs below the signed bound's {:.3f}",
                     r["bound_over_baseline"].get<double>(), r["signed_bound_over_baseline"].get<double>());
    if (r.contains("lane_free_floor_over_baseline"))
      s += fmt::format(", no lane of a one-digit level below the free-lane floor's {:.3f}",
                       r["lane_free_floor_over_baseline"].get<double>());
    s += ")";
  } else if (r.contains("bound_over_baseline"))
    s += fmt::format(" (bound: no lane datapath can go below {:.3f})", r["bound_over_baseline"].get<double>());
  if (r.contains("gating_saving_mid"))
    s += fmt::format(", clock gating saves {:.1f}% at q={}", 100.0 * r["gating_saving_mid"]["saving"].get<double>(),
                     r["gating_saving_mid"]["q"].get<int>());
  if (r.contains("serial"))
    s += fmt::format("; digit-serial rows: exact {:.3f}, lowest {:.3f}", r["serial"]["exact_over_baseline"].get<double>(),
                     r["serial"]["lowest_over_baseline"].get<double>());
  return s;
}

// "lanes 1% / tree 52% / regs 0%": the glitch share of each net class.
std::string class_shares(const nlohmann::json& m) {
  std::string s;
  for (const auto& [k, short_name] : {std::pair{"lanes", "lanes"}, std::pair{"tree_adders_control", "tree+adders"},
                                      std::pair{"registers_clock", "regs+clock"}}) {
    if (!m.contains("classes") || !m["classes"].contains(k)) continue;
    if (!s.empty()) s += " / ";
    const double v = m["classes"][k]["glitch_share"].get<double>();
    s += fmt::format("{} {:.0f}%", short_name, std::abs(v) < 5e-3 ? 0.0 : 100.0 * v);  // no "-0%" from window edges
  }
  return s;
}

}  // namespace

std::string energy_table(const nlohmann::json& j) {
  const bool t = timed(j);
  const bool grid = j.value("design", "") == "qsq_grid";
  const auto& sh = j["shape"];
  const std::string design =
      grid ? fmt::format("qsq_grid M={} x N={} ({} slots)", sh["rows"].get<int>(), sh["lanes"].get<int>(), sh["slots"].get<int>())
           : fmt::format("qsq_array N={}", sh["lanes"].get<int>());
  std::string s = fmt::format("{} W={}: workload {} (seed {}), library {}, clock {} ns, {} (pJ per MAC), {}\n", design,
                              sh["width"].get<int>(), j["workload"].get<std::string>(), j["seed"].get<std::uint64_t>(),
                              j["library"].get<std::string>(), j["clock_ns"].get<double>(),
                              grid && j["workload"] == "real" ? std::string("the whole trace per level")
                                                              : fmt::format("{} cycles per level", j["cycles_per_level"].get<std::uint64_t>()),
                              simulation_name(j) + (j.value("fanout_buffering", false) ? ", fanout buffering" : ""));
  s += fmt::format("{:<14} {:>10} {:>12} {:>10} {:>10} {:>10} {:>10} {:>12} {:>8}", "level", "pJ/MAC", "ungated", "saving",
                   "internal", "switching", "clk+flops", "toggles/MAC", "MAC/cyc");
  if (t) s += fmt::format(" {:>11} {:>8}  {}", "zero-delay", "glitch", "glitch share by class");
  s += "\n";
  auto extra = [&](const nlohmann::json& m) {
    return t ? fmt::format(" {:>11.4f} {:>7.1f}%  {}", m["pj_per_mac_zero_delay"].get<double>(),
                           100.0 * m["glitch_share"].get<double>(), class_shares(m))
             : std::string();
  };
  for (const auto& l : j["levels"]) {
    const double g = l["pj_per_mac"].get<double>(), u = l["pj_per_mac_ungated"].get<double>();
    const auto& sp = l["split_pj_per_mac"];
    s += fmt::format("{:<14} {:>10.4f} {:>12.4f} {:>9.1f}% {:>10.4f} {:>10.4f} {:>10.4f} {:>12.1f}",
                     fmt::format("q={} p={}", l["q"].get<int>(), l["p"].get<int>()), g, u, 100.0 * (1.0 - g / u), sp["internal"].get<double>(),
                     sp["switching"].get<double>(), sp["clock_and_flops"].get<double>(), l["toggles_per_mac"].get<double>());
    s += fmt::format(" {:>8.2f}", l.value("macs_per_cycle", 0.0)) + extra(l) + "\n";
  }
  // The grid's digit-serial rows: fewer kept digits, fewer cycles per beat.
  for (const auto& l : j["levels"]) {
    if (!l.contains("serial")) continue;
    const auto& m = l["serial"];
    const auto& sp = m["split_pj_per_mac"];
    s += fmt::format("{:<14} {:>10.4f} {:>12} {:>10} {:>10.4f} {:>10.4f} {:>10.4f} {:>12.1f} {:>8.2f}",
                     fmt::format("serial q={}", l["q"].get<int>()), m["pj_per_mac"].get<double>(), "", "",
                     sp["internal"].get<double>(), sp["switching"].get<double>(), sp["clock_and_flops"].get<double>(),
                     m["toggles_per_mac"].get<double>(), m["macs_per_cycle"].get<double>());
    s += extra(m) + "\n";
  }
  for (const char* k : {"baseline", "plain_ungated", "bound", "signed_bound"}) {
    if (!j.contains(k)) continue;
    const auto& b = j[k];
    const auto& sp = b["split_pj_per_mac"];
    s += fmt::format("{:<14} {:>10.4f} {:>12} {:>10} {:>10.4f} {:>10.4f} {:>10.4f} {:>12.1f} {:>8.2f}", k, b["pj_per_mac"].get<double>(),
                     "", "", sp["internal"].get<double>(), sp["switching"].get<double>(),
                     sp["clock_and_flops"].get<double>(), b["toggles_per_mac"].get<double>(), b.value("macs_per_cycle", 0.0));
    s += extra(b) + "\n";
  }
  if (j.contains("lane_free_floor"))
    s += fmt::format("{:<14} {:>10.4f}   (the digit-serial rows at q=1 less their lane cells' {:.4f})\n", "free-lane floor",
                     j["lane_free_floor"]["pj_per_mac"].get<double>(),
                     j["lane_free_floor"]["lane_cells_pj_per_mac"].get<double>());
  if (j.contains("ratios")) s += (t ? "SDF-timed: " : "") + ratio_line(j["ratios"]) + "\n";
  if (j.contains("ratios_zero_delay")) s += "zero delay: " + ratio_line(j["ratios_zero_delay"]) + "\n";
  s += "Caveats: " + j["caveats"].get<std::string>() + "\n";
  return s;
}

std::string energy_markdown(const nlohmann::json& j, const fs::path& out_dir) {
  const int width = j["shape"]["width"].get<int>();
  // Error metric per level (exhaustive, same definitions as `qsq metrics`) for the second axis.
  const auto metrics = multiplier_metrics(width, all_levels(width), 1, 0);
  const bool t = timed(j);
  const bool grid = j.value("design", "") == "qsq_grid";
  const std::string design = grid ? fmt::format("grid M={} x N={} ({} slots), W={}", j["shape"]["rows"].get<int>(),
                                                j["shape"]["lanes"].get<int>(), j["shape"]["slots"].get<int>(), width)
                                  : fmt::format("array W={} N={}", width, j["shape"]["lanes"].get<int>());
  std::string s = fmt::format(
      "Workload **{}** (seed {}{}), library `{}`, clock {} ns, {}, {}, {}. Caveats: {}.\n\n",
      j["workload"].get<std::string>(), j["seed"].get<std::uint64_t>(),
      j.contains("trace") ? ", trace `" + j["trace"].get<std::string>() + "`" : std::string(), j["library"].get<std::string>(),
      j["clock_ns"].get<double>(),
      grid && j["workload"] == "real" ? std::string("the whole trace per level")
                                      : fmt::format("{} cycles per level", j["cycles_per_level"].get<std::uint64_t>()),
      design, simulation_name(j), j["caveats"].get<std::string>());
  if (grid) {
    // Both lane organisations: energy per MAC and throughput per level (MACs are the layers' own).
    s += "| level | digit-parallel pJ/MAC | MACs/cycle | digit-serial pJ/MAC | MACs/cycle |" +
         std::string(t ? " parallel, zero delay | serial, zero delay |\n|---|---|---|---|---|---|---|\n" : "\n|---|---|---|---|---|\n");
    for (const auto& l : j["levels"]) {
      if (!l.contains("serial")) continue;
      const auto& m = l["serial"];
      s += fmt::format("| q={} | {:.4f} | {:.2f} | {:.4f} | {:.2f} |", l["q"].get<int>(), l["pj_per_mac"].get<double>(),
                       l["macs_per_cycle"].get<double>(), m["pj_per_mac"].get<double>(), m["macs_per_cycle"].get<double>());
      if (t) s += fmt::format(" {:.4f} | {:.4f} |", l["pj_per_mac_zero_delay"].get<double>(), m["pj_per_mac_zero_delay"].get<double>());
      s += "\n";
    }
    s += fmt::format("| exact baseline | {:.4f} | {:.2f} | | |{}\n\n", j["baseline"]["pj_per_mac"].get<double>(),
                     j["baseline"]["macs_per_cycle"].get<double>(),
                     t ? fmt::format(" {:.4f} | |", j["baseline"]["pj_per_mac_zero_delay"].get<double>()) : std::string());
  }
  if (t) {
    // Both simulations side by side: what glitches add, and where.
    s += "| | pJ/MAC SDF-timed | pJ/MAC zero delay | glitch share of toggles | lanes | tree, adders, control | registers, clock |\n"
         "|---|---|---|---|---|---|---|\n";
    auto row = [&](const std::string& name, const nlohmann::json& m) {
      auto share = [&](const char* k) {
        if (!m["classes"].contains(k)) return std::string("-");
        const double v = m["classes"][k]["glitch_share"].get<double>();
        return fmt::format("{:.1f} %", std::abs(v) < 5e-4 ? 0.0 : 100.0 * v);
      };
      s += fmt::format("| {} | {:.4f} | {:.4f} | {:.1f} % | {} | {} | {} |\n", name, m["pj_per_mac"].get<double>(),
                       m["pj_per_mac_zero_delay"].get<double>(), 100.0 * m["glitch_share"].get<double>(), share("lanes"),
                       share("tree_adders_control"), share("registers_clock"));
    };
    for (const auto& l : j["levels"]) row(fmt::format("q={} p={}", l["q"].get<int>(), l["p"].get<int>()), l);
    for (const char* name : {"baseline", "plain_ungated", "bound", "signed_bound"})
      if (j.contains(name)) row(name, j[name]);
    s += "\nThe table below and the goal ratios are from the SDF-timed simulation; the zero-delay ratios follow them.\n\n";
  }
  s += "| level | pJ/MAC | pJ/MAC ungated | gating saving | internal | switching | leakage | clock+flops | logic | "
       "toggles/MAC | MRED (exhaustive) |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
  std::string dat;
  size_t k = 0;
  for (const auto& l : j["levels"]) {
    const double g = l["pj_per_mac"].get<double>(), u = l["pj_per_mac_ungated"].get<double>();
    const auto& sp = l["split_pj_per_mac"];
    const double mred = k < metrics.levels.size() ? metrics.levels[k].mred : 0.0;
    s += fmt::format("| q={} p={} | {:.4f} | {:.4f} | {:.1f}% | {:.4f} | {:.4f} | {:.5f} | {:.4f} | {:.4f} | {:.1f} | {:.5f} |\n",
                     l["q"].get<int>(), l["p"].get<int>(), g, u, 100.0 * (1.0 - g / u), sp["internal"].get<double>(),
                     sp["switching"].get<double>(), sp["leakage"].get<double>(), sp["clock_and_flops"].get<double>(),
                     sp["logic"].get<double>(), l["toggles_per_mac"].get<double>(), mred);
    dat += fmt::format("{} {} {} {} {} {} {} {}\n", l["q"].get<int>(), g, u, j["baseline"]["pj_per_mac"].get<double>(), mred,
                       t ? l["pj_per_mac_zero_delay"].get<double>() : g,
                       t ? j["baseline"]["pj_per_mac_zero_delay"].get<double>() : j["baseline"]["pj_per_mac"].get<double>(),
                       l.contains("serial") ? l["serial"]["pj_per_mac"].get<double>() : 0.0);
    ++k;
  }
  for (const char* name : {"baseline", "plain_ungated", "bound", "signed_bound"}) {
    if (!j.contains(name)) continue;
    const auto& b = j[name];
    const auto& sp = b["split_pj_per_mac"];
    s += fmt::format("| {} | {:.4f} | | | {:.4f} | {:.4f} | {:.5f} | {:.4f} | {:.4f} | {:.1f} | 0 |\n", name,
                     b["pj_per_mac"].get<double>(), sp["internal"].get<double>(), sp["switching"].get<double>(),
                     sp["leakage"].get<double>(), sp["clock_and_flops"].get<double>(), sp["logic"].get<double>(),
                     b["toggles_per_mac"].get<double>());
  }
  if (j.contains("lane_free_floor"))
    s += fmt::format("| free-lane floor (digit-serial q = 1 less its lane cells) | {:.4f} | | | | | | | | | |\n",
                     j["lane_free_floor"]["pj_per_mac"].get<double>());
  if (j.contains("ratios")) {
    const auto& r = j["ratios"];
    // The goals of the one-row array (issue 5) and of the grid (issue 12, on the real LeNet-5 trace).
    s += fmt::format("\nGoal ratios ({} workload): exact level / exact baseline = **{:.3f}** (goal <= {}); lowest level / "
                     "baseline = **{:.3f}** (goal <= {})",
                     j["workload"].get<std::string>(), r["exact_over_baseline"].get<double>(), grid ? "1.05" : "1.10",
                     r["lowest_over_baseline"].get<double>(), grid ? "0.50" : "0.40");
    if (r.contains("bound_over_baseline") && r.contains("signed_bound_over_baseline")) {
      s += fmt::format(" (floors with these registers, gating and sum: the bound, lanes with no multiplier at all, is "
                       "**{:.3f}**, below which no lane datapath can go; the signed bound, lanes that pass a with the "
                       "weight's sign, is **{:.3f}**, below which no lane whose products keep their signs, as every "
                       "level's do, can go",
                       r["bound_over_baseline"].get<double>(), r["signed_bound_over_baseline"].get<double>());
      if (r.contains("lane_free_floor_over_baseline"))
        s += fmt::format("; the free-lane floor, the digit-serial rows at q = 1 less everything their lane cells cost, "
                         "is **{:.3f}**, below which no lane can bring a level that keeps one digit per weight",
                         r["lane_free_floor_over_baseline"].get<double>());
      s += ")";
    } else if (r.contains("bound_over_baseline"))
      s += fmt::format(" (the bound, lanes with no multiplier at all, is **{:.3f}**: no lane datapath can go below it with "
                       "these registers, gating and sum)",
                       r["bound_over_baseline"].get<double>());
    if (r.contains("gating_saving_mid"))
      s += fmt::format("; clock gating saves **{:.1f} %** at q = {} (goal >= 20 %)",
                       100.0 * r["gating_saving_mid"]["saving"].get<double>(), r["gating_saving_mid"]["q"].get<int>());
    if (r.contains("serial"))
      s += fmt::format("; digit-serial rows: exact / baseline **{:.3f}**, lowest / baseline **{:.3f}**",
                       r["serial"]["exact_over_baseline"].get<double>(), r["serial"]["lowest_over_baseline"].get<double>());
    s += ".\n";
    if (j.contains("ratios_zero_delay")) s += "\nUnder zero-delay simulation: " + ratio_line(j["ratios_zero_delay"]) + ".\n";
  }
  if (j.contains("areas")) {
    s += "\n| variant (synthesized for this measurement) | area (um^2) | kGE | cells | flops | clock gates |\n|---|---|---|---|---|---|\n";
    for (const auto& a : j["areas"])
      s += fmt::format("| {} | {:.0f} | {:.2f} | {} | {} | {} |\n", a["design"].get<std::string>(), a["area_um2"].get<double>(),
                       a["kge"].get<double>(), a["cells"].get<int>(), a["flops"].get<int>(), a["clock_gates"].get<int>());
  }
  // Plot: energy per MAC (gated, ungated, baseline) and MRED on a second axis (flow::plot_png:
  // rendered into a temporary file that is renamed into place, absolute paths, its own log).
  const fs::path out = flow::absolute_path(out_dir), plots = out / "work" / "plots";
  const std::string stem = grid ? "grid_energy_vs_level" : "energy_vs_level";
  const fs::path dat_path = plots / (stem + ".dat");
  write_file_atomic(dat_path, dat);
  const std::string gp = fmt::format(
      "set xlabel 'quality level q'\nset ylabel 'pJ per MAC'\n"
      "set y2label 'MRED (exhaustive)'\nset y2tics\nset ytics nomirror\nset key top left\nset xtics 1\nset yrange [0:*]\nset y2range [0:*]\n"
      "set title '{} workload, OSU 0.18 um, {} ns ({})'\n"
      "plot '{}' u 1:2 w lp t '{}', '' u 1:3 w lp t 'gating disabled', '' u 1:4 w l t 'exact baseline', '' u 1:5 axes x1y2 w lp t 'MRED'{}{}\n",
      j["workload"].get<std::string>(), j["clock_ns"].get<double>(),
      t ? "SDF-timed, glitches seen; dashed: zero delay" : "zero-delay, no glitches", dat_path.string(),
      grid ? "gated, digit-parallel" : "gated",
      t ? ", '' u 1:6 w lp dt 2 t 'gated, zero delay', '' u 1:7 w l dt 2 t 'baseline, zero delay'" : "",
      grid ? ", '' u 1:8 w lp t 'gated, digit-serial'" : "");
  try {
    flow::plot_png(gp, out / (stem + ".png"), plots);
    s += "\n![energy per MAC and MRED against quality level](" + stem + ".png)\n";
  } catch (const qsq::Error& e) {
    s += "\n(no plot: " + std::string(e.what()) + ")\n";
  }
  return s;
}

std::string compare_table(const nlohmann::json& j) {
  return fmt::format(
      "{} (W={}, {}), workload {} seed {}, {} ns, library {}\n"
      "  errors over {} {} pairs: mae {:.4f}  wce {:.0f}  mred {:.6f}  ep {:.4f}  mse {:.2f}  bias {:.4f}\n"
      "  area {:.0f} um^2 (plain multiplier {:.0f})   energy {:.4f} pJ/op (plain multiplier {:.4f}, ratio {:.3f}), {}\n"
      "{}Caveats: {}\n",
      j["multiplier"].get<std::string>(), j["width"].get<int>(), j["signed"].get<bool>() ? "signed" : "unsigned",
      j["workload"].get<std::string>(), j["seed"].get<std::uint64_t>(), j["clock_ns"].get<double>(),
      j["library"].get<std::string>(), j["pairs"].get<std::uint64_t>(), j["exhaustive"].get<bool>() ? "(all)" : "sampled",
      j["mae"].get<double>(), j["wce"].get<double>(), j["mred"].get<double>(), j["ep"].get<double>(), j["mse"].get<double>(),
      j["bias"].get<double>(), j["area_um2"].get<double>(), j["exact_area_um2"].get<double>(), j["pj_per_op"].get<double>(),
      j["exact_pj_per_op"].get<double>(), j["pj_per_op"].get<double>() / j["exact_pj_per_op"].get<double>(),
      timed(j) ? "SDF-timed" : "zero delay",
      timed(j) ? fmt::format("  zero delay: {:.4f} pJ/op (plain multiplier {:.4f}, ratio {:.3f}); glitch share {:.1f}% (plain {:.1f}%)\n",
                             j["zero_delay"]["pj_per_op"].get<double>(), j["zero_delay"]["exact_pj_per_op"].get<double>(),
                             j["zero_delay"]["ratio"].get<double>(), 100.0 * j["glitch_share"]["multiplier"].get<double>(),
                             100.0 * j["glitch_share"]["exact"].get<double>())
               : std::string(),
      j["caveats"].get<std::string>());
}

}  // namespace qsq::energy
