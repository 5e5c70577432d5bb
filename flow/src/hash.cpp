#include "qsq/flow/hash.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cstdio>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"

namespace qsq::flow {

std::string hash_hex(std::string_view data) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(XXH3_64bits(data.data(), data.size())));
  return buf;
}

std::string hash_file(const std::filesystem::path& p) { return hash_hex(read_file(p)); }

std::string hash_dir(const std::filesystem::path& dir, const std::vector<std::string>& extensions) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && !is_temp_name(e.path()) &&
        (extensions.empty() || std::find(extensions.begin(), extensions.end(), ext) != extensions.end()))
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::string key;
  for (const auto& f : files) key += f.filename().string() + ":" + hash_file(f) + "\n";
  return key;
}

}  // namespace qsq::flow
