#include "qsq/energy/synth.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <sstream>

#include "cli.hpp"
#include "qsq/energy/liberty.hpp"
#include "qsq/energy/netlist.hpp"
#include "qsq/energy/toolrun.hpp"
#include "qsq/error.hpp"

namespace qsq::energy {

namespace {

std::string tool_versions() {
  // The installed tool versions are part of every cache key (a tool upgrade re-runs the flow).
  static const std::string v = [] {
    fs::path tmp = fs::temp_directory_path() / ("qsq_tool_versions_" + std::to_string(::getpid()) + ".txt");
    std::string cmd = "(yosys -V; verilator --version; dpkg-query -W opensta nextpnr-ice40 2>/dev/null) > " +
                      shell_quote(tmp.string()) + " 2>&1";
    std::string out;
    if (std::system(cmd.c_str()) == 0) out = read_text(tmp);
    std::error_code ec;
    fs::remove(tmp, ec);
    return out;
  }();
  return v;
}

std::string read_cmd(const Design& d) {
  std::string s = "read_verilog -sv -defer";
  for (const auto& f : d.sources) {
    s += ' ';
    s += ys_quote(f.string());
  }
  return s;
}

std::string chparams(const Design& d) {
  std::string s;
  for (const auto& [k, v] : d.params) s += " -chparam " + k + " " + v;
  return s;
}

fs::path stage_dir(const fs::path& work, const std::string& kind, const std::string& hash) {
  fs::path p = work / "cache" / (kind + "-" + hash);
  fs::create_directories(p);
  return p;
}

// "   Number of cells:  412" and "     AND2X1   21" lines of `stat`.
void parse_stat(const std::string& text, std::map<std::string, int>& hist, int& cells, double* area) {
  std::istringstream in(text);
  bool in_cells = false;
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_search(l, m, std::regex(R"(Number of cells:\s+(\d+))"))) {
      cells = std::stoi(m[1]);
      in_cells = true;
      continue;
    }
    if (area && std::regex_search(l, m, std::regex(R"(Chip area for (?:top )?module[^:]*:\s+([0-9.eE+-]+))"))) {
      *area = std::stod(m[1]);
      continue;
    }
    if (in_cells) {
      if (std::regex_match(l, m, std::regex(R"(\s+(\S+)\s+(\d+)\s*)"))) hist[m[1]] = std::stoi(m[2]);
      else if (!l.empty() && l.find_first_not_of(' ') != std::string::npos) in_cells = false;
    }
  }
}

}  // namespace

bool rtl_array_available() { return fs::exists(source_root() / "rtl" / "qsq_array.sv"); }

std::vector<fs::path> rtl_lane_sources() {
  const fs::path rtl = source_root() / "rtl";
  std::vector<fs::path> sources;
  for (const char* f : {"qsq_pkg.sv", "qsq_csd_recoder.sv", "qsq_pp_rows.sv", "qsq_pp_const.sv", "qsq_csa_tree.sv", "qsq_lane.sv"}) {
    if (!fs::exists(rtl / f)) throw Error("rtl/" + std::string(f) + " is missing: qsq's lane cannot be built");
    sources.push_back(rtl / f);
  }
  return sources;
}

Design rtl_array_design(const std::map<std::string, std::string>& params) {
  Design d;
  d.top = "qsq_array";
  d.params = params;
  const fs::path rtl = source_root() / "rtl";
  if (!fs::exists(rtl / "qsq_array.sv")) throw Error("rtl/qsq_array.sv does not exist yet");
  d.sources.push_back(rtl / "qsq_pkg.sv");
  std::vector<fs::path> rest;
  for (const auto& e : fs::directory_iterator(rtl))
    if (e.path().extension() == ".sv" && e.path().filename() != "qsq_pkg.sv") rest.push_back(e.path());
  std::sort(rest.begin(), rest.end());
  d.sources.insert(d.sources.end(), rest.begin(), rest.end());
  d.label = "qsq_array";
  for (const auto& [k, v] : params) d.label += " " + k + "=" + v;
  return d;
}

