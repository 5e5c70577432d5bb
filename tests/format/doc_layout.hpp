// Description: byte offsets of a .qsq v1 or v2 file computed from docs/format.md alone (not from the
// library), so the tests can craft files with chosen header fields and a correct CRC-32.
// Usage: auto off = DocLayout(bytes); off.descriptor(0) + kDescOutChannels ...
#pragma once
#include <zlib.h>

#include <cstdint>
#include <vector>

namespace qsq_test {

// Offset of a field inside a layer descriptor, relative to its first byte (the name length),
// for a name of n bytes; the constants are the field offsets after the name.
inline std::size_t desc_field(std::size_t n, std::size_t fixed_offset) { return 1 + n + fixed_offset; }
inline constexpr std::size_t kDescKind = 0, kDescInC = 1, kDescInH = 3, kDescInW = 5, kDescOut = 7,
                             kDescKernel = 9, kDescFlags = 14, kDescShift = 19, kDescFormat = 20,
                             kDescCodeBits = 22, kDescCoding = 24,
                             kDescFixed = 25,  // bytes after the name (26 with the length byte), version 1
                             kDescClip = 25, kDescMultB = 27, kDescSecond = 31,  // version 2 only
                             kDescFixedV2 = 33;  // version 2: clip u16, multiplier B i32, second input u16

inline std::uint32_t get_u32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}
inline void put_u16(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  b[at] = v & 0xFF;
  b[at + 1] = (v >> 8) & 0xFF;
}
inline void put_u32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = (v >> (8 * i)) & 0xFF;
}

struct DocLayout {
  explicit DocLayout(const std::vector<std::uint8_t>& b) {
    version = b[4] | b[5] << 8;
    net_len = get_u32(b, 8);
    const std::size_t name = b[12];
    layer_count_at = 12 + 1 + name + 2 + 6 + 8;
    std::size_t at = layer_count_at + 2;
    const std::size_t count = b[layer_count_at] | b[layer_count_at + 1] << 8;
    for (std::size_t i = 0; i < count; ++i) {
      descriptors.push_back(at);
      at += 1 + b[at] + (version >= 2 ? kDescFixedV2 : kDescFixed);
    }
    std::size_t s = 12 + net_len + 4;  // first data section frame
    for (std::size_t i = 0; i < count; ++i) {
      sections.push_back(s);
      s += 8 + get_u32(b, s);
    }
  }
  // Recomputes the CRC-32 of the network section (length + payload) after an edit.
  void fix_network_crc(std::vector<std::uint8_t>& b) const { fix_crc(b, 8); }
  static void fix_crc(std::vector<std::uint8_t>& b, std::size_t frame) {
    const std::uint32_t len = get_u32(b, frame);
    const auto crc = crc32(crc32(0L, Z_NULL, 0), b.data() + frame, 4 + len);
    put_u32(b, frame + 4 + len, static_cast<std::uint32_t>(crc));
  }
  std::uint32_t version = 0;
  std::uint32_t net_len = 0;
  std::size_t layer_count_at = 0;
  std::vector<std::size_t> descriptors;  // offset of each descriptor's name-length byte
  std::vector<std::size_t> sections;     // offset of each data section's length field
};

}  // namespace qsq_test
