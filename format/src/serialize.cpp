// Description: the .qsq writer: Network -> bytes (docs/format.md), with the bit accounting that
// footprint() reports, so the figures always describe the bytes actually written.
// Usage: auto bytes = qsq::serialize(net);  auto fp = qsq::footprint(net);
#include <algorithm>
#include <bit>

#include "byte_io.hpp"
#include "layout.hpp"
#include "qsq/container.hpp"

namespace qsq {
namespace fd = format_detail;

namespace {

[[noreturn]] void refuse(const std::string& what) { throw FormatError("cannot serialize network: " + fd::printable(what)); }

void check_fits(const std::string& where, const char* field, long long v, long long lo, long long hi) {
  if (v < lo || v > hi)
    refuse(where + ": " + field + " = " + std::to_string(v) + " does not fit the format's range [" +
           std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

void put_name(fd::ByteWriter& w, const std::string& where, const std::string& name) {
  if (name.size() > fd::kMaxName)
    refuse(where + ": name is " + std::to_string(name.size()) + " bytes, at most 255 are stored");
  w.u8(static_cast<std::uint32_t>(name.size()));
  w.text(name);
}

void put_descriptor(fd::ByteWriter& w, const Layer& l, CodeCoding coding, std::uint16_t version) {
  const std::string where = "layer '" + l.name + "'";
  put_name(w, where, l.name);
  w.u8(static_cast<std::uint32_t>(l.kind));
  for (auto [field, v] : {std::pair{"in.c", l.in.c}, {"in.h", l.in.h}, {"in.w", l.in.w}, {"out_channels", l.out_channels}}) {
    check_fits(where, field, v, 0, fd::kMaxDim);
    w.u16(static_cast<std::uint32_t>(v));
  }
  for (auto [field, v] : {std::pair{"kernel", l.kernel}, {"stride", l.stride}, {"pad", l.pad},
                          {"pool.kernel", l.pool.kernel}, {"pool.stride", l.pool.stride}}) {
    check_fits(where, field, v, 0, fd::kMaxSmall);
    w.u8(static_cast<std::uint32_t>(v));
  }
  w.u8((l.requant.enabled ? fd::kRequantEnabled : 0u) | (l.requant.relu ? fd::kRequantRelu : 0u));
  w.i32(l.requant.multiplier);
  check_fits(where, "requant.shift", l.requant.shift, 0, 255);
  w.u8(static_cast<std::uint32_t>(l.requant.shift));
  w.u8(static_cast<std::uint32_t>(l.format));
  w.u8(static_cast<std::uint32_t>(l.codebook));
  check_fits(where, "code_bits", l.code_bits, 0, 255);
  w.u8(static_cast<std::uint32_t>(l.code_bits));
  check_fits(where, "exponent", l.exponent, -128, 127);
  w.u8(static_cast<std::uint32_t>(l.exponent) & 0xFFu);
  w.u8(static_cast<std::uint32_t>(l.format == WeightFormat::coded ? coding : CodeCoding::dense));
  if (version < 2) return;
  check_fits(where, "requant.clip", l.requant.clip, 0, fd::kMaxDim);
  w.u16(static_cast<std::uint32_t>(l.requant.clip));
  w.i32(l.requant.multiplier_b);
  // 0 = the network input, j + 1 = layer j; 0 for every kind but add, whose default is -1.
  w.u16(static_cast<std::uint32_t>(l.kind == LayerKind::add ? l.second_input + 1 : 0));
}

// Appends one framed section: u32 length, payload, u32 CRC-32 of length and payload.
void put_section(fd::ByteWriter& file, const std::vector<std::uint8_t>& payload) {
  if (payload.size() > kMaxFileBytes) refuse("section of " + std::to_string(payload.size()) + " bytes is too large");
  const std::size_t start = file.size();
  file.u32(static_cast<std::uint32_t>(payload.size()));
  file.bytes(payload);
  const auto crc = fd::crc32_of(std::span(file.data()).subspan(start));
  file.u32(crc);
}

struct LayerData {
  std::vector<std::uint8_t> payload;
  CodeCoding coding = CodeCoding::dense;
};

LayerData encode_layer(const Layer& l, int width, CodeCoding wanted) {
  LayerData d;
  if (l.format == WeightFormat::none) return d;  // avgpool and add layers: an empty data section
  fd::ByteWriter w;
  const auto n = static_cast<std::uint64_t>(l.num_weights());
  if (n > kMaxWeightsPerLayer) refuse("layer '" + l.name + "' has " + std::to_string(n) + " weights, more than the format's limit");

  // Network::validate() checks these ranges; re-checked here because packing would silently
  // drop the high bits of an out-of-range value.
  const bool coded = l.format == WeightFormat::coded;
  if (coded && std::any_of(l.codes.begin(), l.codes.end(), [&](std::uint8_t c) { return c >> l.code_bits; }))
    refuse("layer '" + l.name + "' has a code wider than its code_bits");
  if (coded && std::any_of(l.scales.begin(), l.scales.end(), [&](std::uint32_t s) { return s > max_scale(width); }))
    refuse("layer '" + l.name + "' has a scale wider than W-1 bits");
  if (!coded && std::any_of(l.plain.begin(), l.plain.end(),
                            [&](std::int32_t v) { return v < min_value(width) || v > max_value(width); }))
    refuse("layer '" + l.name + "' has a plain weight outside the W-bit range");

  if (l.format == WeightFormat::coded) {
    const auto scales = fd::pack_bits(l.scales, width - 1);
    w.bytes(scales);
  }
  for (std::int32_t b : l.bias) w.i32(b);

  if (l.format == WeightFormat::coded) {
    std::vector<std::uint32_t> codes(l.codes.begin(), l.codes.end());
    auto dense = fd::pack_bits(codes, l.code_bits);
    std::vector<std::uint8_t> deflated;
    if (wanted != CodeCoding::dense) deflated = fd::deflate_codes(l.codes);
    const bool use_deflate = wanted == CodeCoding::deflate || (wanted == CodeCoding::automatic && deflated.size() < dense.size());
    d.coding = use_deflate ? CodeCoding::deflate : CodeCoding::dense;
    const auto& stored = use_deflate ? deflated : dense;
    w.bytes(stored);
  } else {
    std::vector<std::uint32_t> words(l.plain.size());
    const std::uint32_t mask = (std::uint32_t{1} << width) - 1;
    std::transform(l.plain.begin(), l.plain.end(), words.begin(),
                   [mask](std::int32_t v) { return static_cast<std::uint32_t>(v) & mask; });
    w.bytes(fd::pack_bits(words, width));
  }
  d.payload = std::move(w.data());
  return d;
}

}  // namespace

namespace format_detail {

// The writer proper; fills `fp` (if given) with the accounting of the bytes it produced.
std::vector<std::uint8_t> serialize_accounted(const Network& net, const WriteOptions& options, Footprint* fp) {
  try {
    net.validate();
  } catch (const FormatError&) {
    throw;
  } catch (const Error& e) {
    refuse(std::string("network is invalid: ") + e.what());
  }
  if (net.layers.size() > static_cast<std::size_t>(kMaxLayers))
    refuse(std::to_string(net.layers.size()) + " layers, the format stores at most " + std::to_string(kMaxLayers));
  if (options.codes != CodeCoding::dense && options.codes != CodeCoding::deflate && options.codes != CodeCoding::automatic)
    refuse("unknown code coding " + std::to_string(static_cast<int>(options.codes)));

  std::vector<LayerData> data;
  data.reserve(net.layers.size());
  for (const Layer& l : net.layers) data.push_back(encode_layer(l, net.width, options.codes));

  const std::uint16_t version = format_version_for(net);
  ByteWriter head;
  put_name(head, "network", net.name);
  head.u8(static_cast<std::uint32_t>(net.width));
  head.u8(static_cast<std::uint32_t>(net.acc_width));
  for (auto [field, v] : {std::pair{"input.c", net.input.c}, {"input.h", net.input.h}, {"input.w", net.input.w}}) {
    check_fits("network", field, v, 0, kMaxDim);
    head.u16(static_cast<std::uint32_t>(v));
  }
  head.u32(std::bit_cast<std::uint32_t>(net.input_quant.mean));
  head.u32(std::bit_cast<std::uint32_t>(net.input_quant.scale));
  head.u16(static_cast<std::uint32_t>(net.layers.size()));
  for (std::size_t i = 0; i < net.layers.size(); ++i) put_descriptor(head, net.layers[i], data[i].coding, version);

  ByteWriter file;
  for (std::uint8_t b : kMagic) file.u8(b);
  file.u16(version);
  file.u16(0);  // flags: none defined in versions 1 and 2
  put_section(file, head.data());
  for (const auto& d : data) put_section(file, d.payload);
  if (file.size() > kMaxFileBytes) refuse("file would be " + std::to_string(file.size()) + " bytes, over the limit");

  if (fp) {
    std::vector<LayerStorage> storage;
    for (const auto& d : data) storage.push_back({d.coding, d.payload.size()});
    *fp = account(net, storage, file.size(), version);
  }
  return std::move(file.data());
}

}  // namespace format_detail

std::uint16_t format_version_for(const Network& net) {
  for (const Layer& l : net.layers)
    if ((l.kind != LayerKind::conv2d && l.kind != LayerKind::linear) || l.requant.clip != 0) return 2;
  return 1;
}

const char* code_coding_name(CodeCoding c) {
  switch (c) {
    case CodeCoding::dense: return "dense";
    case CodeCoding::deflate: return "deflate";
    case CodeCoding::automatic: return "automatic";
  }
  return "unknown";
}

std::vector<std::uint8_t> serialize(const Network& net, const WriteOptions& options) {
  return fd::serialize_accounted(net, options, nullptr);
}
std::vector<std::uint8_t> serialize(const Network& net) { return serialize(net, WriteOptions{}); }

Footprint footprint(const Network& net, const WriteOptions& options) {
  Footprint fp;
  fd::serialize_accounted(net, options, &fp);
  return fp;
}
Footprint footprint(const Network& net) { return footprint(net, WriteOptions{}); }

}  // namespace qsq
