// Description: reading and writing .qsq files. The writer serializes first (so an invalid
// network never touches the disk), then writes through qsq::flow::write_file_atomic (temporary
// file in the target's directory, fsync, rename): on any failure the temporary file is removed
// and an existing target is left untouched. The reader refuses files over kMaxFileBytes
// before reading them.
// Usage: qsq::write_network(net, "out/model.qsq");  auto net = qsq::read_network("out/model.qsq");
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "qsq/container.hpp"
#include "qsq/flow/atomic_file.hpp"

namespace qsq {

namespace {
std::string errno_text() { return std::strerror(errno); }
}  // namespace

void write_network(const Network& net, const std::string& path) { write_network(net, path, WriteOptions{}); }

void write_network(const Network& net, const std::string& path, const WriteOptions& options) {
  const std::vector<std::uint8_t> bytes = serialize(net, options);  // throws before any file exists
  try {
    flow::write_file_atomic(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                            flow::ParentDirs::must_exist);
  } catch (const FormatError&) {
    throw;
  } catch (const Error& e) {
    throw FormatError(e.what());
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