std::string design_hash(const Design& d, const std::string& extra) {
  std::string key = d.top + "\n" + extra + "\n" + tool_versions();
  for (const auto& f : d.sources) key += f.filename().string() + ":" + cli::hash_file(f) + "\n";
  for (const auto& [k, v] : d.params) key += k + "=" + v + "\n";
  return cli::hash_hex(key);
}

nlohmann::json AsicResult::to_json() const {
  return {{"design", label}, {"top", top}, {"area_um2", area_um2}, {"kge", kge}, {"cells", cells},
          {"flops", flops}, {"latches", latches}, {"clock_gates", clock_gates}, {"cell_histogram", histogram},
          {"netlist_hash", hash}};
}

AsicResult synth_asic(const Design& d, const fs::path& work, const std::string& liberty) {
  const fs::path scripts = energy_source_dir() / "scripts";
  const std::string tmpl = read_text(scripts / "asic.ys.in");
  const std::string latch_map = read_text(scripts / "latch_map.v");
  const std::string h = design_hash(d, tmpl + latch_map + liberty);
  const fs::path dir = stage_dir(work, "asic", h);
  const fs::path netlist = dir / (d.top + ".v"), stat = dir / "stat.txt";
  if (!fs::exists(netlist) || !fs::exists(stat)) {
    const std::string ys = expand_template(
        tmpl, {{"READ", read_cmd(d)}, {"TOP", d.top}, {"CHPARAMS", chparams(d)}, {"LIB", ys_quote(liberty)},
               {"LATCH_MAP", ys_quote((scripts / "latch_map.v").string())},
               {"STAT", ys_quote((dir / "stat.tmp").string())}, {"NETLIST", ys_quote((dir / "netlist.tmp").string())}});
    write_text(dir / "synth.ys", ys);
    run_tool("yosys -q -s " + shell_quote((dir / "synth.ys").string()), dir / "yosys.log", "yosys synthesis of " + d.label);
    fs::rename(dir / "stat.tmp", stat);
    fs::rename(dir / "netlist.tmp", netlist);
  }
  AsicResult r;
  r.label = d.label;
  r.top = d.top;
  r.netlist = netlist;
  r.hash = cli::hash_file(netlist);
  parse_stat(read_text(stat), r.histogram, r.cells, &r.area_um2);
  const Liberty lib = read_liberty(liberty);
  // LATCH is listed with area 0 in OSU 0.18 um; qsq counts a latch at the area of DFFNEGX1
  // (a flop is two latches) so that clock gates are not free. Yosys's "Chip area" is corrected.
  double latch_area = 0;
  if (const LibCell* l = lib.find("LATCH"); l && l->area == 0) {
    if (const LibCell* f = lib.find("DFFNEGX1")) latch_area = f->area / 2.0;
  }
  for (const auto& [cell, count] : r.histogram) {
    const LibCell* c = lib.find(cell);
    if (!c) continue;
    if (c->sequential && !c->latch) r.flops += count;
    if (c->latch) {
      r.latches += count;
      r.area_um2 += latch_area * count;
    }
  }
  r.clock_gates = r.latches;  // every latch of these designs belongs to a latch + AND clock gate
  r.kge = r.area_um2 / lib.cell("NAND2X1").area / 1000.0;
  return r;
}

nlohmann::json TimingResult::to_json() const {
  return {{"clock_ns", clock_ns}, {"worst_slack_ns", worst_slack_ns}, {"fmax_mhz", fmax_mhz},
          {"gating_check_slack_ns", gating_slack_ns},
          {"critical_path", {{"startpoint", startpoint}, {"endpoint", endpoint}, {"arrival_ns", arrival_ns}}}};
}

