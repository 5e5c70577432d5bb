#include "qsq/flow/provenance.hpp"

#include "qsq/error.hpp"

namespace qsq::flow {

// Defined in the build's generated code_units.cpp (cmake/code_units.cmake).
const std::map<std::string, std::string>& generated_code_units();

nlohmann::json json_header() { return nlohmann::json{{"version", tool_version()}, {"git", git_revision()}}; }

const std::map<std::string, std::string>& code_units() { return generated_code_units(); }

std::string code_unit_hash(const std::string& unit) {
  const auto& u = code_units();
  const auto it = u.find(unit);
  if (it == u.end()) throw Error("unknown code unit '" + unit + "' (see qsq_code_unit() in the CMake files)");
  return it->second;
}

}  // namespace qsq::flow
