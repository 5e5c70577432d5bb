#include "qsq/energy/gatesim.hpp"

#include <chrono>
#include <regex>
#include <sstream>

#include "qsq/flow/hash.hpp"
#include "qsq/flow/progress.hpp"
#include "qsq/flow/provenance.hpp"
#include "qsq/energy/toolrun.hpp"
#include "qsq/error.hpp"

namespace qsq::energy {

fs::path liberty_cell_models(const std::string& liberty, const fs::path& work) {
  const fs::path scripts = energy_source_dir() / "scripts";
  const std::string tmpl = read_file(scripts / "cells.ys.in");
  const std::string h = flow::hash_hex(tmpl + flow::hash_file(liberty) + flow::external_tool_version("yosys"));
  const fs::path dir = flow::cached_dir(flow::absolute_path(work) / "cache" / ("cells-" + h), [&](const fs::path& tmp) {
    write_file_atomic(tmp / "cells.ys", expand_template(tmpl, {{"LIB", ys_quote(flow::absolute_path(liberty).string())},
                                                               {"CELLS", ys_quote((tmp / "osu_cells.v").string())}}));
    run_tool("yosys -q -s " + shell_quote((tmp / "cells.ys").string()), tmp / "yosys.log", "yosys cell models");
  });
  return dir / "osu_cells.v";
}

GateSim build_gate_sim(const AsicResult& a, DriverKind kind, const std::string& liberty, const fs::path& work) {
  const fs::path driver = energy_source_dir() / "driver" / "energy_driver.cpp";
  const fs::path vlt = energy_source_dir() / "scripts" / "coverage.vlt";
  const fs::path cells = liberty_cell_models(liberty, work);
  const std::string define = kind == DriverKind::array  ? "QSQ_DRIVER_ARRAY"
                             : kind == DriverKind::grid ? "QSQ_DRIVER_GRID"
                                                        : "QSQ_DRIVER_MULT";
  // The driver includes the golden model's bit fields (qsq/bits.hpp) and nothing else of qsq.
  const fs::path model_include = source_root() / "model" / "include";
  // The driver is compiled with the netlist: its folder, the model header it includes (and the
  // code that builds it) are in the key.
  const std::string h = flow::hash_hex(a.hash + flow::hash_file(cells) + flow::hash_dir(driver.parent_path()) +
                                       flow::hash_file(model_include / "qsq" / "bits.hpp") +
                                       flow::hash_file(vlt) + define + flow::external_tool_version("verilator") + a.top +
                                       flow::code_unit_hash("gatesim"));
  GateSim g;
  g.top = a.top;
  g.hash = h;
  bool built = false;
  const auto t0 = std::chrono::steady_clock::now();
  const fs::path dir = flow::cached_dir(flow::absolute_path(work) / "cache" / ("gatesim-" + h), [&](const fs::path& tmp) {
    // Verilator's make runs inside --Mdir: every path on this line is absolute (a relative -o is
    // taken relative to the Mdir). --coverage-underscore: Yosys names most nets _123_;
    // --coverage-max-width: wide ports still count; --comp-limit-syms: Verilator 5.006 replaces a
    // symbol longer than its limit by a hash (__Vhsh...), in the coverage point's name too, which
    // then matches no net (the grid's flattened row.group.lane names are that long).
    const std::string cmd = "verilator --cc --exe --build -j 2 --prefix Vdut --top-module " + a.top +
                            " --coverage-toggle --coverage-underscore --coverage-max-width 65536 --comp-limit-syms 8192" +
                            " -Wno-fatal -Wno-lint -Wno-style -Wno-MULTIDRIVEN -Wno-UNOPTFLAT" + " -CFLAGS " +
                            shell_quote("-D" + define + " -std=c++17 -I" + model_include.string() + " -I" + driver.parent_path().string()) +
                            " --Mdir " + shell_quote((tmp / "obj").string()) +
                            " -o " + shell_quote((tmp / "energy_sim").string()) + " " + shell_quote(vlt.string()) + " " +
                            shell_quote(cells.string()) + " " + shell_quote(flow::absolute_path(a.netlist).string()) + " " +
                            shell_quote(driver.string());
    run_tool(cmd, tmp / "verilator.log", "Verilator build of the " + a.label + " netlist");
    std::error_code ec;
    fs::remove_all(tmp / "obj", ec);  // keep only the executable: the object directory is large
    if (!fs::exists(tmp / "energy_sim"))
      throw Error("Verilator build of the " + a.label + " netlist wrote no executable (see " + (tmp / "verilator.log").string() + ")");
  }, &built);
  g.exe = dir / "energy_sim";
  g.cached = !built;
  if (built) g.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return g;
}

bool parse_block_line(const std::string& line, BlockResult& b, int& index) {
  std::istringstream ls(line);
  std::string tag, k;
  ls >> tag;
  if (tag != "block") return false;
  ls >> index >> b.name;
  while (ls >> k) {
    if (k == "cycles") ls >> b.cycles;
    else if (k == "beats") ls >> b.beats;
    else if (k == "loads") ls >> b.loads;
    else if (k == "results") ls >> b.results;
    else if (k == "mismatches") ls >> b.mismatches;
    else if (k == "first") ls >> b.first_mismatch;
  }
  return true;
}

std::vector<BlockResult> run_gate_sim(const GateSim& sim, const fs::path& stimulus_in, const fs::path& out_in) {
  const fs::path stimulus = flow::absolute_path(stimulus_in), out_dir = flow::absolute_path(out_in);
  fs::create_directories(out_dir);
  for (const auto& e : fs::directory_iterator(out_dir))
    if (e.path().filename().string().rfind("coverage_", 0) == 0 || e.path().filename() == "blocks.txt")
      fs::remove(e.path());
  run_tool(shell_quote(sim.exe.string()) + " " + shell_quote(stimulus.string()) + " " + shell_quote(out_dir.string()),
           out_dir / "sim.log", "gate-level simulation of " + sim.top);
  std::vector<BlockResult> out;
  std::istringstream in(read_file(out_dir / "blocks.txt"));
  bool done = false;
  for (std::string l; std::getline(in, l);) {
    if (l.rfind("done", 0) == 0) done = true;
    BlockResult b;
    int idx = 0;
    if (!parse_block_line(l, b, idx)) continue;
    b.coverage = out_dir / ("coverage_" + std::to_string(idx) + ".dat");
    b.outputs = out_dir / ("outputs_" + std::to_string(idx) + ".txt");
    out.push_back(b);
  }
  if (!done) throw Error("gate-level simulation of " + sim.top + " stopped early (see " + (out_dir / "sim.log").string() + ")");
  return out;
}

}  // namespace qsq::energy