TimingResult sta_timing(const AsicResult& a, const std::string& liberty, double clock_ns, const fs::path& work) {
  const fs::path scripts = energy_source_dir() / "scripts";
  const fs::path sdc = source_root() / "constraints" / "qsq.sdc";
  const std::string tmpl = read_text(scripts / "sta_timing.tcl.in");
  const std::string h = cli::hash_hex(a.hash + tmpl + read_text(sdc) + std::to_string(clock_ns) + liberty);
  const fs::path dir = stage_dir(work, "sta", h);
  const fs::path report = dir / "timing.txt";
  if (!fs::exists(report)) {
    write_text(dir / "timing.tcl",
               expand_template(tmpl, {{"LIB", tcl_quote(liberty)}, {"NETLIST", tcl_quote(a.netlist.string())},
                                      {"TOP", a.top}, {"CLOCK_NS", std::to_string(clock_ns)}, {"CLOCK_PORT", "clk_i"},
                                      {"SDC", tcl_quote(sdc.string())}}));
    run_tool("sta -no_splash -exit " + shell_quote((dir / "timing.tcl").string()), dir / "timing.tmp", "OpenSTA timing of " + a.label);
    fs::rename(dir / "timing.tmp", report);
  }
  TimingResult t;
  t.clock_ns = clock_ns;
  const std::string text = read_text(report);
  if (text.find("QSQ_END") == std::string::npos) throw Error("OpenSTA did not finish (see " + report.string() + ")");
  // Split into sections; the critical path is the worst full report among flops and outputs.
  bool any = false;
  double worst = 1e30;
  size_t pos = 0;
  while ((pos = text.find("QSQ_SECTION ", pos)) != std::string::npos) {
    const size_t name_end = text.find('\n', pos);
    const std::string name = text.substr(pos + 12, name_end - pos - 12);
    size_t next = text.find("QSQ_", name_end);
    const std::string sec = text.substr(name_end, next == std::string::npos ? std::string::npos : next - name_end);
    pos = name_end;
    std::smatch m;
    std::string::const_iterator from = sec.begin();
    double sec_worst = 1e30;
    while (std::regex_search(from, sec.end(), m, std::regex(R"(([-0-9.]+)\s+slack \((?:MET|VIOLATED)\))"))) {
      sec_worst = std::min(sec_worst, std::stod(m[1]));
      from = m[0].second;
    }
    if (sec_worst >= 1e29) continue;
    if (name == "gating") t.gating_slack_ns = sec_worst;
    if (sec_worst < worst) {
      worst = sec_worst;
      any = true;
      if (name != "gating") {
        if (std::regex_search(sec, m, std::regex(R"(Startpoint:\s+(\S+))"))) t.startpoint = m[1];
        if (std::regex_search(sec, m, std::regex(R"(Endpoint:\s+(\S+))"))) t.endpoint = m[1];
        if (std::regex_search(sec, m, std::regex(R"(([-0-9.]+)\s+data arrival time)"))) t.arrival_ns = std::stod(m[1]);
      } else {
        t.startpoint = "clock-gate enable";
        t.endpoint = "clock gate (AND)";
        t.arrival_ns = clock_ns - sec_worst;
      }
    }
  }
  if (!any) throw Error("OpenSTA reported no timed path (see " + report.string() + ")");
  t.worst_slack_ns = worst;
  // Name flop endpoints by the register they belong to (the net on their Q pin), not the cell.
  const Netlist n = read_netlist(a.netlist.string());
  auto describe = [&](std::string& who) {
    for (const auto& inst : n.instances) {
      if (inst.name != who) continue;
      for (const auto& [pin, net] : inst.pins)
        if (pin == "Q") who = n.net_names[net] + " (" + inst.cell + " " + inst.name + ")";
      return;
    }
  };
  describe(t.startpoint);
  describe(t.endpoint);
  const double min_period = clock_ns - t.worst_slack_ns;
  t.fmax_mhz = min_period > 0 ? 1000.0 / min_period : 0.0;
  return t;
}

nlohmann::json FpgaResult::to_json() const {
  nlohmann::json j = {{"family", family}, {"luts", luts}, {"flops", flops}, {"carries", carries},
                      {"dsps", dsps}, {"brams", brams}, {"cells", cells}};
  if (!device.empty()) j["device"] = device;
  if (fmax_mhz > 0) j["fmax_mhz"] = fmax_mhz;
  return j;
}

