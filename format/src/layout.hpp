// Description: the byte layout constants of .qsq versions 1 and 2, shared by writer and reader
// (internal; docs/format.md is the specification they implement).
// Usage: #include "layout.hpp"  then  format_detail::kMagic, kDescriptorFixedBytes ...
#pragma once
#include <array>
#include <cstdint>

namespace qsq::format_detail {

inline constexpr std::array<std::uint8_t, 4> kMagic{0x89, 'Q', 'S', 'Q'};
inline constexpr std::uint64_t kPreambleBytes = 8;       // magic, u16 version, u16 flags
inline constexpr std::uint64_t kFrameBytes = 8;          // u32 length before, u32 CRC-32 after
inline constexpr std::uint64_t kNetworkFixedBytes = 19;  // network header without its name
inline constexpr std::uint64_t kDescriptorFixedBytes = 26;  // layer descriptor without its name, version 1
inline constexpr std::uint64_t kDescriptorV2Bytes = 8;      // version 2 appends clip, multiplier B, second input
inline constexpr std::uint64_t descriptor_fixed_bytes(std::uint16_t version) {
  return kDescriptorFixedBytes + (version >= 2 ? kDescriptorV2Bytes : 0);
}
inline constexpr std::uint32_t kMaxKindV1 = 2, kMaxKindV2 = 5;  // layer kinds each version defines
inline constexpr std::uint32_t kMaxName = 255;            // u8 length prefix
inline constexpr std::uint32_t kMaxDim = 65535;           // u16 fields
inline constexpr std::uint32_t kMaxSmall = 255;           // u8 fields: kernel, stride, pad, pool

// Requantization flag bits in the layer descriptor.
inline constexpr std::uint32_t kRequantEnabled = 1u << 0;
inline constexpr std::uint32_t kRequantRelu = 1u << 1;

}  // namespace qsq::format_detail
