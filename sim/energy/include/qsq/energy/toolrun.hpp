// Description: what the synthesis and energy flow adds to the flow library's tool runs
// (qsq/flow/tool.hpp): quoting inside Yosys and OpenSTA scripts, template expansion of the
// script files in sim/energy/scripts/, and where the flow's own files live.
// Usage:
//   qsq::energy::run_tool("yosys -q -s " + shell_quote(ys.string()), dir / "yosys.log", "yosys");
//   std::string ys = qsq::energy::expand_template(read_file(tmpl), {{"TOP", "qsq_array"}});
#pragma once
#include <filesystem>
#include <map>
#include <string>

#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/tool.hpp"

namespace qsq::energy {

namespace fs = std::filesystem;

using flow::read_file;
using flow::run_tool;
using flow::shell_quote;
using flow::write_file_atomic;

std::string ys_quote(const std::string& s);   // a file name inside a Yosys script
std::string tcl_quote(const std::string& s);  // a file name inside an OpenSTA Tcl script

// Replaces every @NAME@ with its value; throws Error naming an unknown placeholder.
std::string expand_template(const std::string& text, const std::map<std::string, std::string>& vars);

// Where the flow's own files live (scripts, driver, constraints): the source tree, compiled in.
fs::path energy_source_dir();  // sim/energy
fs::path source_root();        // the repository root
std::string default_liberty();  // the OSU 0.18 um library path

}  // namespace qsq::energy
