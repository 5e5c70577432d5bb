// Description: running external programs (yosys, sta, verilator, nextpnr-ice40, gnuplot, the
// Verilated gate-level simulators). Every run gets an absolute working directory, and every path
// a caller builds into a command line should come from absolute_path(): tools such as Verilator's make
// change directory, so a relative path that works from one directory breaks from another (a
// relative `-o` once failed every first run). A tool runs in a process group of its own: SIGINT,
// SIGTERM or SIGHUP to qsq ends that group first and then qsq, and a tool killed by SIGINT or
// SIGTERM from outside ends qsq the same way instead of counting as a tool failure, so an
// interrupted run neither leaves a tool writing into the cache nor carries on.
// Usage:
//   const fs::path dir = qsq::flow::absolute_path(work) / "cache" / "x";
//   qsq::flow::run_tool("yosys -q -s " + qsq::flow::shell_quote((dir / "a.ys").string()),
//                       dir / "yosys.log", "yosys synthesis of qsq_array");
//   std::string v = qsq::flow::external_tool_version("yosys");   // for cache keys
#pragma once
#include <filesystem>
#include <string>

namespace qsq::flow {

namespace fs = std::filesystem;

// The absolute, lexically normal form of `p` (relative paths are taken from the current directory).
fs::path absolute_path(const fs::path& p);

// Runs `command` through /bin/sh with the log's directory (absolute) as its working directory and
// stdout + stderr in `log`. Throws qsq::Error("<what> failed (see LOG): <last lines of the log>").
void run_tool(const std::string& command, const fs::path& log, const std::string& what);
// The same with a time limit: past `timeout_s` seconds (0: none) the tool's process group gets
// SIGTERM, then SIGKILL 5 s later, and this throws qsq::Error("<what> timed out after N s (see LOG)").
// Several threads may run tools at once; an interruption of qsq ends all of them.
void run_tool(const std::string& command, const fs::path& log, const std::string& what, double timeout_s);

// The output of `command` (stdout only), or "" when it fails or the program is missing.
std::string capture(const std::string& command);

std::string shell_quote(const std::string& s);

// What `tool` says its version is (memoised); "" when it is not installed. Known tools get their
// own flag (yosys -V, sta -version, iverilog -V, ...); others are asked with --version.
std::string external_tool_version(const std::string& tool);

}  // namespace qsq::flow
