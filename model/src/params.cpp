#include "qsq/params.hpp"

#include <array>
#include <mutex>

#include "qsq/csd.hpp"

namespace qsq {

std::string_view codebook_name(CodebookId id) {
  switch (id) {
    case CodebookId::pow2: return "pow2";
    case CodebookId::shift: return "shift";
    case CodebookId::pow2x: return "pow2x";
  }
  return "?";
}

CodebookId parse_codebook(std::string_view name) {
  for (int i = 0; i < kNumCodebooks; ++i) {
    auto id = static_cast<CodebookId>(i);
    if (codebook_name(id) == name) return id;
  }
  throw Error("unknown codebook '" + std::string(name) + "' (expected pow2, shift or pow2x)");
}

int max_digits(int width) {
  require_range("width", width, limits::kWidthMin, limits::kWidthMax);
  // Enumerating all 2^W values once per width is cheap (at most 65536 recodings) and avoids
  // relying on a closed form that is easy to get wrong at the range's negative end.
  static std::array<int, limits::kWidthMax + 1> cache{};
  static std::mutex mu;
  std::lock_guard lock(mu);
  if (cache[width] == 0) {
    int best = 0;
    for (std::int32_t v = min_value(width); v <= max_value(width); ++v) {
      best = std::max(best, csd_nonzeros(csd_encode(v)));
    }
    cache[width] = best;
  }
  return cache[width];
}

void validate_quality(const Quality& q, int width) {
  require_range("quality level q", q.q, 0, max_digits(width));
  require_range("drop position p", q.p, 0, width - 1);
}

Quality resolve_quality(const Quality& q, int width) {
  validate_quality(q, width);
  return Quality{q.q == 0 ? max_digits(width) : q.q, q.p};
}

void Params::validate() const {
  require_range("width", width, limits::kWidthMin, limits::kWidthMax);
  require_range("code bits", code_bits, limits::kCodeBitsMin, limits::kCodeBitsMax);
  require_range("accumulator width", acc_width, limits::kAccWidthMin, limits::kAccWidthMax);
  require_range("codebook", static_cast<int>(codebook), 0, kNumCodebooks - 1);
  validate_quality(quality, width);
}

Quality Params::resolved_quality() const { return resolve_quality(quality, width); }

}  // namespace qsq
