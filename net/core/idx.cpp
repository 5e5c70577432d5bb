// Description: idx reader/writer (see idx.hpp). Reads whole files through zlib's gz interface,
// which also passes uncompressed files through unchanged.
#include "qsq/net/idx.hpp"

#include <zlib.h>

#include <fstream>
#include <memory>

namespace qsq::net {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw IdxError("idx file " + path + ": " + what);
}

// Reads the whole (possibly gzipped) file into memory, refusing more than the size limit.
std::vector<std::uint8_t> slurp(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) fail(path, "cannot open");
  std::unique_ptr<gzFile_s, int (*)(gzFile)> guard(f, gzclose);
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint8_t> buf(1 << 20);
  for (;;) {
    const int n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int err = 0;
      fail(path, std::string("read error (") + gzerror(f, &err) + ")");
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), buf.begin(), buf.begin() + n);
    if (bytes.size() > kIdxMaxBytes + 64) fail(path, "larger than the 1 GiB limit");
  }
  return bytes;
}

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

IdxArray read_idx(const std::string& path) {
  const std::vector<std::uint8_t> bytes = slurp(path);
  if (bytes.size() < 4) fail(path, "truncated header (" + std::to_string(bytes.size()) + " bytes)");
  if (bytes[0] != 0 || bytes[1] != 0) fail(path, "bad magic: the first two bytes must be 0 (not an idx file?)");
  if (bytes[2] != 0x08)
    fail(path, "unsupported element type 0x" + std::to_string(bytes[2]) + " (only 0x08, unsigned byte)");
  const int ndims = bytes[3];
  if (ndims < 1 || ndims > kIdxMaxDims)
    fail(path, "dimension count " + std::to_string(ndims) + " out of range [1, " + std::to_string(kIdxMaxDims) + "]");
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(ndims);
  if (bytes.size() < header) fail(path, "truncated header: " + std::to_string(ndims) + " dimensions need " +
                                            std::to_string(header) + " bytes");
  IdxArray a;
  std::uint64_t count = 1;
  for (int d = 0; d < ndims; ++d) {
    const std::uint32_t n = be32(&bytes[4 + 4 * d]);
    if (n == 0) fail(path, "dimension " + std::to_string(d) + " is 0");
    count *= n;
    if (count > kIdxMaxBytes) fail(path, "declared size exceeds the 1 GiB limit");
    a.dims.push_back(n);
  }
  const std::uint64_t have = bytes.size() - header;
  if (have != count)
    fail(path, "data size " + std::to_string(have) + " bytes does not match the header's " + std::to_string(count) +
                   (have < count ? " (truncated)" : " (trailing bytes)"));
  a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return a;
}

void write_idx(const std::string& path, const IdxArray& a) {
  if (a.dims.empty() || a.dims.size() > kIdxMaxDims) throw IdxError("write_idx " + path + ": bad dimension count");
  std::uint64_t count = 1;
  for (auto d : a.dims) count *= d;
  if (count != a.data.size()) throw IdxError("write_idx " + path + ": data size does not match dims");
  std::ofstream out(path, std::ios::binary);
  if (!out) throw IdxError("write_idx: cannot create " + path);
  const std::uint8_t head[4] = {0, 0, 0x08, static_cast<std::uint8_t>(a.dims.size())};
  out.write(reinterpret_cast<const char*>(head), 4);
  for (auto d : a.dims) {
    const std::uint8_t be[4] = {static_cast<std::uint8_t>(d >> 24), static_cast<std::uint8_t>(d >> 16),
                                static_cast<std::uint8_t>(d >> 8), static_cast<std::uint8_t>(d)};
    out.write(reinterpret_cast<const char*>(be), 4);
  }
  out.write(reinterpret_cast<const char*>(a.data.data()), static_cast<std::streamsize>(a.data.size()));
  if (!out) throw IdxError("write_idx: write to " + path + " failed");
}

}  // namespace qsq::net
