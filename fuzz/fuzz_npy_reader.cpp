// Description: libFuzzer target for the .npy reader (net/core/npy.cpp, the --data DIR path). Any
// input must either be refused with qsq::net::NpyError or yield an array whose every element can
// be read and whose re-serialization parses back to the same array; anything else (another
// exception, a crash, a sanitizer report, a large allocation) is a bug.
// Usage: fuzz/run.sh 60   (or: fuzz_npy_reader -max_total_time=60 CORPUS SEEDS)
#include <cstdint>
#include <cstdlib>
#include <span>

#include "qsq/net/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  qsq::net::NpyArray a;
  try {
    a = qsq::net::parse_npy(std::span<const std::uint8_t>(data, size), "fuzz");
  } catch (const qsq::net::NpyError&) {
    return 0;  // refused cleanly
  }
  // Accepted: the size must be exactly what the shape says, and every element readable.
  if (a.data.size() != a.count() * static_cast<std::uint64_t>(qsq::net::npy_type_bytes(a.dtype))) std::abort();
  double sum = 0;
  for (std::uint64_t i = 0; i < a.count(); ++i) sum += a.as_double(i);
  (void)sum;
  const auto again = qsq::net::npy_bytes(a);
  const qsq::net::NpyArray back = qsq::net::parse_npy(again, "again");
  if (back.dtype != a.dtype || back.shape != a.shape || back.data != a.data) std::abort();
  return 0;
}
