// Description: little-endian byte reading with bounds checks, dense bit packing and the CRC-32
// of the .qsq container (see byte_io.hpp and docs/format.md).
// Usage: internal to qsq_format.
#include "byte_io.hpp"

#include <zlib.h>

#include <limits>

namespace qsq::format_detail {

std::string printable(std::string_view text) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void fail(std::string_view section, std::uint64_t offset, const std::string& what) {
  throw FormatError("invalid .qsq file: " + printable(section) + " at byte " + std::to_string(offset) +
                    ": " + printable(what));
}

std::uint32_t ByteReader::get_le(int n, const char* field) {
  if (left() < static_cast<std::uint64_t>(n))
    fail_here(std::string("truncated: ") + field + " needs " + std::to_string(n) + " bytes, " +
              std::to_string(left()) + " left");
  std::uint32_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<std::uint32_t>(data_[pos_ + i]) << (8 * i);
  field_ = pos_;
  pos_ += static_cast<std::size_t>(n);
  return v;
}

std::span<const std::uint8_t> ByteReader::take(std::uint64_t n, const char* field) {
  if (left() < n)
    fail_here(std::string("truncated: ") + field + " needs " + std::to_string(n) + " bytes, " +
              std::to_string(left()) + " left");
  auto s = data_.subspan(pos_, static_cast<std::size_t>(n));
  field_ = pos_;
  pos_ += static_cast<std::size_t>(n);
  return s;
}

std::vector<std::uint8_t> pack_bits(std::span<const std::uint32_t> values, int bits) {
  std::vector<std::uint8_t> out(packed_bytes(values.size(), bits), 0);
  std::uint64_t k = 0;  // stream bit index
  for (std::uint32_t v : values) {
    for (int b = 0; b < bits; ++b, ++k)
      if ((v >> b) & 1u) out[k / 8] |= static_cast<std::uint8_t>(1u << (k % 8));
  }
  return out;
}

std::vector<std::uint32_t> unpack_bits(std::span<const std::uint8_t> bytes, std::uint64_t count, int bits,
                                       const ByteReader& where) {
  if (bytes.size() != packed_bytes(count, bits))
    where.fail_field("packed field has " + std::to_string(bytes.size()) + " bytes, expected " +
                    std::to_string(packed_bytes(count, bits)));
  std::vector<std::uint32_t> out(static_cast<std::size_t>(count), 0);
  std::uint64_t k = 0;
  for (auto& v : out) {
    for (int b = 0; b < bits; ++b, ++k) v |= static_cast<std::uint32_t>((bytes[k / 8] >> (k % 8)) & 1u) << b;
  }
  // Canonical form: padding bits are zero, so every corruption of them is detected.
  for (; k < bytes.size() * 8; ++k)
    if ((bytes[k / 8] >> (k % 8)) & 1u) where.fail_field("non-zero padding bits after packed field");
  return out;
}

std::uint32_t crc32_of(std::span<const std::uint8_t> bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed in chunks so any span size is covered.
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const std::size_t n = std::min<std::size_t>(bytes.size() - pos, std::numeric_limits<uInt>::max() / 2);
    crc = crc32(crc, bytes.data() + pos, static_cast<uInt>(n));
    pos += n;
  }
  return static_cast<std::uint32_t>(crc);
}

}  // namespace qsq::format_detail
