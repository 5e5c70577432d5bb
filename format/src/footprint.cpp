// Description: the bit accounting of a .qsq file (docs/format.md, "Footprint accounting"):
// every byte of the file is counted once, as codes, scales, plain weights, biases or header
// (preamble, section frames, network header, layer descriptors, padding bits of packed fields).
// Usage: qsq::Footprint fp = qsq::footprint_of_file(bytes);
#include "byte_io.hpp"
#include "layout.hpp"
#include "qsq/container.hpp"

namespace qsq {
namespace fd = format_detail;

namespace {
double saving(std::uint64_t stored, std::uint64_t reference) {
  return reference == 0 ? 0.0 : 1.0 - static_cast<double>(stored) / static_cast<double>(reference);
}
}  // namespace

Footprint fd::account(const Network& net, std::span<const LayerStorage> storage, std::uint64_t file_bytes,
                      std::uint16_t version) {
  Footprint fp;
  fp.version = version;
  fp.file_bits = 8 * file_bytes;
  const auto width = static_cast<std::uint64_t>(net.width);
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    const auto filters = static_cast<std::uint64_t>(l.out_channels);
    const auto biases = static_cast<std::uint64_t>(l.bias.size());  // none in avgpool and add layers
    LayerFootprint lf;
    lf.name = l.name;
    lf.coding = storage[i].coding;
    lf.weights = static_cast<std::uint64_t>(l.num_weights());
    for (std::int32_t v : l.decoded_weights()) lf.zero_weights += v == 0;
    lf.bias_bits = 32 * biases;
    if (l.format == WeightFormat::coded) {
      lf.scale_bits = filters * (width - 1);
      const std::uint64_t fixed_bytes = packed_bytes(filters, net.width - 1) + 4 * filters;
      lf.code_bits = lf.coding == CodeCoding::dense ? lf.weights * static_cast<std::uint64_t>(l.code_bits)
                                                    : 8 * (storage[i].payload_bytes - fixed_bytes);
    } else if (l.format == WeightFormat::plain) {
      lf.plain_weight_bits = lf.weights * width;
    }
    const std::uint64_t stored_bits = 8 * (descriptor_fixed_bytes(version) + l.name.size() + kFrameBytes + storage[i].payload_bytes);
    lf.header_bits = stored_bits - lf.code_bits - lf.scale_bits - lf.plain_weight_bits - lf.bias_bits;
    fp.code_bits += lf.code_bits;
    fp.scale_bits += lf.scale_bits;
    fp.plain_weight_bits += lf.plain_weight_bits;
    fp.bias_bits += lf.bias_bits;
    fp.weights += lf.weights;
    fp.biases += biases;
    fp.zero_weights += lf.zero_weights;
    fp.layers.push_back(std::move(lf));
  }
  fp.header_bits = fp.file_bits - fp.code_bits - fp.scale_bits - fp.plain_weight_bits - fp.bias_bits;
  const std::uint64_t weight_bits = fp.code_bits + fp.scale_bits + fp.plain_weight_bits;
  fp.saving_fp32_weights = saving(weight_bits, 32 * fp.weights);
  fp.saving_int8_weights = saving(weight_bits, 8 * fp.weights);
  fp.saving_fp32_model = saving(fp.file_bits, 32 * (fp.weights + fp.biases));
  fp.saving_int8_model = saving(fp.file_bits, 8 * fp.weights + 32 * fp.biases);
  return fp;
}

Footprint footprint_of_file(std::span<const std::uint8_t> bytes) {
  std::vector<fd::LayerStorage> storage;
  std::uint16_t version = 0;
  const Network net = fd::deserialize_with_storage(bytes, &storage, &version);
  return fd::account(net, storage, bytes.size(), version);
}

}  // namespace qsq
