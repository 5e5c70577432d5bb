#include "qsq/energy/toolrun.hpp"

#include <cctype>

#include "qsq/error.hpp"

namespace qsq::energy {

std::string ys_quote(const std::string& s) {
  // Some Yosys commands (tee -o) keep quotes as part of the name: quote only when needed.
  return s.find_first_of(" \t") == std::string::npos ? s : "\"" + s + "\"";
}
std::string tcl_quote(const std::string& s) { return "{" + s + "}"; }

std::string expand_template(const std::string& text, const std::map<std::string, std::string>& vars) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t a = text.find('@', i);
    if (a == std::string::npos) { out += text.substr(i); break; }
    size_t b = text.find('@', a + 1);
    if (b == std::string::npos) { out += text.substr(i); break; }
    std::string key = text.substr(a + 1, b - a - 1);
    bool ident = !key.empty();
    for (char c : key) ident = ident && (std::isupper(static_cast<unsigned char>(c)) || c == '_' || std::isdigit(static_cast<unsigned char>(c)));
    if (!ident) {  // not a placeholder: keep the '@'
      out += text.substr(i, a + 1 - i);
      i = a + 1;
      continue;
    }
    auto it = vars.find(key);
    if (it == vars.end()) throw Error("script template uses unknown placeholder @" + key + "@");
    out += text.substr(i, a - i) + it->second;
    i = b + 1;
  }
  return out;
}

fs::path energy_source_dir() { return fs::path(QSQ_ENERGY_SOURCE_DIR); }
fs::path source_root() { return fs::path(QSQ_SOURCE_ROOT); }
std::string default_liberty() { return "/usr/share/qflow/tech/osu018/osu018_stdcells.lib"; }

}  // namespace qsq::energy
