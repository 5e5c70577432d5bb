// Description: running the external EDA tools (yosys, sta, verilator, nextpnr-ice40) from the
// flow: one command line, output to a log file, a one-line qsq::Error with the log's last lines
// when the tool fails; template expansion of the script files in sim/energy/scripts/.
// Usage:
//   qsq::energy::run_tool("yosys -q -s synth.ys", work / "yosys.log");
//   std::string ys = qsq::energy::expand_template(read_text(tmpl), {{"TOP", "qsq_array"}});
#pragma once
#include <filesystem>
#include <map>
#include <string>

namespace qsq::energy {

namespace fs = std::filesystem;

// Runs `command` through /bin/sh with stdout and stderr in `log`; throws Error on failure.
void run_tool(const std::string& command, const fs::path& log, const std::string& what);
std::string shell_quote(const std::string& s);
std::string ys_quote(const std::string& s);   // a file name inside a Yosys script
std::string tcl_quote(const std::string& s);  // a file name inside an OpenSTA Tcl script

std::string read_text(const fs::path& p);  // throws Error
void write_text(const fs::path& p, const std::string& s);  // atomic (temp + rename)

// Replaces every @NAME@ with its value; throws Error naming an unknown placeholder.
std::string expand_template(const std::string& text, const std::map<std::string, std::string>& vars);

// Where the flow's own files live (scripts, driver, constraints): the source tree, compiled in.
fs::path energy_source_dir();  // sim/energy
fs::path source_root();        // the repository root
std::string default_liberty();  // the OSU 0.18 um library path

}  // namespace qsq::energy
