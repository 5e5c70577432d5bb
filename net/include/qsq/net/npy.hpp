// Description: reader of NumPy's .npy format (versions 1.0, 2.0 and 3.0: the magic "\x93NUMPY",
// a version, a little-endian header length, an ASCII Python dict {'descr': ..., 'fortran_order':
// ..., 'shape': (...)} padded with spaces, then the raw C-order data). Only what data sets need is
// accepted: little-endian (or single-byte) unsigned and signed integers of 1, 2, 4 and 8 bytes and
// float32, C order. No dependencies beyond the standard library; every malformed file gets an
// NpyError "npy file NAME: problem" on one line, and no count from the file sizes an allocation
// before the bytes behind it are known to be present.
// Usage:
//   qsq::net::NpyArray a = qsq::net::read_npy("data/train_images.npy");
//   a.shape  // {60000, 28, 28}      a.dtype == qsq::net::NpyType::u8      a.as_float(i)
//   qsq::net::NpyArray b = qsq::net::parse_npy(bytes, "in-memory");   // the fuzzer's entry point
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "qsq/error.hpp"

namespace qsq::net {

class NpyError : public qsq::Error {
 public:
  using qsq::Error::Error;
};

enum class NpyType { u8, i8, u16, i16, u32, i32, u64, i64, f32 };
const char* npy_type_name(NpyType t);  // NumPy's names: uint8, int8, ..., float32
int npy_type_bytes(NpyType t);

// Limits the reader enforces: a corrupt header must not make it allocate gigabytes.
inline constexpr std::uint64_t kNpyMaxBytes = std::uint64_t{1} << 31;  // data bytes (a file of 2 GiB)
inline constexpr std::uint32_t kNpyMaxHeader = 1u << 16;               // header dict bytes
inline constexpr int kNpyMaxDims = 8;

struct NpyArray {
  NpyType dtype = NpyType::u8;
  std::vector<std::uint64_t> shape;  // () for a scalar
  std::vector<std::uint8_t> data;    // raw little-endian elements, C order

  std::uint64_t count() const;       // product of shape (1 for a scalar)
  // Element i converted (the stored bytes are little-endian whatever the host).
  double as_double(std::uint64_t i) const;
  float as_float(std::uint64_t i) const { return static_cast<float>(as_double(i)); }
  std::int64_t as_int(std::uint64_t i) const;  // integer types only (uint64 above 2^63-1: NpyError)
  bool is_integer() const { return dtype != NpyType::f32; }
  std::string shape_text() const;    // "(60000, 28, 28)"
};

// Parses a whole .npy file held in memory; `name` goes into error messages.
NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string& name);
// Reads and parses a file (refused before reading when larger than the limits allow).
NpyArray read_npy(const std::string& path);
// The bytes of a version 1.0 .npy file holding `a` (tests and tools; C order, little-endian).
std::vector<std::uint8_t> npy_bytes(const NpyArray& a);

}  // namespace qsq::net
