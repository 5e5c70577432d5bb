#include "qsq/params.hpp"

namespace qsq {

std::string_view codebook_name(CodebookId id) {
  const int i = static_cast<int>(id);
  return i >= 0 && i < kNumCodebooks ? kCodebookNames[i] : "?";
}

CodebookId parse_codebook(std::string_view name) {
  std::string accepted;
  for (int i = 0; i < kNumCodebooks; ++i) {
    if (kCodebookNames[i] == name) return static_cast<CodebookId>(i);
    accepted += (i == 0 ? "" : i + 1 == kNumCodebooks ? " or " : ", ") + std::string(kCodebookNames[i]);
  }
  throw Error("unknown codebook '" + std::string(name) + "' (expected " + accepted + ")");
}

// The contract's table (generated); tests/model/params_test.cpp checks it against an
// enumeration of every W-bit value.
int max_digits(int width) {
  require_range("width", width, limits::kWidthMin, limits::kWidthMax);
  return contract::qmax(width);
}

void validate_quality(const Quality& q, int width) {
  require_range("width", width, limits::kWidthMin, limits::kWidthMax);
  const contract::Range qr = contract::q_range(width), pr = contract::p_range(width);
  require_range("quality level q", q.q, qr.lo, qr.hi);
  require_range("drop position p", q.p, pr.lo, pr.hi);
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
