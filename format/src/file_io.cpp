// Description: reading and writing .qsq files. The writer serializes first (so an invalid
// network never touches the disk), writes a temporary file in the target's directory, fsyncs
// it, renames it over the target and fsyncs the directory; on any failure the temporary file is
// removed and an existing target is left untouched. The reader refuses files over kMaxFileBytes
// before reading them.
// Usage: qsq::write_network(net, "out/model.qsq");  auto net = qsq::read_network("out/model.qsq");
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "qsq/container.hpp"

namespace qsq {

namespace {

std::string errno_text() { return std::strerror(errno); }

// Closes the descriptor and removes the temporary file unless released.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!released_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  int& fd() { return fd_; }
  const std::string& path() const { return path_; }
  void release() { released_ = true; }

 private:
  std::string path_;
  int fd_ = -1;
  bool released_ = false;
};

std::string temp_name_for(const std::filesystem::path& target) {
  static std::atomic<unsigned> counter{0};
  std::string name(".");  // built with += : GCC 12 warns falsely (-Wrestrict) on "." + string
  name += target.filename().string();
  name += ".tmp.";
  name += std::to_string(::getpid());
  name += '.';
  name += std::to_string(counter++);
  return (target.parent_path() / name).string();
}

}  // namespace

void write_network(const Network& net, const std::string& path) { write_network(net, path, WriteOptions{}); }

void write_network(const Network& net, const std::string& path, const WriteOptions& options) {
  const std::vector<std::uint8_t> bytes = serialize(net, options);  // throws before any file exists
  const std::filesystem::path target(path);
  if (target.filename().empty()) throw FormatError("cannot write '" + path + "': not a file name");
  auto fail = [&](const std::string& what) { throw FormatError("cannot write '" + path + "': " + what); };

  TempFile tmp(temp_name_for(target));
  tmp.fd() = ::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (tmp.fd() < 0) {
    tmp.release();  // nothing was created
    fail("cannot create a temporary file in its directory: " + errno_text());
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(tmp.fd(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("write failed: " + (n < 0 ? errno_text() : std::string("no progress")));
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(tmp.fd()) != 0) fail("fsync failed: " + errno_text());
  if (::close(tmp.fd()) != 0) {
    tmp.fd() = -1;
    fail("close failed: " + errno_text());
  }
  tmp.fd() = -1;
  if (::rename(tmp.path().c_str(), path.c_str()) != 0) fail("rename failed: " + errno_text());
  tmp.release();
  // Make the rename itself durable; a failure here does not undo a completed write.
  const auto dir = target.parent_path().empty() ? std::string(".") : target.parent_path().string();
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw FormatError("cannot open '" + path + "': " + errno_text());
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw FormatError("cannot stat '" + path + "': " + errno_text());
  if (!S_ISREG(st.st_mode)) throw FormatError("'" + path + "' is not a regular file");
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > kMaxFileBytes)
    throw FormatError("'" + path + "' has " + std::to_string(size) + " bytes, more than the limit of " +
                      std::to_string(kMaxFileBytes));
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw FormatError("cannot read '" + path + "': " + errno_text());
    if (n == 0) break;  // the file shrank while being read
    done += static_cast<std::size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

Network read_network(const std::string& path) {
  const auto bytes = read_file_bytes(path);
  try {
    return deserialize(bytes);
  } catch (const FormatError& e) {
    throw FormatError(path + ": " + e.what());
  }
}

}  // namespace qsq
