// Description: fast, bit-exact kernels for software evaluation: the quality-scalable dot product
// on pre-truncated weights, and the decoder of densely packed codes (b bits per code,
// LSB-first, the container's code packing).
//
// a * qs_weight(w, q) is the quality-scalable product, so truncating each weight once per
// quality level turns the whole multiplier into a plain integer dot product; the accumulator's
// wrap-around makes unsigned 32-bit arithmetic bit-exact for AccW = 32 (wrap_acc gives any other width).
//
// Usage:
//   qsq::PackedDecoder dec(qsq::codebook(qsq::CodebookId::pow2, 3), /*scale=*/97);
//   dec.decode(packed.data(), /*first=*/0, n, weights16.data());
//   std::int32_t acc = qsq::dot_wrap32(acts16.data(), trunc16.data(), n, /*init=*/bias);
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "qsq/codebook.hpp"

namespace qsq {

// sum_i a[i] * w[i] + init, modulo 2^32 (two's complement). a and w fit 16 bits (W <= 16 operands,
// truncated weights fit W + 1 <= 17 bits only for W = 16: use the int32 overload there).
std::int32_t dot_wrap32(const std::int16_t* a, const std::int16_t* w, std::size_t n, std::int32_t init);
std::int32_t dot_wrap32(const std::int32_t* a, const std::int32_t* w, std::size_t n, std::int32_t init);

// Decodes packed codes of one filter through a lookup table built once per (codebook, scale).
class PackedDecoder {
 public:
  PackedDecoder(const Codebook& cb, std::uint32_t scale);
  // Decodes codes first .. first+n-1 of the packed stream (code k occupies bits k*b .. k*b+b-1,
  // bit j of the stream is bit (j % 8) of byte j / 8).
  void decode(const std::uint8_t* packed, std::size_t first, std::size_t n, std::int16_t* out) const;

 private:
  int bits_;
  std::array<std::int16_t, 16> lut_{};
  std::array<std::uint32_t, 64> pair_lut_{};  // 3-bit codes: two codes (6 bits) -> two int16 values
};

// Packs codes densely, LSB-first (the inverse of the layout PackedDecoder reads).
void pack_codes(const std::uint8_t* codes, std::size_t n, int bits, std::uint8_t* packed);
inline std::size_t packed_bytes(std::size_t n, int bits) { return (n * static_cast<std::size_t>(bits) + 7) / 8; }

}  // namespace qsq
