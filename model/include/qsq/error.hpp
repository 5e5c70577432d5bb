// Description: the one exception type of the golden model. Every validation failure throws
// qsq::Error with a one-line message that names the offending value and its allowed range.
// Usage: try { p.validate(); } catch (const qsq::Error& e) { std::cerr << e.what(); }
#pragma once
#include <stdexcept>
#include <string>

namespace qsq {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws Error("<what> = <value> is out of range [lo, hi]") unless lo <= value <= hi.
void require_range(const char* what, long long value, long long lo, long long hi);

}  // namespace qsq
