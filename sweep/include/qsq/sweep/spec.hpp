// Description: a sweep specification (JSON): a grid and/or a list of design points over the
// options the existing commands accept, expanded into points with stable ids. A point's id is the
// hash of its parameters (defaults filled in), so the same point in a later run, or in another
// sweep, lands in the same result directory. TOML is not accepted: Debian 12 has no C++ TOML
// library installed here, and qsq does not hand-write parsers.
// Usage:
//   qsq::sweep::Spec s = qsq::sweep::read_spec("config/sweeps/smoke.json");   // throws qsq::Error
//   for (const auto& p : s.points) std::cout << p.id << ' ' << p.params.dump() << '\n';
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qsq::sweep {

struct Point {
  nlohmann::json params;  // every parameter, defaults filled in (keys sorted): what the id hashes
  std::string id;         // 16 hex digits
};

struct Spec {
  std::string name;
  std::string description;
  std::filesystem::path dir;  // the spec file's directory: relative paths in params start here
  std::vector<Point> points;
};

// The parameters a point can set, with what they mean (for --help and docs/sweep.md).
const std::vector<std::pair<std::string, std::string>>& parameter_help();

// `source` names the spec in error messages. Throws qsq::Error, one line naming the key.
Spec parse_spec(const nlohmann::json& j, const std::filesystem::path& dir, const std::string& source);
Spec read_spec(const std::filesystem::path& file);

// The id of a point with these (complete) parameters.
std::string point_id(const nlohmann::json& params);

// "lanes=3 workload=random": the parameters that vary within the spec, for progress lines.
std::string point_label(const Spec& s, const Point& p);

}  // namespace qsq::sweep
