// The Icarus check: cell models with specify paths from the liberty, the SDF rewritten into what
// Icarus 11 actually applies, a generated testbench that replays the input waveform, and the
// measurement of the dump. Every step checks what Icarus would otherwise get wrong silently.
#include "qsq/energy/icarus.hpp"

#include "qsq/energy/gatesim.hpp"
#include "qsq/energy/sdf.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "qsq/energy/liberty.hpp"
#include "qsq/energy/netlist.hpp"
#include "qsq/energy/toolrun.hpp"
#include "qsq/energy/vcd.hpp"
#include "qsq/error.hpp"
#include "qsq/flow/hash.hpp"
#include "qsq/flow/provenance.hpp"

namespace qsq::energy {

namespace {

using Arc = std::pair<std::string, std::string>;  // (input pin, output pin)

// The delay arcs of a cell (timing groups of its outputs that are not checks), each once.
std::vector<Arc> delay_arcs(const LibCell& c) {
  std::vector<Arc> out;
  for (const auto& [name, pin] : c.pins) {
    if (pin.dir != LibPin::Dir::output) continue;
    for (const auto& t : pin.timing)
      if (t.is_delay() && std::find(out.begin(), out.end(), Arc{t.related_pin, name}) == out.end())
        out.emplace_back(t.related_pin, name);
  }
  return out;
}

// Yosys's functional cell models with one specify path per liberty delay arc, zero until
// $sdf_annotate sets it. Yosys drives every output with a continuous assign (flops and latches
// too: `assign Q = DS0000;`), which is what an Icarus module path delays; an edge-qualified
// path is not needed because OpenSTA writes `IOPATH CLK Q` without an edge.
std::string with_specify(const std::string& models, const Liberty& lib) {
  std::ostringstream out;
  out << "// Cell models for Icarus: Yosys's functions from " << lib.path << ", specify paths from its timing arcs.\n";
  out << "`timescale 1ps/1ps\n";
  std::istringstream in(models);
  std::string module;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("module ", 0) == 0) {
      const std::size_t e = line.find_first_of("( ;", 7);
      module = line.substr(7, e == std::string::npos ? std::string::npos : e - 7);
    } else if (line == "endmodule" && !module.empty()) {
      const LibCell* c = lib.find(module);
      const auto arcs = c ? delay_arcs(*c) : std::vector<Arc>{};
      if (!arcs.empty()) {
        out << "  specify\n";
        for (const auto& [from, to] : arcs) out << "    (" << from << " => " << to << ") = (0, 0);\n";
        out << "  endspecify\n";
      }
      module.clear();
    }
    out << line << "\n";
  }
  return out.str();
}

fs::path icarus_cells(const Liberty& lib, const fs::path& work) {
  // Yosys's models of the liberty (shared with the Verilated simulators), with specify blocks added.
  const fs::path base = liberty_cell_models(lib.path, work);
  const std::string h = flow::hash_hex(flow::hash_file(base) + flow::code_unit_hash("energy"));
  const fs::path dir = flow::cached_dir(flow::absolute_path(work) / "cache" / ("icarus-cells-" + h), [&](const fs::path& tmp) {
    write_file_atomic(tmp / "icarus_cells.v", with_specify(read_file(base), lib));
  });
  return dir / "icarus_cells.v";
}

// Every delay arc of every instance has an SDF delay, and the SDF has no arc the model lacks.
void check_sdf_covers(const Netlist& n, const Liberty& lib, const Sdf& sdf, const std::string& sdf_path) {
  std::vector<std::string> missing, unknown;
  for (const auto& inst : n.instances) {
    const LibCell* c = lib.find(inst.cell);
    if (!c) throw Error("netlist cell " + inst.name + " is a " + inst.cell + ", which " + lib.path + " does not have");
    const auto arcs = delay_arcs(*c);
    const SdfCell* sc = sdf.find(inst.name);
    std::set<Arc> given;
    if (sc)
      for (const auto& x : sc->arcs) given.emplace(x.from, x.to);
    for (const auto& a : arcs)
      if (!given.count(a)) missing.push_back(inst.name + " (" + inst.cell + ") " + a.first + " -> " + a.second);
    for (const auto& a : given)
      if (std::find(arcs.begin(), arcs.end(), a) == arcs.end())
        unknown.push_back(inst.name + " (" + inst.cell + ") " + a.first + " -> " + a.second);
  }
  if (!missing.empty())
    throw Error(sdf_path + " gives no delay for " + std::to_string(missing.size()) +
                " cell arcs of the netlist (first: " + missing.front() + ")");
  if (!unknown.empty())
    throw Error(sdf_path + " has " + std::to_string(unknown.size()) +
                " IOPATHs that are no delay arc of the liberty, so no specify path can take them (first: " +
                unknown.front() + ")");
}

