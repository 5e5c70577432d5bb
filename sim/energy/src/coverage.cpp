// coverage.dat lines: C '<\001key\002value...>' COUNT
#include "qsq/energy/coverage.hpp"

#include <cctype>
#include <sstream>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"

namespace qsq::energy {

std::string demangle_verilator(const std::string& n) {
  std::string out;
  out.reserve(n.size());
  for (size_t i = 0; i < n.size(); ++i) {
    if (n.compare(i, 3, "__0") == 0 && i + 4 < n.size() + 0 && std::isxdigit(static_cast<unsigned char>(n[i + 3])) &&
        std::isxdigit(static_cast<unsigned char>(n[i + 4]))) {
      out += static_cast<char>(std::stoi(n.substr(i + 3, 2), nullptr, 16));
      i += 4;
    } else {
      out += n[i];
    }
  }
  return out;
}

std::map<std::string, std::uint64_t> parse_toggle_counts(const std::string& text, const std::string& scope) {
  std::map<std::string, std::uint64_t> out;
  std::istringstream in(text);
  std::string line;
  int ln = 0;
  while (std::getline(in, line)) {
    ++ln;
    if (line.empty() || line[0] == '#') continue;
    if (line.size() < 4 || line[0] != 'C') throw Error("coverage.dat line " + std::to_string(ln) + ": not a point");
    size_t q1 = line.find('\''), q2 = line.rfind('\'');
    if (q1 == std::string::npos || q2 <= q1) throw Error("coverage.dat line " + std::to_string(ln) + ": no key string");
    const std::string keys = line.substr(q1 + 1, q2 - q1 - 1);
    std::uint64_t count = 0;
    try {
      count = std::stoull(line.substr(q2 + 1));
    } catch (const std::exception&) {
      throw Error("coverage.dat line " + std::to_string(ln) + ": bad count");
    }
    std::string page, sig, hier;
    size_t p = 0;
    while (p < keys.size()) {
      if (keys[p] != '\001') { ++p; continue; }
      size_t k2 = keys.find('\002', p + 1);
      if (k2 == std::string::npos) break;
      size_t e = keys.find('\001', k2 + 1);
      std::string k = keys.substr(p + 1, k2 - p - 1);
      std::string v = keys.substr(k2 + 1, e == std::string::npos ? std::string::npos : e - k2 - 1);
      if (k == "page") page = v;
      else if (k == "o") sig = v;
      else if (k == "h") hier = v;
      p = e == std::string::npos ? keys.size() : e;
    }
    if (page.rfind("v_toggle/", 0) != 0) continue;
    if (!scope.empty() && hier != scope) continue;
    out[demangle_verilator(sig)] += count;
  }
  return out;
}

std::map<std::string, std::uint64_t> read_toggle_counts(const std::string& path, const std::string& scope) { return parse_toggle_counts(flow::read_file(path), scope); }

}  // namespace qsq::energy
