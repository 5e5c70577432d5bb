#include "qsq/kernels.hpp"

#include <cstring>

namespace qsq {

std::int32_t dot_wrap32(const std::int16_t* a, const std::int16_t* w, std::size_t n, std::int32_t init) {
  // Products of two 16-bit values fit 32 bits; int32 partial sums of 2^15 products could
  // overflow, which is undefined for signed types, so the sum is kept in uint32 (defined
  // wrap-around, identical bits). GCC vectorises this loop to pmaddwd.
  std::uint32_t acc = static_cast<std::uint32_t>(init);
  for (std::size_t i = 0; i < n; ++i)
    acc += static_cast<std::uint32_t>(static_cast<std::int32_t>(a[i]) * static_cast<std::int32_t>(w[i]));
  return static_cast<std::int32_t>(acc);
}

std::int32_t dot_wrap32(const std::int32_t* a, const std::int32_t* w, std::size_t n, std::int32_t init) {
  std::uint32_t acc = static_cast<std::uint32_t>(init);
  for (std::size_t i = 0; i < n; ++i)
    acc += static_cast<std::uint32_t>(static_cast<std::int64_t>(a[i]) * w[i]);
  return static_cast<std::int32_t>(acc);
}

PackedDecoder::PackedDecoder(const Codebook& cb, std::uint32_t scale) : bits_(cb.bits()) {
  for (int c = 0; c < cb.num_codes(); ++c) lut_[c] = static_cast<std::int16_t>(cb.decode(static_cast<std::uint32_t>(c), scale));
  if (bits_ == 3) {
    // Two int16 values in memory order (little-endian host: the first code in the low half).
    for (std::uint32_t k = 0; k < 64; ++k) {
      const std::int16_t pair[2] = {lut_[k & 7], lut_[k >> 3]};
      std::memcpy(&pair_lut_[k], pair, 4);
    }
  }
}

void PackedDecoder::decode(const std::uint8_t* packed, std::size_t first, std::size_t n, std::int16_t* out) const {
  const std::size_t b = static_cast<std::size_t>(bits_);
  std::size_t k = 0;
  if (bits_ == 3 && first % 8 == 0) {
    // Fast path: 8 codes per 3 bytes, four 6-bit lookups of two decoded values each.
    const std::uint8_t* p = packed + first / 8 * 3;
    for (; k + 8 <= n; k += 8, p += 3) {
      const std::uint32_t g = static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
                              (static_cast<std::uint32_t>(p[2]) << 16);
      std::uint32_t v;
      v = pair_lut_[g & 0x3f];
      std::memcpy(out + k, &v, 4);
      v = pair_lut_[(g >> 6) & 0x3f];
      std::memcpy(out + k + 2, &v, 4);
      v = pair_lut_[(g >> 12) & 0x3f];
      std::memcpy(out + k + 4, &v, 4);
      v = pair_lut_[(g >> 18) & 0x3f];
      std::memcpy(out + k + 6, &v, 4);
    }
  }
  for (; k < n; ++k) {
    const std::size_t bit = (first + k) * b;
    std::uint32_t word = packed[bit / 8];
    if (bit % 8 + b > 8) word |= static_cast<std::uint32_t>(packed[bit / 8 + 1]) << 8;
    out[k] = lut_[(word >> (bit % 8)) & ((1u << b) - 1)];
  }
}

void pack_codes(const std::uint8_t* codes, std::size_t n, int bits, std::uint8_t* packed) {
  std::memset(packed, 0, packed_bytes(n, bits));
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t bit = k * static_cast<std::size_t>(bits);
    const std::uint32_t v = static_cast<std::uint32_t>(codes[k] & ((1u << bits) - 1)) << (bit % 8);
    packed[bit / 8] |= static_cast<std::uint8_t>(v);
    if (v >> 8) packed[bit / 8 + 1] |= static_cast<std::uint8_t>(v >> 8);
  }
}

}  // namespace qsq