std::string verilog_name(const std::string& n) {
  bool simple = !n.empty() && (std::isalpha(static_cast<unsigned char>(n[0])) || n[0] == '_');
  for (char c : n) simple = simple && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$');
  return simple ? n : "\\" + n + " ";
}

std::string verilog_string(const fs::path& p) {
  std::string out;
  for (char c : p.string()) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string bit_name(const Port& p, int i) { return p.vector ? p.name + "[" + std::to_string(i) + "]" : p.name; }

// The testbench and its two tables: the input bits (every input port, declared order, each
// port from its left index to its right) at every time one of them changes.
void write_testbench(const Netlist& n, const VcdWaves& waves, std::uint64_t end_ps, const fs::path& dir,
                     const fs::path& sdf, const std::string& inputs_name) {
  std::vector<std::string> bits;  // leftmost first
  std::vector<std::pair<const Port*, int>> ports;  // port, offset of its rightmost bit in in_bits
  for (const auto& p : n.ports) {
    if (p.dir != Port::Dir::input) continue;
    const int step = p.msb >= p.lsb ? -1 : 1;
    for (int i = p.msb;; i += step) {
      bits.push_back(bit_name(p, i));
      if (i == p.lsb) break;
    }
    ports.emplace_back(&p, 0);
  }
  const int width = static_cast<int>(bits.size());
  if (width == 0) throw Error("netlist " + n.module + " has no input ports to drive");
  int off = width;
  for (auto& [p, o] : ports) {
    off -= p->width();
    o = off;
  }
  // (time, bit, value) of every input change up to the end of the run.
  std::vector<std::tuple<std::uint64_t, int, char>> ev;
  for (int b = 0; b < width; ++b) {
    auto it = waves.bits.find(bits[static_cast<std::size_t>(b)]);
    if (it == waves.bits.end())
      throw Error(inputs_name + " has no signal for the input port bit " + bits[static_cast<std::size_t>(b)] +
                  " (the top scope of the dump must hold every input port of " + n.module + ")");
    for (const auto& [t, v] : it->second)
      if (t <= end_ps) ev.emplace_back(t, b, v);
  }
  std::stable_sort(ev.begin(), ev.end(), [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  std::string cur(static_cast<std::size_t>(width), 'x');
  std::ostringstream times, values;
  std::size_t records = 0;
  for (std::size_t k = 0; k < ev.size();) {
    const std::uint64_t t = std::get<0>(ev[k]);
    for (; k < ev.size() && std::get<0>(ev[k]) == t; ++k) cur[static_cast<std::size_t>(std::get<1>(ev[k]))] = std::get<2>(ev[k]);
    times << std::hex << t << std::dec << "\n";
    values << cur << "\n";
    ++records;
  }
  if (records == 0) {  // inputs that never change: X throughout
    times << "0\n";
    values << cur << "\n";
    records = 1;
  }
  write_file_atomic(dir / "times.hex", times.str());
  write_file_atomic(dir / "values.bin", values.str());
  std::ostringstream tb;
  tb << "// Generated by qsq (sim/energy/src/icarus.cpp): replays " << inputs_name << " into " << n.module << ".\n"
     << "`timescale 1ps/1ps\nmodule qsq_icarus_tb;\n"
     << "  reg [" << width - 1 << ":0] in_bits;\n"
     << "  reg [63:0] t_mem [0:" << records - 1 << "];\n"
     << "  reg [" << width - 1 << ":0] v_mem [0:" << records - 1 << "];\n"
     << "  integer i;\n  " << verilog_name(n.module) << " dut (";
  bool first = true;
  for (const auto& [p, o] : ports) {
    tb << (first ? "" : ", ") << "." << verilog_name(p->name) << "(in_bits[" << o + p->width() - 1 << ":" << o << "])";
    first = false;
  }
  tb << ");\n  initial begin\n"
     << "    $readmemh(\"" << verilog_string(dir / "times.hex") << "\", t_mem);\n"
     << "    $readmemb(\"" << verilog_string(dir / "values.bin") << "\", v_mem);\n"
     // Icarus 11 uses only the first two arguments (no min/typ/max selection): the rewritten
     // file has one value per delay, so the typical field it reads is that value.
     << "    $sdf_annotate(\"" << verilog_string(sdf) << "\", dut);\n"
     << "    $dumpfile(\"" << verilog_string(dir / "dump.vcd") << "\");\n"
     << "    $dumpvars(1, dut);\n"
     << "    in_bits = {" << width << "{1'bx}};\n"
     << "    for (i = 0; i < " << records << "; i = i + 1) begin\n"
     << "      if (t_mem[i] > $time) #(t_mem[i] - $time);\n"
     << "      in_bits = v_mem[i];\n"
     << "    end\n"
     << "    if (" << end_ps << " > $time) #(" << end_ps << " - $time);\n"
     << "    $finish;\n  end\nendmodule\n";
  write_file_atomic(dir / "tb.v", tb.str());
}

}  // namespace

Activity run_icarus_timed(const IcarusRun& run, const fs::path& work) {
  const Liberty lib = read_liberty(run.liberty);
  const Netlist n = read_netlist(run.netlist.string());
  if (!run.top.empty() && run.top != n.module)
    throw Error(run.netlist.string() + " holds module " + n.module + ", not " + run.top);
  // Icarus 11 reads the typical field of a triple (OpenSTA leaves it empty: "no delay", silently)
  // and ignores TIMESCALE, rounding each value to an integer of the module's unit: the SDF is
  // read and written again with one value per delay in whole ps (sdf_text). Icarus 11 does not
  // apply INTERCONNECT delays: a nonzero one is an error here.
  const Sdf sdf = read_sdf(run.sdf.string());
  if (sdf.max_interconnect_ns > 0)
    throw Error(run.sdf.string() + " has INTERCONNECT delays (up to " + std::to_string(sdf.max_interconnect_ns) +
                " ns), which Icarus 11 does not apply");
  check_sdf_covers(n, lib, sdf, run.sdf.string());
  const std::string icarus_sdf_text = sdf_text(sdf);
  const VcdWaves waves = read_vcd_waves(run.inputs_vcd.string(), "");
  const std::uint64_t end_ps = run.end_ps ? run.end_ps : waves.last_ps;
  if (end_ps <= run.begin_ps)
    throw Error("Icarus check of " + n.module + ": the window [" + std::to_string(run.begin_ps) + ", " +
                std::to_string(end_ps) + ") ps is empty");

  const fs::path cells = icarus_cells(lib, work);
  const fs::path dir = flow::absolute_path(work) / ("icarus-" + n.module);
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir);
  write_file_atomic(dir / "icarus.sdf", icarus_sdf_text);
  write_testbench(n, waves, end_ps, dir, dir / "icarus.sdf", run.inputs_vcd.string());
  run_tool("iverilog -gspecify -g2012 -s qsq_icarus_tb -o " + shell_quote((dir / "sim.vvp").string()) + " " +
               shell_quote((dir / "tb.v").string()) + " " + shell_quote(flow::absolute_path(run.netlist).string()) + " " +
               shell_quote(cells.string()),
           dir / "iverilog.log", "iverilog of " + n.module);
  run_tool("vvp -n " + shell_quote((dir / "sim.vvp").string()) + " -sdf-warn", dir / "vvp.log", "vvp (Icarus) run of " + n.module);
  // Whatever Icarus could not annotate it only warns about: here that is an error.
  std::istringstream log(read_file(dir / "vvp.log"));
  for (std::string l; std::getline(log, l);) {
    if (l.find("SDF ERROR") == std::string::npos && l.find("SDF WARNING") == std::string::npos) continue;
    if (l.find("INTERCONNECT not supported") != std::string::npos) continue;  // all zero: checked above
    const std::size_t m = l.find("Unable to match ModPath ");
    if (m != std::string::npos) {
      const std::string rest = l.substr(m + 24);  // "B -> Y in qsq_icarus_tb.dut.u1"
      const std::size_t in = rest.find(" in ");
      std::string inst = in == std::string::npos ? "" : rest.substr(in + 4);
      if (inst.rfind("qsq_icarus_tb.dut.", 0) == 0) inst = inst.substr(18);
      std::string cell = "?";
      for (const auto& x : n.instances)
        if (x.name == inst) cell = x.cell;
      throw Error("Icarus could not annotate the SDF arc " + rest.substr(0, in) + " of " + inst + " (" + cell +
                  "): its cell model has no such specify path (see " + (dir / "vvp.log").string() + ")");
    }
    throw Error("Icarus: " + l + " (see " + (dir / "vvp.log").string() + ")");
  }

  VcdWindow w;
  w.begin_ps = run.begin_ps;
  w.end_ps = end_ps;
  w.scope = "qsq_icarus_tb.dut";
  const Activity dumped = read_vcd_activity((dir / "dump.vcd").string(), w);
  // One entry per netlist net, under its canonical bit name (aliases dump the same values).
  Activity out;
  out.begin_ps = dumped.begin_ps;
  out.end_ps = dumped.end_ps;
  for (const auto& [name, x] : dumped.nets) {
    const int id = n.find_net(name);
    if (id >= 0 && n.is_const(id)) continue;
    out.nets.emplace(id >= 0 ? n.net_names[static_cast<std::size_t>(id)] : name, x);
  }
  return out;
}

}  // namespace qsq::energy