namespace {

FpgaResult fpga_counts(const std::string& family, const std::string& stat_text) {
  FpgaResult r;
  r.family = family;
  int total = 0;
  parse_stat(stat_text, r.cells, total, nullptr);
  for (const auto& [c, n] : r.cells) {
    if (c.rfind("SB_LUT", 0) == 0 || c.rfind("LUT", 0) == 0) r.luts += n;
    else if (c.rfind("SB_DFF", 0) == 0 || c.rfind("FD", 0) == 0) r.flops += n;
    else if (c == "SB_CARRY" || c.rfind("CARRY", 0) == 0) r.carries += n;
    else if (c.rfind("SB_MAC", 0) == 0 || c.rfind("DSP", 0) == 0) r.dsps += n;
    else if (c.rfind("SB_RAM", 0) == 0 || c.rfind("RAMB", 0) == 0) r.brams += n;
  }
  return r;
}

}  // namespace

FpgaResult synth_ice40(const Design& d, const fs::path& work, bool place_and_route) {
  const fs::path scripts = energy_source_dir() / "scripts";
  const std::string tmpl = read_text(scripts / "ice40.ys.in");
  const fs::path pcf = source_root() / "constraints" / "qsq_ice40.pcf";
  const std::string h = design_hash(d, tmpl + (place_and_route ? read_text(pcf) : std::string("synth-only")));
  const fs::path dir = stage_dir(work, "ice40", h);
  if (!fs::exists(dir / "stat.txt")) {
    write_text(dir / "ice40.ys", expand_template(tmpl, {{"READ", read_cmd(d)}, {"TOP", d.top}, {"CHPARAMS", chparams(d)},
                                                        {"STAT", ys_quote((dir / "stat.tmp").string())},
                                                        {"JSON", ys_quote((dir / "design.json").string())}}));
    run_tool("yosys -q -s " + shell_quote((dir / "ice40.ys").string()), dir / "yosys.log", "yosys synth_ice40 of " + d.label);
    fs::rename(dir / "stat.tmp", dir / "stat.txt");
  }
  FpgaResult r = fpga_counts("ice40", read_text(dir / "stat.txt"));
  if (place_and_route) {
    r.device = "hx8k-ct256";
    const fs::path log = dir / "nextpnr.log";
    if (!fs::exists(dir / "nextpnr.done")) {
      run_tool("nextpnr-ice40 --hx8k --package ct256 --seed 1 --freq 50 --timing-allow-fail --json " + shell_quote((dir / "design.json").string()) +
                   " --pcf " + shell_quote(pcf.string()) + " --asc " + shell_quote((dir / "design.asc").string()),
               log, "nextpnr-ice40 of " + d.label);
      write_text(dir / "nextpnr.done", "");
    }
    // The last "Max frequency for clock" line is the final (post-routing) estimate.
    const std::string text = read_text(log);
    std::regex re(R"(Max frequency for clock[^:]*:\s+([0-9.]+)\s+MHz)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
      r.fmax_mhz = std::stod((*it)[1]);
  }
  return r;
}

FpgaResult synth_xilinx(const Design& d, const fs::path& work) {
  const fs::path scripts = energy_source_dir() / "scripts";
  const std::string tmpl = read_text(scripts / "xilinx.ys.in");
  const std::string h = design_hash(d, tmpl);
  const fs::path dir = stage_dir(work, "xilinx", h);
  if (!fs::exists(dir / "stat.txt")) {
    write_text(dir / "xilinx.ys", expand_template(tmpl, {{"READ", read_cmd(d)}, {"TOP", d.top}, {"CHPARAMS", chparams(d)},
                                                         {"STAT", ys_quote((dir / "stat.tmp").string())}}));
    run_tool("yosys -q -s " + shell_quote((dir / "xilinx.ys").string()), dir / "yosys.log", "yosys synth_xilinx of " + d.label);
    fs::rename(dir / "stat.tmp", dir / "stat.txt");
  }
  FpgaResult r = fpga_counts("xilinx", read_text(dir / "stat.txt"));
  r.device = "xc7 (synth_xilinx, no place and route)";
  return r;
}

}  // namespace qsq::energy
