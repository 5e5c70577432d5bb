// Description: two's complement bit fields, the one implementation of the bit-level plumbing
// between the golden model and the hardware: sign extension of a W-bit value, a field of a port
// word, and N lanes packed side by side into a bus (lane i in bits i*b .. i*b+b-1, LSB first).
// Used by the RTL drivers (sim/rtlsim), the SystemC ports (systemc/, testbench/), the gate-level
// stimulus player (sim/energy/driver, compiled as C++17: this header stays C++17), the $readmemh
// export (net/core) and the native integers of the HLS C++ (hls/). Standard library only.
// Usage:
//   std::int64_t r = qsq::sign_extend(0xFFu, 8);                    // -1
//   std::uint64_t f = qsq::to_field(-3, 5);                          // 0b11101
//   std::uint64_t word = qsq::put_field(0, 8, 8, -1);                // 0xFF00
//   std::uint64_t g = qsq::get_field(word, 8, 8);                    // 0xFF
//   std::vector<std::uint32_t> bus = qsq::pack_lanes(acts, 8);       // 32-bit words, LSB first
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace qsq {

// The low `bits` bits set (bits in 0..64).
constexpr std::uint64_t low_mask(int bits) {
  return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

// The low `bits` bits of v (two's complement for a negative v): the field a port carries.
constexpr std::uint64_t to_field(std::int64_t v, int bits) { return static_cast<std::uint64_t>(v) & low_mask(bits); }

// Sign-extends the low `bits` bits (1..64) of v; the bits above them are ignored.
constexpr std::int64_t sign_extend(std::uint64_t v, int bits) {
  return static_cast<std::int64_t>(v << (64 - bits)) >> (64 - bits);
}

// Bits [lo, lo + width) of a word, unsigned (lo in 0..63).
constexpr std::uint64_t get_field(std::uint64_t word, int lo, int width) { return (word >> lo) & low_mask(width); }

// `word` with bits [lo, lo + width) replaced by the low `width` bits of `value` (any sign).
constexpr std::uint64_t put_field(std::uint64_t word, int lo, int width, std::uint64_t value) {
  const std::uint64_t mask = low_mask(width);
  return (word & ~(mask << lo)) | ((value & mask) << lo);
}

// Buses wider than 64 bits are arrays of 32-bit words, least significant word first (the
// layout of Verilator's VlWide). Writes the low `width` (0..64) bits of value at bit `pos`.
inline void put_bits(std::uint32_t* words, std::size_t pos, int width, std::uint64_t value) {
  for (int b = 0; b < width; ++b, ++pos) {
    const std::uint32_t m = std::uint32_t{1} << (pos % 32);
    if ((value >> b) & 1u) words[pos / 32] |= m;
    else words[pos / 32] &= ~m;
  }
}

// Bits [pos, pos + width) of a word array (width 0..64), unsigned.
inline std::uint64_t get_bits(const std::uint32_t* words, std::size_t pos, int width) {
  std::uint64_t v = 0;
  for (int b = 0; b < width; ++b, ++pos) v |= static_cast<std::uint64_t>((words[pos / 32] >> (pos % 32)) & 1u) << b;
  return v;
}

// Number of 32-bit words of a bus of `bits` bits.
constexpr std::size_t bus_words(std::size_t bits) { return (bits + 31) / 32; }

// Packs lanes side by side: lane i (any integer type, two's complement) in bits
// [i*bits, i*bits + bits) of the result, 32-bit words, least significant first.
template <class Lanes>
std::vector<std::uint32_t> pack_lanes(const Lanes& lanes, int bits) {
  std::vector<std::uint32_t> words(bus_words(static_cast<std::size_t>(bits) * lanes.size()), 0u);
  std::size_t pos = 0;
  for (const auto& v : lanes) {
    put_bits(words.data(), pos, bits, static_cast<std::uint64_t>(static_cast<std::int64_t>(v)));
    pos += static_cast<std::size_t>(bits);
  }
  return words;
}

}  // namespace qsq
