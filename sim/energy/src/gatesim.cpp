#include "qsq/energy/gatesim.hpp"

#include <unistd.h>

#include <chrono>
#include <regex>
#include <sstream>

#include "cli.hpp"
#include "qsq/energy/toolrun.hpp"
#include "qsq/error.hpp"

namespace qsq::energy {

namespace {

// Cell models from the liberty, with toggle coverage off (only the netlist's nets are counted).
fs::path cell_models(const std::string& liberty, const fs::path& work) {
  const fs::path scripts = energy_source_dir() / "scripts";
  const std::string tmpl = read_text(scripts / "cells.ys.in");
  const fs::path dir = work / "cache" / ("cells-" + cli::hash_hex(tmpl + cli::hash_file(liberty)));
  const fs::path cells = dir / "osu_cells.v";
  if (fs::exists(cells)) return cells;
  fs::create_directories(dir);
  write_text(dir / "cells.ys", expand_template(tmpl, {{"LIB", ys_quote(liberty)},
                                                      {"CELLS", ys_quote((dir / "cells.tmp").string())}}));
  run_tool("yosys -q -s " + shell_quote((dir / "cells.ys").string()), dir / "yosys.log", "yosys cell models");
  fs::rename(dir / "cells.tmp", cells);
  return cells;
}

}  // namespace

GateSim build_gate_sim(const AsicResult& a, DriverKind kind, const std::string& liberty, const fs::path& work) {
  const fs::path driver = energy_source_dir() / "driver" / "energy_driver.cpp";
  const fs::path vlt = energy_source_dir() / "scripts" / "coverage.vlt";
  const fs::path cells = cell_models(liberty, work);
  const std::string define = kind == DriverKind::array ? "QSQ_DRIVER_ARRAY" : "QSQ_DRIVER_MULT";
  static const std::string verilator_version = [] {
    fs::path tmp = fs::temp_directory_path() / ("qsq_vl_" + std::to_string(::getpid()));
    std::string v;
    if (std::system(("verilator --version > " + shell_quote(tmp.string()) + " 2>&1").c_str()) == 0) v = read_text(tmp);
    std::error_code ec;
    fs::remove(tmp, ec);
    return v;
  }();
  const std::string h = cli::hash_hex(a.hash + cli::hash_file(cells) + cli::hash_file(driver) + cli::hash_file(vlt) +
                                      define + verilator_version + a.top);
  const fs::path dir = work / "cache" / ("gatesim-" + h);
  GateSim g;
  g.top = a.top;
  g.hash = h;
  g.exe = dir / "energy_sim";
  if (fs::exists(g.exe)) {
    g.cached = true;
    return g;
  }
  fs::create_directories(dir);
  const auto t0 = std::chrono::steady_clock::now();
  // --coverage-underscore: Yosys names most nets _123_; --coverage-max-width: wide ports still count.
  std::string cmd = "verilator --cc --exe --build -j 2 --prefix Vdut --top-module " + a.top +
                    " --coverage-toggle --coverage-underscore --coverage-max-width 65536" +
                    " -Wno-fatal -Wno-lint -Wno-style -Wno-MULTIDRIVEN -Wno-UNOPTFLAT" +
                    " -CFLAGS " + shell_quote("-D" + define + " -std=c++17") + " --Mdir " + shell_quote((dir / "obj").string()) +
                    " -o " + shell_quote(g.exe.string()) + " " + shell_quote(vlt.string()) + " " + shell_quote(cells.string()) +
                    " " + shell_quote(a.netlist.string()) + " " + shell_quote(driver.string());
  run_tool(cmd, dir / "verilator.log", "Verilator build of the " + a.label + " netlist");
  // Keep only the executable: the object directory is large.
  std::error_code ec;
  fs::remove_all(dir / "obj", ec);
  g.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return g;
}

std::vector<BlockResult> run_gate_sim(const GateSim& sim, const fs::path& stimulus, const fs::path& out_dir) {
  fs::create_directories(out_dir);
  for (const auto& e : fs::directory_iterator(out_dir))
    if (e.path().filename().string().rfind("coverage_", 0) == 0 || e.path().filename() == "blocks.txt")
      fs::remove(e.path());
  run_tool(shell_quote(sim.exe.string()) + " " + shell_quote(stimulus.string()) + " " + shell_quote(out_dir.string()),
           out_dir / "sim.log", "gate-level simulation of " + sim.top);
  std::vector<BlockResult> out;
  std::istringstream in(read_text(out_dir / "blocks.txt"));
  bool done = false;
  for (std::string l; std::getline(in, l);) {
    std::istringstream ls(l);
    std::string tag;
    ls >> tag;
    if (tag == "done") {
      done = true;
      continue;
    }
    if (tag != "block") continue;
    BlockResult b;
    int idx = 0;
    std::string k;
    ls >> idx >> b.name;
    while (ls >> k) {
      if (k == "cycles") ls >> b.cycles;
      else if (k == "beats") ls >> b.beats;
      else if (k == "loads") ls >> b.loads;
      else if (k == "results") ls >> b.results;
      else if (k == "mismatches") ls >> b.mismatches;
      else if (k == "first") ls >> b.first_mismatch;
    }
    b.coverage = out_dir / ("coverage_" + std::to_string(idx) + ".dat");
    b.outputs = out_dir / ("outputs_" + std::to_string(idx) + ".txt");
    out.push_back(b);
  }
  if (!done) throw Error("gate-level simulation of " + sim.top + " stopped early (see " + (out_dir / "sim.log").string() + ")");
  return out;
}

}  // namespace qsq::energy
