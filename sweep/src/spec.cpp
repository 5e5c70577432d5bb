#include "qsq/sweep/spec.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>

#include "qsq/contract.hpp"
#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/hash.hpp"

namespace qsq::sweep {

namespace {

using json = nlohmann::json;

// What each parameter may hold. Every key maps onto an option of `qsq synth`, `qsq energy`,
// `qsq metrics` or `qsq eval`; nothing here describes hardware the commands cannot build.
enum class Kind { preset, integer, number, text, path, choice };
struct Param {
  Kind kind;
  double lo = 0, hi = 0;             // integer, number: inclusive range (number: exclusive lo)
  std::vector<std::string> choices;  // choice
  std::string help;
};

// The presets of the contract (config/params.json): the one-row array's and the 2-D grid's.
std::vector<std::string> preset_names() {
  std::vector<std::string> n;
  for (const auto& p : presets::kAll) n.emplace_back(p.name);
  return n;
}

bool is_grid_preset(const std::string& name) {
  for (const auto& p : presets::kAll)
    if (name == p.name) return p.grid();
  return false;
}

const std::map<std::string, Param>& params() {
  static const std::map<std::string, Param> p = {
      {"preset", {Kind::choice, 0, 0, preset_names(),
                  "parameter preset of config/params.json: the one-row array (default W=8 N=8, small W=5 N=3) or the "
                  "2-D grid (grid-small, grid M=N=8, grid-large M=N=16) (--preset)"}},
      {"lanes", {Kind::integer, 1, 64, {}, "override the preset's lanes N (--lanes of synth and energy)"}},
      {"workload", {Kind::choice, 0, 0, {"random", "stationary", "real"}, "energy workload (--workload)"}},
      {"trace", {Kind::path, 0, 0, {}, "operand trace for workload real (--trace)"}},
      {"cycles", {Kind::integer, 100, 10000000, {}, "clock cycles per quality level (energy --cycles)"}},
      {"clock_ns", {Kind::number, 0.1, 1e6, {}, "clock period in ns (--clock-ns of synth and energy)"}},
      {"liberty", {Kind::path, 0, 0, {}, "liberty file (--liberty; default OSU 0.18 um)"}},
      {"seed", {Kind::integer, 0, 9007199254740992.0, {}, "workload seed (energy --seed)"}},
      {"network", {Kind::path, 0, 0, {}, ".qsq network: adds top-1 accuracy per level (qsq eval)"}},
      {"data", {Kind::choice, 0, 0, {"mnist", "fashion"}, "data set of the network's accuracy (eval --data)"}},
      {"eval_limit", {Kind::integer, 1, 1e9, {}, "evaluate only the first N test images (eval --limit)"}},
  };
  return p;
}

// Keys a user exploring the method will reach for that the commands do not take yet.
const std::map<std::string, std::string>& not_yet() {
  static const std::map<std::string, std::string> n = {
      {"width", "the commands take the operand width only through \"preset\""},
      {"code_bits", "the commands take the code width only through \"preset\""},
      {"codebook", "the energy flow has no codebook option (the codebook is chosen by `qsq quantize` of a network)"},
      {"M", "qsq energy takes the grid's rows only through \"preset\" (grid-small, grid, grid-large)"},
      {"rows", "qsq energy takes the grid's rows only through \"preset\" (grid-small, grid, grid-large)"},
      {"N", "use \"lanes\""},
      {"quality", "every point measures every quality level"},
  };
  return n;
}

// Filled in when a point does not say: the id covers them, so a point is the same whether a spec
// spells a default out or not.
const json& defaults() {
  static const json d = {{"preset", "default"}, {"workload", "stationary"}, {"cycles", 10000}, {"clock_ns", 10.0},
                         {"seed", 1}};
  return d;
}

std::string where(const std::string& source, const std::string& at) { return source + ": " + at; }

void check_value(const std::string& source, const std::string& at, const std::string& key, const json& v) {
  if (auto n = not_yet().find(key); n != not_yet().end())
    throw Error(where(source, at) + ": key '" + key + "' cannot be swept yet: " + n->second);
  const auto it = params().find(key);
  if (it == params().end()) {
    std::string known;
    for (const auto& [k, _] : params()) known += (known.empty() ? "" : ", ") + k;
    throw Error(where(source, at) + ": unknown key '" + key + "' (point parameters: " + known + ")");
  }
  const Param& p = it->second;
  const std::string bad = where(source, at) + ": key '" + key + "' ";
  switch (p.kind) {
    case Kind::integer:
      if (!v.is_number_integer() && !(v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()))
        throw Error(bad + "must be an integer, not " + v.dump());
      if (v.get<double>() < p.lo || v.get<double>() > p.hi)
        throw Error(bad + fmt::format("is {} (allowed {}..{})", v.dump(), p.lo, p.hi));
      break;
    case Kind::number:
      if (!v.is_number()) throw Error(bad + "must be a number, not " + v.dump());
      if (!(v.get<double>() > p.lo && v.get<double>() < p.hi))
        throw Error(bad + fmt::format("is {} (allowed ({}, {}))", v.dump(), p.lo, p.hi));
      break;
    case Kind::path:
    case Kind::text:
      if (!v.is_string() || v.get<std::string>().empty()) throw Error(bad + "must be a non-empty string, not " + v.dump());
      break;
    case Kind::choice:
    case Kind::preset: {
      std::string all;
      for (const auto& c : p.choices) all += (all.empty() ? "" : " | ") + c;
      if (!v.is_string()) throw Error(bad + "must be one of " + all + ", not " + v.dump());
      bool ok = false;
      for (const auto& c : p.choices) ok = ok || v.get<std::string>() == c;
      if (!ok) throw Error(bad + "is '" + v.get<std::string>() + "' (one of " + all + ")");
      break;
    }
  }
}

// Integers stay integers (a grid may say 2 or 2.0: both are lanes 2, the same id).
json normal(const std::string& key, const json& v) {
  const Param& p = params().at(key);
  if (p.kind == Kind::integer) return json(static_cast<std::int64_t>(v.get<double>()));
  if (p.kind == Kind::number) return json(v.get<double>());
  return v;
}

json complete(const std::string& source, const std::string& at, json point) {
  for (const auto& [k, v] : defaults().items())
    if (!point.contains(k)) point[k] = v;
  const std::string wl = point["workload"].get<std::string>();
  if (wl == "real" && !point.contains("trace")) throw Error(where(source, at) + ": workload real needs key 'trace'");
  if (wl != "real" && point.contains("trace")) throw Error(where(source, at) + ": key 'trace' is only used with workload real");
  // qsq energy refuses --lanes with a grid preset (the grid's shape is its preset's).
  if (point.contains("lanes") && is_grid_preset(point["preset"].get<std::string>()))
    throw Error(where(source, at) + ": key 'lanes' overrides the one-row array's presets only, not '" +
                point["preset"].get<std::string>() + "' (qsq energy --lanes)");
  for (const char* k : {"data", "eval_limit"})
    if (point.contains(k) && !point.contains("network"))
      throw Error(where(source, at) + ": key '" + k + "' is only used with key 'network'");
  return point;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& parameter_help() {
  static const std::vector<std::pair<std::string, std::string>> h = [] {
    std::vector<std::pair<std::string, std::string>> v;
    for (const auto& [k, p] : params()) v.emplace_back(k, p.help);
    return v;
  }();
  return h;
}

std::string point_id(const json& params) { return flow::hash_hex("qsq-sweep-point\n" + params.dump()); }

Spec parse_spec(const json& j, const std::filesystem::path& dir, const std::string& source) {
  if (!j.is_object()) throw Error(source + ": a sweep spec is a JSON object");
  for (const auto& [k, _] : j.items())
    if (k != "name" && k != "description" && k != "defaults" && k != "grid" && k != "points" && k != "comment")
      throw Error(source + ": unknown top-level key '" + k + "' (name, description, defaults, grid, points)");
  Spec s;
  s.dir = dir;
  s.name = j.value("name", std::string());
  if (s.name.empty()) throw Error(source + ": key 'name' is missing (a short name for the sweep)");
  if (j.contains("description")) s.description = j["description"].get<std::string>();

  json base = json::object();
  if (j.contains("defaults")) {
    if (!j["defaults"].is_object()) throw Error(source + ": key 'defaults' must be an object of point parameters");
    for (const auto& [k, v] : j["defaults"].items()) {
      check_value(source, "defaults", k, v);
      base[k] = normal(k, v);
    }
  }
  std::vector<json> raw;
  if (j.contains("grid")) {
    const json& g = j["grid"];
    if (!g.is_object() || g.empty()) throw Error(source + ": key 'grid' must be an object of parameter -> list of values");
    std::vector<json> acc = {base};
    // Expand in key order (JSON objects here are sorted): the first key varies slowest.
    for (const auto& [k, vals] : g.items()) {
      if (!vals.is_array() || vals.empty()) throw Error(source + ": grid key '" + k + "' must be a non-empty list");
      std::vector<json> next;
      for (const auto& a : acc)
        for (const auto& v : vals) {
          check_value(source, "grid", k, v);
          json p = a;
          p[k] = normal(k, v);
          next.push_back(std::move(p));
        }
      acc = std::move(next);
    }
    for (auto& p : acc) raw.push_back(complete(source, "grid", std::move(p)));
  }
  if (j.contains("points")) {
    if (!j["points"].is_array()) throw Error(source + ": key 'points' must be a list of objects");
    int i = 0;
    for (const auto& pt : j["points"]) {
      const std::string at = fmt::format("points[{}]", i++);
      if (!pt.is_object()) throw Error(where(source, at) + ": a point is an object of parameters");
      json p = base;
      for (const auto& [k, v] : pt.items()) {
        check_value(source, at, k, v);
        p[k] = normal(k, v);
      }
      raw.push_back(complete(source, at, std::move(p)));
    }
  }
  if (raw.empty()) throw Error(source + ": no points (give 'grid' or 'points')");
  std::map<std::string, std::size_t> seen;
  for (auto& p : raw) {
    Point pt{p, point_id(p)};
    if (auto it = seen.find(pt.id); it != seen.end())
      throw Error(fmt::format("{}: point {} repeats point {} ({})", source, s.points.size(), it->second, p.dump()));
    seen[pt.id] = s.points.size();
    s.points.push_back(std::move(pt));
  }
  return s;
}

Spec read_spec(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".toml")
    throw Error(file.string() + ": TOML specs are not supported (no C++ TOML library on Debian 12 here); write it as JSON");
  json j;
  try {
    j = json::parse(flow::read_file(file));
  } catch (const json::parse_error& e) {
    throw Error(file.string() + ": not valid JSON: " + e.what());
  }
  return parse_spec(j, std::filesystem::absolute(file).parent_path().lexically_normal(), file.string());
}

std::string point_label(const Spec& s, const Point& p) {
  // The keys whose value differs between points, in key order.
  std::set<std::string> varying;
  for (const auto& q : s.points)
    for (const auto& [k, v] : q.params.items())
      if (!p.params.contains(k) || p.params[k] != v) varying.insert(k);
  for (const auto& [k, v] : p.params.items())
    for (const auto& q : s.points)
      if (!q.params.contains(k)) varying.insert(k);
  std::string out;
  for (const auto& k : varying) {
    if (!p.params.contains(k)) continue;
    const json& v = p.params[k];
    out += (out.empty() ? "" : " ") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return out.empty() ? p.id : out;
}

}  // namespace qsq::sweep
