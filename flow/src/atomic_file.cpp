#include "qsq/flow/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "qsq/error.hpp"

namespace qsq::flow {

namespace {

std::string errno_text(int e) { return std::strerror(e); }

// Closes the descriptor and removes the temporary file unless released.
class TempFile {
 public:
  explicit TempFile(fs::path path) : path_(std::move(path)) {}
  ~TempFile() {
    if (fd >= 0) ::close(fd);
    if (!released_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  int fd = -1;
  const fs::path& path() const { return path_; }
  void release() { released_ = true; }

 private:
  fs::path path_;
  bool released_ = false;
};

void fsync_dir(const fs::path& dir) {
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // durability of the rename; a failure here does not undo a completed write
    ::close(dfd);
  }
}

fs::path parent_of(const fs::path& p) { return p.has_parent_path() ? p.parent_path() : fs::path("."); }

// This machine's short name, in temporary names: on a shared file system (a sweep's cache on
// several cluster nodes) two processes of different machines may have the same pid.
const std::string& host_tag() {
  static const std::string tag = [] {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return std::string("host");
    std::string h(buf);
    if (const auto dot = h.find('.'); dot != std::string::npos) h.resize(dot);
    for (char& c : h)
      if (c == '/' || c == '\0') c = '_';
    return h.empty() ? std::string("host") : h;
  }();
  return tag;
}

}  // namespace

fs::path temp_sibling(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  std::string name(".");  // built with += : GCC 12 warns falsely (-Wrestrict) on "." + string
  name += target.filename().string();
  name += ".tmp.";
  name += host_tag();
  name += '.';
  name += std::to_string(::getpid());
  name += '.';
  name += std::to_string(counter++);
  return parent_of(target) / name;
}

bool is_temp_name(const fs::path& p) {
  const std::string n = p.filename().string();
  return !n.empty() && n[0] == '.' && n.find(".tmp.") != std::string::npos;
}

void write_file_atomic(const fs::path& path, std::string_view content, ParentDirs dirs) {
  if (path.filename().empty()) throw Error("cannot write '" + path.string() + "': not a file name");
  auto fail = [&](const std::string& why) { throw Error("cannot write " + path.string() + ": " + why); };
  if (dirs == ParentDirs::create) {
    std::error_code ec;
    fs::create_directories(parent_of(path), ec);
    if (ec) fail("cannot create its directory: " + ec.message());
  }
  TempFile tmp(temp_sibling(path));
  tmp.fd = ::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (tmp.fd < 0) {
    const int e = errno;
    tmp.release();  // nothing was created
    fail("cannot create a temporary file in its directory: " + errno_text(e));
  }
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(tmp.fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(n < 0 ? errno_text(errno) : std::string("no progress"));
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(tmp.fd) != 0) fail("fsync failed: " + errno_text(errno));
  const int rc = ::close(tmp.fd);
  tmp.fd = -1;
  if (rc != 0) fail("close failed: " + errno_text(errno));
  if (::rename(tmp.path().c_str(), path.c_str()) != 0) fail("rename failed: " + errno_text(errno));
  tmp.release();
  fsync_dir(parent_of(path));
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path.string() + ": " + errno_text(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error("cannot read " + path.string());
  return ss.str();
}

void publish(const fs::path& tmp, const fs::path& target) {
  if (::rename(tmp.c_str(), target.c_str()) != 0)
    throw Error("cannot publish " + target.string() + ": " + errno_text(errno));
  fsync_dir(parent_of(target));
}

fs::path cached_dir(const fs::path& entry, const std::function<void(const fs::path& tmp)>& build, bool* built) {
  if (built) *built = false;
  if (fs::is_directory(entry)) return entry;
  std::error_code ec;
  fs::create_directories(parent_of(entry), ec);
  if (ec) throw Error("cannot create " + parent_of(entry).string() + ": " + ec.message());
  const fs::path tmp = temp_sibling(entry);
  fs::create_directory(tmp, ec);
  if (ec) throw Error("cannot create " + tmp.string() + ": " + ec.message());
  try {
    build(tmp);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  // rename(2) of a directory onto an existing non-empty directory fails: the first publisher wins.
  if (::rename(tmp.c_str(), entry.c_str()) != 0) {
    const int e = errno;
    if (fs::is_directory(entry)) {
      fs::remove_all(tmp, ec);
      return entry;
    }
    fs::remove_all(tmp, ec);
    throw Error("cannot publish " + entry.string() + ": " + errno_text(e));
  }
  fsync_dir(parent_of(entry));
  if (built) *built = true;
  return entry;
}

}  // namespace qsq::flow
