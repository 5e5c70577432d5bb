// Description: where a result comes from. The JSON header every qsq document starts with
// (tool version, git revision) and the code hashes that flow cache keys are made of: each "code
// unit" is a named set of qsq's source files (declared with qsq_code_unit() in CMake, hashed at
// build time together with the units it uses), so a result is recomputed exactly when the code
// that produces it changed.
// Usage:
//   nlohmann::json j = qsq::flow::json_header();          // {"version": "0.1.0", "git": "abc123"}
//   key += qsq::flow::code_unit_hash("energy");            // changes when sim/energy or what it uses changes
#pragma once
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace qsq::flow {

std::string tool_version();  // qsq's own version, e.g. "0.1.0"
std::string git_revision();  // short hash of the build ("-dirty" when modified), "unknown" outside git

// {"version": ..., "git": ...}: the start of every JSON document qsq prints.
nlohmann::json json_header();

// Hash of a code unit's files and of every unit it uses; throws qsq::Error for an unknown name.
std::string code_unit_hash(const std::string& unit);
const std::map<std::string, std::string>& code_units();  // name -> hash, every unit of this build

}  // namespace qsq::flow
