#include "qsq/sweep/plan.hpp"

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/tool.hpp"

namespace qsq::sweep {

using json = nlohmann::json;

Plan make_plan(Spec spec, const fs::path& out, const fs::path& work, const fs::path& qsq, double timeout_s) {
  return Plan{std::move(spec), flow::absolute_path(out), flow::absolute_path(work), flow::absolute_path(qsq), timeout_s};
}

fs::path plan_path(const fs::path& out) { return out / "plan.json"; }

void write_plan(const Plan& p) {
  json pts = json::array();
  for (const auto& pt : p.spec.points) pts.push_back({{"id", pt.id}, {"params", pt.params}});
  const json j = {{"name", p.spec.name},      {"description", p.spec.description}, {"spec_dir", p.spec.dir.string()},
                  {"out", p.out.string()},    {"work", p.work.string()},           {"qsq", p.qsq.string()},
                  {"timeout_s", p.timeout_s}, {"points", pts}};
  flow::write_file_atomic(plan_path(p.out), j.dump(2) + "\n");
}

Plan read_plan(const fs::path& file) {
  try {
    const json j = json::parse(flow::read_file(file));
    Plan p;
    p.spec.name = j.at("name").get<std::string>();
    p.spec.description = j.at("description").get<std::string>();
    p.spec.dir = j.at("spec_dir").get<std::string>();
    p.out = j.at("out").get<std::string>();
    p.work = j.at("work").get<std::string>();
    p.qsq = j.at("qsq").get<std::string>();
    p.timeout_s = j.at("timeout_s").get<double>();
    for (const auto& pt : j.at("points")) {
      Point x{pt.at("params"), pt.at("id").get<std::string>()};
      if (point_id(x.params) != x.id) throw Error("point " + x.id + " does not match its parameters");
      p.spec.points.push_back(std::move(x));
    }
    return p;
  } catch (const json::exception& e) {
    throw Error(file.string() + ": not a sweep plan: " + e.what());
  }
}

fs::path point_dir(const Plan& p, std::size_t index) { return p.out / "points" / p.spec.points.at(index).id; }

std::string relative_to_out(const Plan& p, const fs::path& path) {
  return flow::absolute_path(path).lexically_relative(p.out).generic_string();
}

std::string strip_out(const Plan& p, std::string text) {
  const std::string from = p.out.string();
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + 3))
    text.replace(at, from.size(), "OUT");
  return text;
}

namespace {
json parse_or_null(const fs::path& f) {
  std::error_code ec;
  if (!fs::is_regular_file(f, ec)) return nullptr;
  try {
    return json::parse(flow::read_file(f));
  } catch (const std::exception&) {
    return nullptr;  // a file that does not parse counts as absent: the point runs again
  }
}
}  // namespace

json read_point(const Plan& p, std::size_t index) {
  const fs::path dir = point_dir(p, index);
  if (json r = parse_or_null(dir / "result.json"); r.is_object() && r.value("status", "") == "done") return r;
  if (json s = parse_or_null(dir / "status.json"); s.is_object() && s.value("status", "") == "failed") return s;
  return json::object();
}

State state_of(const Plan& p, std::size_t index) {
  const json r = read_point(p, index);
  const std::string s = r.value("status", "");
  return s == "done" ? State::done : s == "failed" ? State::failed : State::missing;
}

void write_failure(const Plan& p, std::size_t index, const std::string& log, const std::string& error) {
  const json s = {{"status", "failed"}, {"id", p.spec.points.at(index).id}, {"log", log}, {"error", strip_out(p, error)}};
  flow::write_file_atomic(point_dir(p, index) / "status.json", s.dump(2) + "\n");
}

}  // namespace qsq::sweep
