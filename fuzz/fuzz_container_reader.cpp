// Description: libFuzzer target for the .qsq reader. Any input must either be refused with
// qsq::FormatError or yield a valid network whose re-serialization reads back identically;
// anything else (another exception, a crash, a sanitizer report, a large allocation) is a bug.
// Usage: fuzz/run.sh 60   (or: fuzz_container_reader -max_total_time=60 CORPUS SEEDS)
#include <cstdint>
#include <cstdlib>
#include <span>

#include "qsq/container.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  qsq::Network net;
  try {
    net = qsq::deserialize(bytes);
  } catch (const qsq::FormatError&) {
    return 0;  // refused cleanly: the expected outcome for almost every input
  }
  // Accepted: the accounting must work and the network must survive a write/read cycle.
  const qsq::Footprint fp = qsq::footprint_of_file(bytes);
  if (fp.file_bits != 8 * size) std::abort();
  const auto again = qsq::serialize(net, {qsq::CodeCoding::dense});
  const qsq::Network back = qsq::deserialize(again);
  if (qsq::serialize(back, {qsq::CodeCoding::dense}) != again) std::abort();
  return 0;
}
