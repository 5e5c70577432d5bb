#include "qsq/codebook.hpp"

#include <array>
#include <cmath>
#include <cstdlib>
#include <memory>

namespace qsq {

Codebook::Codebook(CodebookId id, int bits) : id_(id), bits_(bits) {
  require_range("code bits", bits, limits::kCodeBitsMin, limits::kCodeBitsMax);
  require_range("codebook", static_cast<int>(id), 0, kNumCodebooks - 1);
}

std::string Codebook::name() const { return std::string(codebook_name(id_)) + "/" + std::to_string(bits_); }

std::int32_t Codebook::decode(std::uint32_t code, std::uint32_t scale) const {
  const int mbits = bits_ - 1;
  const int top = (1 << mbits) - 1;  // M
  const bool negative = (code >> mbits) & 1u;
  const int m = static_cast<int>(code & static_cast<std::uint32_t>(top));
  std::int32_t mag = 0;
  switch (id_) {
    case CodebookId::pow2:
      mag = m == 0 ? 0 : static_cast<std::int32_t>(shr_round(scale, top - m));
      break;
    case CodebookId::shift:
      mag = static_cast<std::int32_t>(shr_round(scale, top - m));
      break;
    case CodebookId::pow2x:
      if (m == 0) return negative ? static_cast<std::int32_t>(shr_round(scale, top)) : 0;
      mag = static_cast<std::int32_t>(shr_round(scale, top - m));
      break;
  }
  return negative ? -mag : mag;
}

bool Codebook::is_zero_code(std::uint32_t code) const {
  const int mbits = bits_ - 1;
  const bool negative = (code >> mbits) & 1u;
  const std::uint32_t m = code & ((1u << mbits) - 1);
  switch (id_) {
    case CodebookId::pow2: return m == 0;
    case CodebookId::shift: return false;
    case CodebookId::pow2x: return m == 0 && !negative;
  }
  return false;
}

std::uint8_t Codebook::encode_nearest(std::uint32_t scale, double target) const {
  std::uint8_t best = 0;
  double best_err = INFINITY;
  std::int32_t best_mag = 0;
  for (int c = 0; c < num_codes(); ++c) {
    const std::int32_t v = decode(static_cast<std::uint32_t>(c), scale);
    const double err = std::fabs(static_cast<double>(v) - target);
    const std::int32_t mag = std::abs(v);
    if (err < best_err || (err == best_err && mag < best_mag)) {
      best = static_cast<std::uint8_t>(c);
      best_err = err;
      best_mag = mag;
    }
  }
  return best;
}

const Codebook& codebook(CodebookId id, int bits) {
  require_range("code bits", bits, limits::kCodeBitsMin, limits::kCodeBitsMax);
  require_range("codebook", static_cast<int>(id), 0, kNumCodebooks - 1);
  static const auto table = [] {
    std::array<std::array<std::unique_ptr<Codebook>, limits::kCodeBitsMax + 1>, kNumCodebooks> t{};
    for (int i = 0; i < kNumCodebooks; ++i)
      for (int b = limits::kCodeBitsMin; b <= limits::kCodeBitsMax; ++b)
        t[i][b] = std::make_unique<Codebook>(static_cast<CodebookId>(i), b);
    return t;
  }();
  return *table[static_cast<int>(id)][bits];
}

}  // namespace qsq
