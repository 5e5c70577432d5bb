// `qsq cosim`: the Verilated RTL against the golden model, and its `qsq flow` stage.
#include "cmd_cosim.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "cli.hpp"
#include "qsq/error.hpp"
#include "qsq/rtlsim/cosim.hpp"

namespace qsq::cli {

namespace {

// Keys in a fixed, readable order: the json_header() fields first, then the headline figures.
nlohmann::ordered_json cosim_json(const rtlsim::CosimReport& r) {
  nlohmann::ordered_json j;
  const nlohmann::json header = json_header();
  j["version"] = header.at("version");
  j["git"] = header.at("git");
  for (const auto& [k, v] : header.items()) j[k] = v;  // any further header field
  j["vectors"] = r.vectors();
  j["mismatches"] = r.mismatches();
  j["levels"] = nlohmann::ordered_json::array();
  for (const auto& l : r.levels) j["levels"].push_back({{"q", l.q}, {"vectors", l.vectors}, {"mismatches", l.mismatches}});
  const auto& g = r.geometry;
  j["preset"] = g.preset;
  j["width"] = g.width;
  j["lanes"] = g.lanes;
  j["code_bits"] = g.code_bits;
  j["acc_width"] = g.acc_width;
  if (g.grid()) {
    j["rows"] = g.rows;
    j["slots"] = g.slots;
    j["serial"] = g.serial;
  }
  j["gate_en"] = g.gate_en;
  j["seed"] = r.options.seed;
  j["exhaustive"] = r.options.exhaustive;
  j["res_stall"] = r.options.res_stall;
  j["valid_gap"] = r.options.valid_gap;
  j["simulator"] = "Verilator 5.006 (zero-delay, cycle-based)";
  j["parts"] = nlohmann::ordered_json::array();
  std::uint64_t cycles = 0;
  double secs = 0;
  for (const auto& p : r.parts) {
    j["parts"].push_back({{"name", p.name}, {"vectors", p.vectors}, {"mismatches", p.mismatches},
                          {"cycles", p.cycles}, {"seconds", p.seconds}});
    if (p.cycles) {
      cycles += p.cycles;
      secs += p.seconds;
    }
  }
  j["array_cycles"] = cycles;
  // Driver + golden model + RTL together; `qsq_rtlsim_bench` measures the RTL alone.
  j["array_cycles_per_second_with_scoring"] = secs > 0 ? static_cast<double>(cycles) / secs : 0.0;
  j["first_mismatches"] = r.first_mismatches;
  return j;
}

std::string cosim_table(const rtlsim::CosimReport& r) {
  const auto& g = r.geometry;
  const std::string top = g.grid() ? fmt::format("qsq_grid preset {} (M={}, slots={}, {}, ", g.preset, g.rows, g.slots,
                                                  g.serial ? "digit-serial" : "digit-parallel")
                                    : fmt::format("qsq_array preset {} (", g.preset);
  std::string s = fmt::format("qsq cosim: RTL {}W={}, N={}, {}-bit codes, AccW={}, GateEn={}), seed {}{}\n", top,
                              g.width, g.lanes, g.code_bits, g.acc_width, g.gate_en ? 1 : 0, r.options.seed,
                              r.options.exhaustive ? ", exhaustive" : "");
  s += fmt::format("{:<18} {:>10} {:>10} {:>10} {:>8}\n", "part", "vectors", "mismatches", "cycles", "seconds");
  for (const auto& p : r.parts)
    s += fmt::format("{:<18} {:>10} {:>10} {:>10} {:>8.2f}\n", p.name, p.vectors, p.mismatches, p.cycles, p.seconds);
  s += fmt::format("{:<18} {:>10} {:>10}\n", "level", "vectors", "mismatches");
  for (const auto& l : r.levels) s += fmt::format("q={:<16} {:>10} {:>10}\n", l.q, l.vectors, l.mismatches);
  for (const auto& m : r.first_mismatches) s += "mismatch: " + m + "\n";
  s += fmt::format("total: {} vectors, {} mismatches\n", r.vectors(), r.mismatches());
  return s;
}

struct Options {
  rtlsim::CosimOptions c;
  bool no_gate = false;
  bool json = false;
};

}  // namespace

void register_cosim(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "cosim",
      "Co-simulate the Verilated RTL (rtl/qsq_array, rtl/qsq_lane; rtl/qsq_grid with a grid preset) against the golden model.\n"
      "Drives weight loads and N-term dot products with random back-pressure and valid gaps and scores "
      "every result against qsq::qs_weight / codebook decode / wrap_acc. With --exhaustive: every signed "
      "8-bit (a, w) pair at every quality level through qsq_lane and through the array (decoder bypassed), "
      "plus at least 100000 random dot products. Exit status 1 on any mismatch.");
  cmd->add_flag("--exhaustive", o->c.exhaustive, "all operand pairs at every level, >= 100000 random dot products");
  cmd->add_option("--vectors", o->c.vectors, "random dot products (and random lane pairs without --exhaustive)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  cmd->add_option("--seed", o->c.seed, "seed of operands and traffic")->capture_default_str();
  cmd->add_option("--preset", o->c.preset, "RTL parameter preset (config/params.json)")
      ->capture_default_str()
      ->check(CLI::IsMember({"default", "small", "grid-small", "grid", "grid-large"}));
  cmd->add_flag("--serial", o->c.serial, "grid presets: the digit-serial lanes (qsq_grid Serial = 1)");
  cmd->add_flag("--no-gate", o->no_gate, "use the model built with GateEn = 0 (default and grid-small presets)");
  cmd->add_option("--stall", o->c.res_stall, "probability of res_ready low per cycle")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.95));
  cmd->add_option("--gap", o->c.valid_gap, "probability of an idle cycle before each operation")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.95));
  cmd->add_option("--trace", o->c.trace, "write an FST waveform of the array (GTKWave) to this file");
  cmd->add_flag("--json", o->json, "print JSON instead of a table");
  cmd->callback([o] {
    auto c = o->c;
    c.gate_en = !o->no_gate;
    if (!c.gate_en && c.preset != "default" && c.preset != "grid-small")
      throw Failure("--no-gate is built for the default and grid-small presets only");
    if (!c.gate_en && !c.trace.empty()) throw Failure("--trace needs the gated model (drop --no-gate)");
    if (!c.trace.empty()) {
      const auto dir = std::filesystem::absolute(c.trace).parent_path();
      if (!std::filesystem::is_directory(dir)) throw Failure("cannot write trace: no directory " + dir.string());
    }
    rtlsim::CosimReport r;
    try {
      r = rtlsim::run_cosim(c);
    } catch (const qsq::Error& e) {
      throw Failure(e.what());
    }
    if (o->json) std::cout << cosim_json(r).dump(2) << '\n';
    else std::cout << cosim_table(r);
    if (r.mismatches() != 0) throw Failure(fmt::format("{} of {} results differ from the golden model", r.mismatches(), r.vectors()));
  });

  flow::add_stage({
      .name = "cosim",
      .title = "RTL co-simulation against the golden model",
      .code = {"rtlsim"},
      .params = [](const StageContext&) { return std::string("presets default, small; seed 1"); },
      .run = [](StageContext& ctx) {
        nlohmann::json out = json_header();
        out["presets"] = nlohmann::json::array();  // cached as plain JSON
        for (const char* preset : {"default", "small"}) {
          rtlsim::CosimOptions c;
          c.preset = preset;
          c.exhaustive = !ctx.quick && std::string(preset) == "default";
          c.vectors = ctx.quick ? 5000 : 100000;
          const auto r = rtlsim::run_cosim(c);
          out["presets"].push_back(nlohmann::json::parse(cosim_json(r).dump()));
          if (r.mismatches() != 0)
            throw Failure(fmt::format("cosim ({} preset): {} mismatches, first: {}", preset, r.mismatches(),
                                      r.first_mismatches.empty() ? "" : r.first_mismatches.front()));
        }
        return out;
      },
      .markdown = [](const nlohmann::json& j, const StageContext&) {
        std::string md = "Verilated `qsq_array` (and `qsq_lane`) against the golden model, "
                         "random back-pressure and valid gaps; every result scored.\n\n"
                         "| preset | W | N | AccW | seed | exhaustive | vectors | mismatches |\n|---|---|---|---|---|---|---|---|\n";
        for (const auto& p : j.at("presets"))
          md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", p.at("preset").get<std::string>(),
                            p.at("width").get<int>(), p.at("lanes").get<int>(), p.at("acc_width").get<int>(),
                            p.at("seed").get<std::uint64_t>(), p.at("exhaustive").get<bool>() ? "yes" : "no",
                            p.at("vectors").get<std::uint64_t>(), p.at("mismatches").get<std::uint64_t>());
        return md + "\n";
      }});
}

}  // namespace qsq::cli
