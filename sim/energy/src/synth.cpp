#include "qsq/energy/synth.hpp"

#include <algorithm>
#include <cmath>
#include <regex>
#include <sstream>

#include "qsq/flow/hash.hpp"
#include "qsq/flow/progress.hpp"
#include "qsq/flow/provenance.hpp"
#include "qsq/energy/liberty.hpp"
#include "qsq/energy/netlist.hpp"
#include "qsq/energy/toolrun.hpp"
#include "qsq/error.hpp"

namespace qsq::energy {

namespace {

// The installed tool versions and the qsq code that drives them are part of every cache key (a
// tool upgrade or a change to this file re-runs synthesis).
std::string tool_versions() {
  std::string v;
  for (const char* t : {"yosys", "sta", "nextpnr-ice40"}) v += std::string(t) + " " + flow::external_tool_version(t) + "\n";
  return v + "code " + flow::code_unit_hash("synth") + "\n";
}

std::string read_cmd(const Design& d) {
  std::string s = "read_verilog -sv -defer";
  for (const auto& f : d.sources) {
    s += ' ';
    s += ys_quote(flow::absolute_path(f).string());
  }
  return s;
}

std::string chparams(const Design& d) {
  std::string s;
  for (const auto& [k, v] : d.params) s += " -chparam " + k + " " + v;
  return s;
}

// The same as arguments of the chparam command: " -set K V ..." (asic_grid.ys.in).
std::string chparam_sets(const Design& d) {
  std::string s;
  for (const auto& [k, v] : d.params) s += " -set " + k + " " + v;
  return s;
}

// The cache entry of one step: OUT/work/.../cache/<kind>-<hash>, published whole (atomic_file.hpp).
fs::path entry_dir(const fs::path& work, const std::string& kind, const std::string& hash) {
  return flow::absolute_path(work) / "cache" / (kind + "-" + hash);
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

std::vector<fs::path> rtl_file_list(const std::string& name) {
  const fs::path rtl = source_root() / "rtl";
  const fs::path list = rtl / (name + ".f");
  if (!fs::exists(list)) throw Error("rtl/" + name + ".f is missing (cmake -P cmake/gen_params.cmake writes it)");
  std::istringstream in(read_file(list));
  std::vector<fs::path> files;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '/' || line[0] == '#' || line[0] == ' ') continue;  // comments
    const fs::path f = rtl / line;
    if (!fs::exists(f)) throw Error("rtl/" + name + ".f lists rtl/" + line + ", which is missing");
    files.push_back(f);
  }
  if (files.empty()) throw Error("rtl/" + name + ".f lists no files");
  return files;
}

std::vector<fs::path> rtl_lane_sources() { return rtl_file_list("qsq_lane"); }

Design rtl_array_design(const std::map<std::string, std::string>& params) {
  Design d;
  d.top = "qsq_array";
  d.params = params;
  d.sources = rtl_file_list("qsq");
  d.label = "qsq_array";
  for (const auto& [k, v] : params) d.label += " " + k + "=" + v;
  return d;
}

Design array_variant(const ArrayShape& s, bool gate, LaneKind lane) {
  if (lane == LaneKind::signed_bound) throw Error("the signed bound instrument exists for the 2-D grid only (qsq_grid)");
  return rtl_array_design({{"Width", std::to_string(s.width)},
                           {"Lanes", std::to_string(s.lanes)},
                           {"CodeBits", std::to_string(s.code_bits)},
                           {"AccWidth", std::to_string(s.acc_width)},
                           {"GateEn", gate ? "1" : "0"},
                           {"ExactLane", lane != LaneKind::csd ? "1" : "0"},
                           {"BoundLane", lane == LaneKind::bound ? "1" : "0"}});
}

Design grid_variant(const ArrayShape& s, bool gate, LaneKind lane, bool serial) {
  if (!s.grid()) throw Error("grid_variant: the shape has no rows (not a grid preset)");
  Design d = rtl_array_design({{"Width", std::to_string(s.width)},
                               {"Lanes", std::to_string(s.lanes)},
                               {"Rows", std::to_string(s.rows)},
                               {"Slots", std::to_string(s.slots)},
                               {"CodeBits", std::to_string(s.code_bits)},
                               {"AccWidth", std::to_string(s.acc_width)},
                               {"GateEn", gate ? "1" : "0"},
                               {"ExactLane", lane != LaneKind::csd ? "1" : "0"},
                               {"BoundLane", lane == LaneKind::bound || lane == LaneKind::signed_bound ? "1" : "0"},
                               {"SignedBound", lane == LaneKind::signed_bound ? "1" : "0"},
                               {"Serial", serial ? "1" : "0"}});
  d.top = "qsq_grid";
  d.label = "qsq_grid";
  for (const auto& [k, v] : d.params) d.label += " " + k + "=" + v;
  return d;
}

std::string design_hash(const Design& d, const std::string& extra) {
  std::string key = d.top + "\n" + extra + "\n" + tool_versions();
  for (const auto& f : d.sources) key += f.filename().string() + ":" + flow::hash_file(f) + "\n";
  for (const auto& [k, v] : d.params) key += k + "=" + v + "\n";
  return flow::hash_hex(key);
}

nlohmann::json AsicResult::to_json() const {
  return {{"design", label}, {"top", top}, {"area_um2", area_um2}, {"kge", kge}, {"cells", cells},
          {"flops", flops}, {"latches", latches}, {"clock_gates", clock_gates}, {"cell_histogram", histogram},
          {"netlist_hash", hash}};
}

AsicResult synth_asic(const Design& d, const fs::path& work, const std::string& liberty) {
  const fs::path scripts = energy_source_dir() / "scripts";
  // The grid is synthesized hierarchically (one row module, abc once per module).
  const bool grid = d.top == "qsq_grid";
  const std::string tmpl = read_file(scripts / (grid ? "asic_grid.ys.in" : "asic.ys.in"));
  const std::string latch_map = read_file(scripts / "latch_map.v");
  // Grids wider than 16 lanes also keep the CSD recoder as a module: with N = 32 recoders
  // flattened into the top, abc did not finish the top in our runs; kept, abc maps one recoder
  // and 32 x 32 synthesizes (about 13 minutes on the 2-core machine).
  const auto lanes_param = d.params.find("Lanes");
  const bool keep_recoder = grid && lanes_param != d.params.end() && std::stoi(lanes_param->second) > 16;
  // Digit-serial grids keep the lane as a module and name its cells, so that the energy flow can
  // charge the lanes' nets to them (classify_nets): the free-lane floor (energy_flow.cpp).
  const auto serial_param = d.params.find("Serial");
  const bool serial = grid && serial_param != d.params.end() && serial_param->second == "1";
  const std::string keep_more = std::string(keep_recoder ? " *qsq_csd_recoder*" : "") + (serial ? " *qsq_serial_lane*" : "");
  const std::string name_lanes = serial ? "rename -enumerate -pattern " + std::string(kLaneCellPrefix) + "% *qsq_serial_lane*/t:*" : "";
  // --fanout-buffering: ABC's delay target in ps, which buffer, upsize and dnsize work to, and its
  // constraints: a BUFX2 drives the inputs, the outputs drive about one BUFX2 input.
  const long buffer_ps = d.buffer_clock_ns > 0 ? std::lround(d.buffer_clock_ns * 1000.0) : 0;
  const std::string abc_constr = "set_driving_cell BUFX2\nset_load 0.01\n";
  // The key holds every placeholder value that is not a path of this run.
  const std::string h = design_hash(d, tmpl + latch_map + liberty + flow::hash_file(liberty) + "\nkeep:" + keep_more +
                                           (buffer_ps > 0 ? "\nabc -D " + std::to_string(buffer_ps) + "\n" + abc_constr : ""));
  const fs::path dir = flow::cached_dir(entry_dir(work, "asic", h), [&](const fs::path& tmp) {
    std::string abc_timing;
    if (buffer_ps > 0) {
      write_file_atomic(tmp / "abc.constr", abc_constr);
      abc_timing = " -D " + std::to_string(buffer_ps) + " -constr " + ys_quote((tmp / "abc.constr").string());
    }
    const std::string ys = expand_template(
        tmpl, {{"READ", read_cmd(d)}, {"TOP", d.top}, {"CHPARAMS", grid ? chparam_sets(d) : chparams(d)},
               {"LIB", ys_quote(flow::absolute_path(liberty).string())},
               {"LATCH_MAP", ys_quote((scripts / "latch_map.v").string())}, {"KEEP_MORE", keep_more},
               {"NAME_LANES", name_lanes},
               {"ABC_TIMING", abc_timing}, {"STAT", ys_quote((tmp / "stat.txt").string())},
               {"NETLIST", ys_quote((tmp / (d.top + ".v")).string())}});
    write_file_atomic(tmp / "synth.ys", ys);
    run_tool("yosys -q -s " + shell_quote((tmp / "synth.ys").string()), tmp / "yosys.log", "yosys synthesis of " + d.label);
  });
  const fs::path netlist = dir / (d.top + ".v"), stat = dir / "stat.txt";
  AsicResult r;
  r.label = d.label;
  r.top = d.top;
  r.netlist = netlist;
  r.hash = flow::hash_file(netlist);
  parse_stat(read_file(stat), r.histogram, r.cells, &r.area_um2);
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
  const std::string tmpl = read_file(scripts / "sta_timing.tcl.in");
  const std::string h = flow::hash_hex(a.hash + tmpl + read_file(sdc) + std::to_string(clock_ns) + liberty +
                                       flow::hash_file(liberty) + tool_versions());
  const fs::path dir = flow::cached_dir(entry_dir(work, "sta", h), [&](const fs::path& tmp) {
    write_file_atomic(tmp / "timing.tcl",
                      expand_template(tmpl, {{"LIB", tcl_quote(flow::absolute_path(liberty).string())}, {"NETLIST", tcl_quote(a.netlist.string())},
                                             {"TOP", a.top}, {"CLOCK_NS", std::to_string(clock_ns)}, {"CLOCK_PORT", "clk_i"},
                                             {"SDC", tcl_quote(sdc.string())}}));
    run_tool("sta -no_splash -exit " + shell_quote((tmp / "timing.tcl").string()), tmp / "timing.txt", "OpenSTA timing of " + a.label);
  });
  const fs::path report = dir / "timing.txt";
  TimingResult t;
  t.clock_ns = clock_ns;
  const std::string text = read_file(report);
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
  const std::string tmpl = read_file(scripts / "ice40.ys.in");
  const fs::path pcf = source_root() / "constraints" / "qsq_ice40.pcf";
  const std::string h = design_hash(d, tmpl);
  const fs::path dir = flow::cached_dir(entry_dir(work, "ice40", h), [&](const fs::path& tmp) {
    write_file_atomic(tmp / "ice40.ys", expand_template(tmpl, {{"READ", read_cmd(d)}, {"TOP", d.top}, {"CHPARAMS", chparams(d)},
                                                               {"STAT", ys_quote((tmp / "stat.txt").string())},
                                                               {"JSON", ys_quote((tmp / "design.json").string())}}));
    run_tool("yosys -q -s " + shell_quote((tmp / "ice40.ys").string()), tmp / "yosys.log", "yosys synth_ice40 of " + d.label);
  });
  FpgaResult r = fpga_counts("ice40", read_file(dir / "stat.txt"));
  if (place_and_route) {
    r.device = "hx8k-ct256";
    const std::string ph = flow::hash_hex(h + read_file(pcf));
    const fs::path pnr = flow::cached_dir(entry_dir(work, "ice40-pnr", ph), [&](const fs::path& tmp) {
      run_tool("nextpnr-ice40 --hx8k --package ct256 --seed 1 --freq 50 --timing-allow-fail --json " +
                   shell_quote((dir / "design.json").string()) + " --pcf " + shell_quote(pcf.string()) + " --asc " +
                   shell_quote((tmp / "design.asc").string()),
               tmp / "nextpnr.log", "nextpnr-ice40 of " + d.label);
    });
    // The last "Max frequency for clock" line is the final (post-routing) estimate.
    const std::string text = read_file(pnr / "nextpnr.log");
    std::regex re(R"(Max frequency for clock[^:]*:\s+([0-9.]+)\s+MHz)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
      r.fmax_mhz = std::stod((*it)[1]);
  }
  return r;
}

FpgaResult synth_xilinx(const Design& d, const fs::path& work) {
  const fs::path scripts = energy_source_dir() / "scripts";
  const std::string tmpl = read_file(scripts / "xilinx.ys.in");
  const std::string h = design_hash(d, tmpl);
  const fs::path dir = flow::cached_dir(entry_dir(work, "xilinx", h), [&](const fs::path& tmp) {
    write_file_atomic(tmp / "xilinx.ys", expand_template(tmpl, {{"READ", read_cmd(d)}, {"TOP", d.top}, {"CHPARAMS", chparams(d)},
                                                                {"STAT", ys_quote((tmp / "stat.txt").string())}}));
    run_tool("yosys -q -s " + shell_quote((tmp / "xilinx.ys").string()), tmp / "yosys.log", "yosys synth_xilinx of " + d.label);
  });
  FpgaResult r = fpga_counts("xilinx", read_file(dir / "stat.txt"));
  r.device = "xc7 (synth_xilinx, no place and route)";
  return r;
}

}  // namespace qsq::energy
