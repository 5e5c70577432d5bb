// Description: libFuzzer target for the ONNX importer (onnx/src, the `qsq quantize model.onnx`
// path): protobuf parsing, constant folding, QONNX Quant, the op mapping and fuse(). Any input
// must either be refused with qsq::Error or yield a float network whose every layer has the
// weight and bias counts its shape says (a bias per filter on MAC layers; none on avgpool and
// add, which have no weights); anything else (another exception, a crash, a sanitizer
// report, a large allocation) is a bug.
// Usage: fuzz/run.sh 60   (or: fuzz_onnx_importer -max_total_time=60 CORPUS SEEDS)
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qsq/error.hpp"
#include "qsq/layer.hpp"
#include "qsq/onnx/onnx_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  qsq::net::FloatNet net;
  try {
    net = qsq::onnx_io::parse_onnx(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  } catch (const qsq::Error&) {
    return 0;  // refused cleanly
  }
  if (net.layers.empty()) std::abort();
  for (const auto& l : net.layers) {
    if (l.weight.size() != static_cast<std::size_t>(l.out_channels) * static_cast<std::size_t>(l.fan_in())) std::abort();
    const std::size_t biases = qsq::is_mac(l.kind) ? static_cast<std::size_t>(l.out_channels) : 0;
    if (l.bias.size() != biases) std::abort();
    if (l.out_shape().size() < 1) std::abort();
  }
  return 0;
}
