#include "qsq/energy/toolrun.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "qsq/error.hpp"

namespace qsq::energy {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string ys_quote(const std::string& s) {
  // Some Yosys commands (tee -o) keep quotes as part of the name: quote only when needed.
  return s.find_first_of(" \t") == std::string::npos ? s : "\"" + s + "\"";
}
std::string tcl_quote(const std::string& s) { return "{" + s + "}"; }

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const fs::path& p, const std::string& s) {
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  fs::path tmp = p;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write " + tmp.string());
    out << s;
    if (!out.flush()) throw Error("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (ec) throw Error("cannot rename " + tmp.string() + ": " + ec.message());
}

void run_tool(const std::string& command, const fs::path& log, const std::string& what) {
  if (log.has_parent_path()) fs::create_directories(log.parent_path());
  const std::string full = "( " + command + " ) > " + shell_quote(log.string()) + " 2>&1";
  const int rc = std::system(full.c_str());
  if (rc == 0) return;
  // Last non-empty lines of the log say why.
  std::vector<std::string> lines;
  std::ifstream in(log);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) lines.push_back(l);
  std::string tail;
  for (size_t i = lines.size() > 3 ? lines.size() - 3 : 0; i < lines.size(); ++i) tail += (tail.empty() ? "" : " | ") + lines[i];
  throw Error(what + " failed (see " + log.string() + "): " + tail);
}

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
