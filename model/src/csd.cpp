#include "qsq/csd.hpp"

#include <bit>

namespace qsq {

Csd csd_encode(std::int32_t v) {
  // Non-adjacent form, least significant digit first: an odd remainder takes the digit
  // 2 - (v mod 4) in {+1, -1}, which makes the next remainder even (so the next digit is 0).
  Csd d;
  std::int64_t x = v;
  for (int i = 0; x != 0; ++i) {
    if (x & 1) {
      const std::int64_t digit = 2 - (x & 3);  // x mod 4 == 1 -> +1, == 3 -> -1
      if (digit > 0) d.pos |= 1u << i; else d.neg |= 1u << i;
      x -= digit;
    }
    x >>= 1;  // x is even here; arithmetic shift is exact division by 2
  }
  return d;
}

std::int32_t csd_value(Csd d) {
  return static_cast<std::int32_t>(static_cast<std::int64_t>(d.pos) - static_cast<std::int64_t>(d.neg));
}

int csd_nonzeros(Csd d) { return std::popcount(d.pos | d.neg); }

Csd csd_truncate(Csd d, Quality q) {
  std::uint32_t nz = d.pos | d.neg;
  std::uint32_t keep = 0;
  for (int k = 0; k < q.q && nz != 0; ++k) {
    const std::uint32_t top = std::uint32_t{1} << (31 - std::countl_zero(nz));
    keep |= top;
    nz &= ~top;
  }
  keep &= ~((std::uint32_t{1} << q.p) - 1);  // drop digits below position p
  return Csd{d.pos & keep, d.neg & keep};
}

std::int32_t qs_weight(std::int32_t w, Quality q) { return csd_value(csd_truncate(csd_encode(w), q)); }

int qs_rows(std::int32_t w, Quality q) { return csd_nonzeros(csd_truncate(csd_encode(w), q)); }

}  // namespace qsq
