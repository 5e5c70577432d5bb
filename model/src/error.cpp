#include "qsq/error.hpp"

#include <string>

namespace qsq {

void require_range(const char* what, long long value, long long lo, long long hi) {
  if (value < lo || value > hi) {
    throw Error(std::string(what) + " = " + std::to_string(value) + " is out of range [" +
                std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
}

}  // namespace qsq
