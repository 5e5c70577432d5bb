// `qsq synth`, `qsq energy`, `qsq compare-mult` and the flow stages "synth" and "energy".
#include "cmd_energy.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli.hpp"
#include "qsq/contract.hpp"
#include "qsq/defaults.hpp"
#include "qsq/energy/compare_mult.hpp"
#include "qsq/energy/energy_flow.hpp"
#include "qsq/energy/toolrun.hpp"
#include "qsq/error.hpp"
#include "report.hpp"

namespace qsq::cli {

namespace {

namespace qe = qsq::energy;
namespace fs = std::filesystem;

void check_clock(double ns) {
  if (!(ns > 0.1 && ns < 1e6)) throw Failure(fmt::format("--clock-ns {} is out of range (0.1, 1e6)", ns));
}

qe::ArrayShape shape_of(const std::string& preset) {
  // A grid preset keeps its rows and slots (qsq synth synthesizes qsq_grid; qsq energy refuses it).
  for (const auto& p : qsq::presets::kAll)
    if (preset == p.name) return qe::ArrayShape(p);
  throw Failure("unknown preset '" + preset + "'");
}

void add_synth(CLI::App& app) {
  struct Opt {
    double clock_ns = 10.0;
    bool no_fpga = false, no_pnr = false, quick = false;
    std::string work = "out/work/energy", liberty, preset = "default";
    int lanes = 0, rows = 0;
  };
  auto o = std::make_shared<Opt>();
  auto* cmd = add_report_command<Opt>(
      app, "synth",
      "Synthesize qsq_array (and the baseline array and the lane alone) to OSU 0.18 um standard cells with Yosys:\n"
      "area in um^2 and kGE (NAND2X1 = 1 GE), cell counts, OpenSTA timing under constraints/qsq.sdc (worst slack,\n"
      "critical path, fmax); iCE40 LUTs/flip-flops with nextpnr-ice40 fmax (constraints/qsq_ice40.pcf) and\n"
      "Xilinx 7-series resource counts (constraints/qsq.xdc). Results are cached in the work directory.",
      o,
      [](Opt& x) {
        check_clock(x.clock_ns);
        const std::string lib = x.liberty.empty() ? qe::default_liberty() : x.liberty;
        qe::ArrayShape shape = shape_of(x.preset);
        if (x.rows > 0 && !shape.grid()) throw Failure("--rows overrides the grid presets only (qsq_array is one row)");
        if (x.lanes > 0) shape.lanes = x.lanes;
        if (x.rows > 0) shape.rows = x.rows;
        return qe::synth_json(x.clock_ns, lib, x.work, !x.no_fpga, !(x.no_pnr || x.quick), x.quick, shape);
      },
      qe::synth_table);
  cmd->add_option("--clock-ns", o->clock_ns, "clock period for timing (ns)")->capture_default_str();
  cmd->add_option("--work", o->work, "work and cache directory")->capture_default_str();
  cmd->add_option("--liberty", o->liberty, "liberty file (default: OSU 0.18 um from qflow-tech-osu018)");
  cmd->add_option("--preset", o->preset,
                  "array parameters: default (W=8 N=8) or small (W=5 N=3); the 2-D grid: grid-small, grid (M=N=8), "
                  "grid-large (M=N=16), synthesized hierarchically; FPGA runs: default only")
      ->capture_default_str()->check(CLI::IsMember({"default", "small", "grid-small", "grid", "grid-large"}));
  cmd->add_option("--lanes", o->lanes, "override the preset's number of lanes N (as `qsq energy --lanes`; FPGA runs: default shape only)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--rows", o->rows, "grid presets: override the number of filter rows M (with --lanes: any M x N grid)")
      ->check(CLI::Range(qsq::limits::kRowsMin, qsq::limits::kRowsMax));
  cmd->add_flag("--no-fpga", o->no_fpga, "skip the iCE40 and Xilinx runs");
  cmd->add_flag("--no-pnr", o->no_pnr, "iCE40: synthesis counts only, no nextpnr fmax");
  cmd->add_flag("--quick", o->quick, "the array only, no FPGA place and route (CI)");
}

// The energy run a user asked for: the preset's shape, the workload (real: --trace, else the
// flow's out/operands.trace), checked options.
qe::EnergyOptions resolve(qe::EnergyOptions e, const std::string& work, const std::string& saif_dir,
                          const std::string& preset, int lanes, const std::string& workload) {
  check_clock(e.clock_ns);
  e.work = work;
  e.saif_dir = saif_dir;
  e.shape = shape_of(preset);
  if (lanes > 0 && e.shape.grid()) throw Failure("--lanes overrides the one-row array's presets only");
  if (lanes > 0) e.shape.lanes = lanes;
  // The grid replays a grid trace (out/operands-grid.trace from `qsq flow`), the array a one-row one.
  const fs::path default_trace = e.shape.grid() ? qe::default_grid_trace() : qe::default_trace();
  if (workload.empty()) {
    e.workload = fs::exists(default_trace) ? "real" : "stationary";
    if (e.workload == "real" && e.trace.empty()) e.trace = default_trace.string();
  } else {
    e.workload = workload;
  }
  if (e.workload == "real" && e.trace.empty()) {
    if (!fs::exists(default_trace))
      throw Failure("--workload real needs --trace FILE (" + default_trace.string() +
                    ", which `qsq flow` writes, does not exist here)");
    e.trace = default_trace.string();
  }
  if (e.workload != "real" && !e.trace.empty()) throw Failure("--trace is only used with --workload real");
  return e;
}

// --delays and --pulse-filter, shared by energy and compare-mult.
void add_delay_options(CLI::App* cmd, std::string& delays, std::string& pulse_filter) {
  cmd->add_option("--delays", delays, "zero | sdf: gate-level simulation without or with SDF timing (glitches)")
      ->capture_default_str()->check(CLI::IsMember({"zero", "sdf"}));
  cmd->add_option("--pulse-filter", pulse_filter,
                  "timed simulation: inertial (Verilog/SDF semantics: pulses shorter than a delay vanish) or transport\n"
                  "(every pulse passes: an upper bound, to see what the choice is worth)")
      ->capture_default_str()->check(CLI::IsMember({"inertial", "transport"}));
}

void add_energy(CLI::App& app) {
  struct Opt {
    qe::EnergyOptions e;
    std::string workload;
    std::string saif_dir, work = "out/work/energy", preset = "default", delays = "sdf", pulse_filter = "inertial";
    int lanes = 0;
  };
  auto o = std::make_shared<Opt>();
  auto* cmd = add_report_command<Opt>(
      app, "energy",
      "Energy per multiply-accumulate of qsq_array (or, with a grid preset, the 2-D qsq_grid) for every quality level,\n"
      "from toggle counts of the synthesized\n"
      "gate-level netlist (Verilator, cell models from the liberty) under one workload, every result checked against\n"
      "the golden model during the run. Reports each level gated and with clock gating disabled, the exact baseline\n"
      "(plain a*w lanes, same registers and gating), a fully ungated plain array and the bound (lanes with no multiplier:\n"
      "the floor under any lane datapath in this array), split into internal / switching /\n"
      "leakage and clock+flops / logic, plus toggles per MAC.\n"
      "--delays sdf (default): an SDF-timed simulation (OpenSTA's per-arc rise/fall delays of the same netlist; inertial,\n"
      "as Verilog specify paths) that sees glitches; the figures come from it, with the zero-delay ones and the glitch\n"
      "share per net class beside them (about 1 minute for all levels of the default array). --delays zero: the\n"
      "zero-delay simulation alone (seconds when warm), glitches not seen.\n"
      "Workloads: random, stationary (weights held 64 beats, half-zero ReLU-like activations), real (--trace FILE in\n"
      "the qsq-trace format of docs/energy.md; default: out/operands.trace, which `qsq flow` writes; the default workload\n"
      "when that file exists).\n"
      "Grid presets (grid-small, grid, grid-large): qsq_grid in the same five variants plus the digit-serial rows\n"
      "(qsq_serial), the signed bound (lanes pass -a, 0 or a with the weight's sign: the floor under any lane whose\n"
      "products keep their signs) and the free-lane floor (the digit-serial rows at q=1 less what their lane cells cost:\n"
      "the floor under any lane of a one-digit level), MACs per cycle (throughput) beside pJ per MAC; MACs are the layers' own\n"
      "(padded lanes and rows without a filter are not counted). --workload real replays a grid trace (qsq export\n"
      "--grid-trace; default out/operands-grid.trace) once, whole.",
      o,
      [](Opt& x) {
        qe::EnergyOptions e = resolve(x.e, x.work, x.saif_dir, x.preset, x.lanes, x.workload);
        e.delays = qe::parse_delays(x.delays);
        e.pulse_filter = qe::parse_pulse_filter(x.pulse_filter);
        return qe::run_energy(e).to_json();
      },
      qe::energy_table);
  add_delay_options(cmd, o->delays, o->pulse_filter);
  cmd->add_option("--workload", o->workload, "random | stationary | real")
      ->check(CLI::IsMember({"random", "stationary", "real"}));
  cmd->add_option("--trace", o->e.trace, "operand trace for --workload real (default: out/operands.trace)");
  cmd->add_option("--seed", o->e.seed, "workload seed")->capture_default_str();
  cmd->add_option("--cycles", o->e.cycles, "clock cycles per level")->capture_default_str()->check(CLI::Range(100, 10000000));
  cmd->add_option("--clock-ns", o->e.clock_ns, "clock period (ns)")->capture_default_str();
  cmd->add_option("--work", o->work, "work and cache directory (Verilated netlists are cached here)")->capture_default_str();
  cmd->add_option("--liberty", o->e.liberty, "liberty file (default: OSU 0.18 um)");
  cmd->add_option("--saif", o->saif_dir, "write one backward SAIF per level of the gated array into this directory");
  cmd->add_option("--preset", o->preset,
                  "array parameters: default (W=8 N=8) or small (W=5 N=3); the 2-D grid: grid-small, grid (M=N=8), grid-large (M=N=16)")
      ->capture_default_str()->check(CLI::IsMember({"default", "small", "grid-small", "grid", "grid-large"}));
  cmd->add_option("--lanes", o->lanes, "override the preset's number of lanes N (array width; the synthetic workloads follow it)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--breakdown", o->e.breakdown, "add the N most expensive nets and per-class totals (JSON)")
      ->check(CLI::Range(0, 100000));
  cmd->add_flag("--fanout-buffering", o->e.fanout_buffering,
                "synthesize with ABC's fanout buffering and gate sizing to the clock (abc -D -constr), as a timing-driven "
                "flow would; default off: unbuffered high-fanout nets (broadcasts, selects) have slews of several ns; needs --delays zero");
}

void add_compare(CLI::App& app) {
  struct Opt {
    qe::CompareMultOptions c;
    std::string file, work = "out/work/energy", delays = "sdf", pulse_filter = "inertial";
    int lane_q = 0, lane_p = 0;
  };
  auto o = std::make_shared<Opt>();
  auto* cmd = add_report_command<Opt>(
      app, "compare-mult",
      "Put any combinational W x W multiplier (Verilog: two W-bit inputs, one 2W-bit output) through the same\n"
      "registered wrapper, synthesis and gate-level energy flow as qsq's lane: exhaustive error metrics (keys of\n"
      "`qsq metrics`), area_um2, pj_per_op, and exact_pj_per_op of a plain multiplier of the same width and\n"
      "signedness in the same wrapper and stream. --lane measures qsq's own lane (N = 1) at --q/--p instead.",
      o,
      [](Opt& x) {
        check_clock(x.c.clock_ns);
        qe::CompareMultOptions c = x.c;
        c.work = x.work;
        c.delays = qe::parse_delays(x.delays);
        c.pulse_filter = qe::parse_pulse_filter(x.pulse_filter);
        if (c.lane) {
          if (!x.file.empty()) throw Failure("--lane measures qsq's lane: give no Verilog file");
          c.lane_q = {x.lane_q, x.lane_p};
          c.is_signed = true;
          qsq::validate_quality(c.lane_q, c.lane_width);
        } else {
          if (x.file.empty()) throw Failure("compare-mult needs a Verilog FILE (or --lane)");
          if (c.top.empty()) throw Failure("compare-mult needs --top NAME");
          c.file = x.file;
        }
        return qe::compare_mult(c).to_json(c, c.liberty.empty() ? qe::default_liberty() : c.liberty);
      },
      qe::compare_table);
  cmd->add_option("file", o->file, "Verilog file of the multiplier");
  cmd->add_option("--top", o->c.top, "module name of the multiplier");
  cmd->add_flag("--signed", o->c.is_signed, "operands and product are two's complement");
  cmd->add_option("--a", o->c.a_port, "first operand port (default: first input)");
  cmd->add_option("--b", o->c.b_port, "second operand port (default: second input)");
  cmd->add_option("--p", o->c.p_port, "product port (default: the output)");
  cmd->add_flag("--lane", o->c.lane, "measure qsq's own lane (signed, N = 1) instead of a file");
  cmd->add_option("--q", o->lane_q, "--lane: quality level (0 = exact)")->capture_default_str();
  cmd->add_option("--p-drop", o->lane_p, "--lane: drop digits below this position")->capture_default_str();
  cmd->add_option("--width", o->c.lane_width, "--lane: operand width")->capture_default_str()->check(CLI::Range(4, 16));
  cmd->add_option("--workload", o->c.workload, "random | stationary")->capture_default_str()
      ->check(CLI::IsMember({"random", "stationary"}));
  cmd->add_option("--seed", o->c.seed, "stream seed")->capture_default_str();
  cmd->add_option("--cycles", o->c.cycles, "energy stream length (cycles)")->capture_default_str()->check(CLI::Range(100, 10000000));
  cmd->add_option("--clock-ns", o->c.clock_ns, "clock period (ns)")->capture_default_str();
  cmd->add_option("--work", o->work, "work and cache directory")->capture_default_str();
  cmd->add_option("--liberty", o->c.liberty, "liberty file (default: OSU 0.18 um)");
  add_delay_options(cmd, o->delays, o->pulse_filter);
}

// What the synth and energy stages read besides their code: the RTL, constraints and the flow's
// own scripts and stimulus driver, all read from the source tree at run time.
std::string source_inputs(std::initializer_list<fs::path> dirs) {
  std::string key;
  for (const auto& d : dirs) key += d.filename().string() + "\n" + hash_dir(d);
  return key;
}

// The key of an energy stage: the liberty, the RTL, scripts and driver it reads, and the trace of
// the net-trace stage it measures (its result's `trace_field`), when there is one.
std::string energy_stage_key(const StageContext& ctx, const char* trace_field) {
  const fs::path root = qe::source_root(), energy = qe::energy_source_dir();
  std::string key = "liberty " + qe::default_liberty() + " " + hash_file(qe::default_liberty()) + "\n" +
                    source_inputs({root / "rtl", energy / "scripts", energy / "driver"});
  if (ctx.has_upstream("net-trace") && ctx.upstream("net-trace").contains(trace_field))
    key += "trace " + hash_file(ctx.upstream("net-trace").at(trace_field).get<std::string>());
  return key;
}

// An energy stage's result; a failed measurement fails the stage with its one-line error.
nlohmann::json energy_stage_result(const qe::EnergyOptions& e) {
  try {
    return qe::run_energy(e).to_json();
  } catch (const qsq::Error& ex) {
    throw Failure(ex.what());
  }
}

void add_stages() {
  const fs::path root = qe::source_root(), energy = qe::energy_source_dir();
  flow::add_stage({
      .name = "synth",
      .title = "Implementation: area, timing, FPGA resources",
      .code = {"synth-report"},
      .tools = {"yosys", "sta", "nextpnr-ice40"},
      .params = [=](const StageContext&) {
        return "clock 10 ns, liberty " + qe::default_liberty() + " " + hash_file(qe::default_liberty()) + "\n" +
               source_inputs({root / "rtl", root / "constraints", energy / "scripts"});
      },
      .run = [](StageContext& ctx) {
        try {
          return qe::synth_json(10.0, qe::default_liberty(), ctx.out_dir / "work" / "energy", true, !ctx.quick, ctx.quick);
        } catch (const qsq::Error& e) {
          throw Failure(e.what());
        }
      },
      .markdown = [](const nlohmann::json& j, const StageContext&) { return qe::synth_markdown(j); }});
  // The real workload is the operand trace of the net-trace stage when this build has the
  // networks; otherwise the synthetic stationary stream. Quick mode (CI) simulates fewer cycles.
  flow::add_stage({
      .name = "energy",
      .title = "Energy per MAC against quality level (gate-level toggles, SDF-timed and zero delay)",
      .after = {"net-trace"},
      .code = {"energy"},
      .tools = {"yosys", "verilator", "sta"},
      .params = [=](const StageContext& ctx) { return "delays sdf\n" + energy_stage_key(ctx, "trace"); },
      .run = [](StageContext& ctx) {
        qe::EnergyOptions e;
        e.work = ctx.out_dir / "work" / "energy";
        e.workload = "stationary";
        if (ctx.has_upstream("net-trace")) {
          e.workload = "real";
          e.trace = ctx.upstream("net-trace").at("trace").get<std::string>();
        }
        e.cycles = ctx.quick ? 1000 : 10000;
        e.saif_dir = ctx.work_dir / "saif";
        e.delays = qe::Delays::sdf;  // the figures a power engineer signs; zero delay is reported beside them
        return energy_stage_result(e);
      },
      .markdown = [](const nlohmann::json& j, const StageContext& ctx) { return qe::energy_markdown(j, ctx.out_dir); }});
  // The 2-D grid (preset grid) on the grid trace of the net-trace stage: every conv layer of
  // LeNet-5 and of the ConvNet, one image each, replayed whole, by the same method (SDF-timed,
  // zero delay beside it). Quick mode (CI) measures grid-small on 1000 stationary cycles at zero
  // delay instead: its point is that the stage runs cold, not the figures.
  flow::add_stage({
      .name = "energy-grid",
      .title = "Energy per MAC and MACs per cycle of the 2-D grid against quality level (both lane organisations)",
      .after = {"net-trace"},
      .code = {"energy"},
      .tools = {"yosys", "verilator", "sta"},
      .params = [=](const StageContext& ctx) { return energy_stage_key(ctx, "grid_trace"); },
      .run = [](StageContext& ctx) {
        qe::EnergyOptions e;
        e.work = ctx.out_dir / "work" / "energy";
        e.shape = qsq::presets::kGrid;
        e.workload = "stationary";
        e.cycles = 10000;
        e.delays = qe::Delays::sdf;
        if (ctx.quick) {
          e.shape = qsq::presets::kGridSmall;
          e.cycles = 1000;
          e.delays = qe::Delays::zero;
        } else if (ctx.has_upstream("net-trace") && ctx.upstream("net-trace").contains("grid_trace")) {
          e.workload = "real";
          e.trace = ctx.upstream("net-trace").at("grid_trace").get<std::string>();
        }
        return energy_stage_result(e);
      },
      .markdown = [](const nlohmann::json& j, const StageContext& ctx) { return qe::energy_markdown(j, ctx.out_dir); }});
}

}  // namespace

void register_energy(CLI::App& app) {
  add_synth(app);
  add_energy(app);
  add_compare(app);
  add_stages();
}

}  // namespace qsq::cli
