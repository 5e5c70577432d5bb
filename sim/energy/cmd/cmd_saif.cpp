// `qsq saif WAVE.vcd|WAVE.fst`: measures every bit of one scope over a window (vcd.hpp) and
// writes the activity as SAIF (saif.hpp), atomically, only once the whole dump has been read.
#include "cmd_saif.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "cli.hpp"
#include "qsq/energy/saif.hpp"
#include "qsq/energy/vcd.hpp"
#include "qsq/flow/tool.hpp"

namespace qsq::cli {

namespace {

namespace qe = qsq::energy;
namespace fs = std::filesystem;

struct SaifOptions {
  std::string wave, out, scope, design;
  bool recursive = false;
  std::uint64_t begin_ps = 0, end_ps = 0;
};

nlohmann::json run_saif(SaifOptions& o) {
  const fs::path out = o.out.empty() ? fs::path(o.wave).replace_extension(".saif") : fs::path(o.out);
  qe::VcdWindow w;
  w.begin_ps = o.begin_ps;
  w.end_ps = o.end_ps;
  w.scope = o.scope;
  w.recursive = o.recursive;
  // An FST is converted next to the output (a temporary file, removed afterwards).
  const fs::path work = flow::absolute_path(out).parent_path();
  const qe::Activity a = qe::read_vcd_activity(o.wave, w, work);
  std::string design = o.design;
  if (design.empty()) {
    const std::size_t dot = o.scope.rfind('.');
    design = o.scope.empty() ? fs::path(o.wave).stem().string() : o.scope.substr(dot == std::string::npos ? 0 : dot + 1);
  }
  const std::string what = "qsq saif " + fs::path(o.wave).filename().string() + ": measured T0/T1/TX/TC";
  write_file_atomic(out, qe::saif_text(a, {design, what, o.recursive ? '.' : '\0'}));
  std::uint64_t toggles = 0, x_changes = 0;
  for (const auto& [n, x] : a.nets) {
    toggles += x.tc;
    x_changes += x.tx_changes;
  }
  nlohmann::json j = json_header();
  j["input"] = o.wave;
  j["output"] = out.string();
  j["design"] = design;
  j["scope"] = o.scope;
  j["nets"] = a.nets.size();
  j["begin_ps"] = a.begin_ps;
  j["end_ps"] = a.end_ps;
  j["duration_ps"] = a.duration();
  j["total_toggles"] = toggles;
  j["x_changes"] = x_changes;
  return j;
}

std::string saif_table(const nlohmann::json& j) {
  return fmt::format("SAIF {} (design {}) from {}\n  nets           {}\n  window         [{}, {}) ps\n"
                     "  duration       {} ps\n  total toggles  {}\n  X/Z changes    {}\n",
                     j["output"].get<std::string>(), j["design"].get<std::string>(), j["input"].get<std::string>(),
                     j["nets"].get<std::size_t>(), j["begin_ps"].get<std::uint64_t>(), j["end_ps"].get<std::uint64_t>(),
                     j["duration_ps"].get<std::uint64_t>(), j["total_toggles"].get<std::uint64_t>(),
                     j["x_changes"].get<std::uint64_t>());
}

}  // namespace

void register_saif(CLI::App& app) {
  auto o = std::make_shared<SaifOptions>();
  auto* cmd = add_report_command<SaifOptions>(
      app, "saif",
      "Convert a waveform (VCD, or FST through gtkwave's fst2vcd) into backward SAIF 2.0 for power tools: every bit\n"
      "of one scope measured over [--begin-ps, --end-ps): T0/T1/TX (ps at 0, 1, X or Z), TC (0<->1 changes, glitches\n"
      "included), TIMESCALE 1 ps, DURATION = the window. Vectors are split into bits name[i].",
      o, run_saif, saif_table);
  cmd->add_option("wave", o->wave, "VCD or FST file")->required();
  cmd->add_option("-o,--output", o->out, "SAIF file to write (default: WAVE with the extension .saif)");
  cmd->add_option("--scope", o->scope, "scope whose signals are measured, a.b.c from the top (default: the top scope)");
  cmd->add_flag("--recursive", o->recursive, "also the scopes below it (written as nested SAIF instances)");
  cmd->add_option("--begin-ps", o->begin_ps, "window start in ps")->capture_default_str();
  cmd->add_option("--end-ps", o->end_ps, "window end in ps (default: the dump's last timestamp)");
  cmd->add_option("--design", o->design, "SAIF design and top instance name (default: the scope's last name, or the file's stem)");
}

}  // namespace qsq::cli
