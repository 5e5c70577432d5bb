// Description: a fresh temporary directory per test, removed afterwards; runs the test body from
// inside it when asked (for relative-path tests).
#pragma once
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace qsq_test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "qsq-flow-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    if (!old_cwd_.empty()) std::filesystem::current_path(old_cwd_);
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& s) const { return path_ / s; }
  // Makes the directory the current one until destruction.
  void enter() {
    old_cwd_ = std::filesystem::current_path();
    std::filesystem::current_path(path_);
  }

 private:
  std::filesystem::path path_, old_cwd_;
};

// Names in `dir` (recursively, relative), sorted.
inline std::vector<std::string> listing(const std::filesystem::path& dir) {
  std::vector<std::string> v;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    v.push_back(std::filesystem::relative(e.path(), dir).string());
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace qsq_test
