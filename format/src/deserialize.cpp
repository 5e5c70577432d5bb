// Description: the .qsq reader: bytes -> Network (docs/format.md). Every count is checked
// against the bytes actually present before anything is allocated, every section's CRC-32 is
// checked before it is parsed, and the result must pass Network::validate().
// Usage: qsq::Network net = qsq::deserialize(bytes);   // throws qsq::FormatError
#include <bit>
#include <cmath>
#include <cstdio>

#include "byte_io.hpp"
#include "layout.hpp"
#include "qsq/container.hpp"

namespace qsq {
namespace fd = format_detail;

namespace {

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// One framed section: its payload and the file offset of the payload's first byte.
struct Section {
  std::span<const std::uint8_t> payload;
  std::uint64_t base;
};

Section read_section(std::span<const std::uint8_t> file, std::uint64_t& pos, const std::string& name) {
  const std::uint64_t left = file.size() - pos;
  if (left < fd::kFrameBytes)
    fd::fail(name, pos, "truncated: the section frame needs 8 bytes, " + std::to_string(left) + " left");
  const std::uint32_t len = static_cast<std::uint32_t>(file[pos]) | static_cast<std::uint32_t>(file[pos + 1]) << 8 |
                            static_cast<std::uint32_t>(file[pos + 2]) << 16 | static_cast<std::uint32_t>(file[pos + 3]) << 24;
  if (len > left - fd::kFrameBytes)
    fd::fail(name, pos, "truncated or corrupt: section length " + std::to_string(len) + " exceeds the " +
                            std::to_string(left - fd::kFrameBytes) + " bytes left");
  const auto covered = file.subspan(static_cast<std::size_t>(pos), 4 + std::size_t{len});
  const std::uint64_t crc_at = pos + 4 + len;
  std::uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored |= static_cast<std::uint32_t>(file[crc_at + i]) << (8 * i);
  const std::uint32_t computed = fd::crc32_of(covered);
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  // Fuzz builds only (fuzz/CMakeLists.txt): a mismatch is ignored so that mutated inputs reach
  // the parsers behind the checksum instead of stopping here.
  const bool check_crc = false;
#else
  const bool check_crc = true;
#endif
  if (check_crc && stored != computed)
    fd::fail(name, crc_at, "CRC-32 mismatch (stored " + hex32(stored) + ", computed " + hex32(computed) + ")");
  Section s{file.subspan(static_cast<std::size_t>(pos + 4), len), pos + 4};
  pos = crc_at + 4;
  return s;
}

std::string read_name(fd::ByteReader& r) {
  const std::uint32_t n = r.u8("name length");
  auto b = r.take(n, "name");
  return std::string(b.begin(), b.end());
}

// A check of the field just read: an error names that field's first byte.
void require(fd::ByteReader& r, bool ok, const std::string& what) {
  if (!ok) r.fail_field(what);
}

struct Descriptor {
  CodeCoding coding = CodeCoding::dense;
};

Descriptor read_descriptor(fd::ByteReader& r, Layer& l, std::uint16_t version) {
  l.name = read_name(r);
  const auto kind = r.u8("kind");
  require(r, kind >= 1 && kind <= (version >= 2 ? fd::kMaxKindV2 : fd::kMaxKindV1),
          "layer '" + l.name + "': unknown kind " + std::to_string(kind) + " for version " + std::to_string(version));
  l.kind = static_cast<LayerKind>(kind);
  l.in.c = static_cast<int>(r.u16("in.c"));
  l.in.h = static_cast<int>(r.u16("in.h"));
  l.in.w = static_cast<int>(r.u16("in.w"));
  l.out_channels = static_cast<int>(r.u16("out_channels"));
  l.kernel = static_cast<int>(r.u8("kernel"));
  l.stride = static_cast<int>(r.u8("stride"));
  l.pad = static_cast<int>(r.u8("pad"));
  l.pool.kernel = static_cast<int>(r.u8("pool.kernel"));
  l.pool.stride = static_cast<int>(r.u8("pool.stride"));
  const auto flags = r.u8("requant flags");
  require(r, (flags & ~(fd::kRequantEnabled | fd::kRequantRelu)) == 0,
          "layer '" + l.name + "': undefined requant flag bits " + std::to_string(flags));
  l.requant.enabled = (flags & fd::kRequantEnabled) != 0;
  l.requant.relu = (flags & fd::kRequantRelu) != 0;
  l.requant.multiplier = r.i32("requant.multiplier");
  l.requant.shift = static_cast<int>(r.u8("requant.shift"));
  const auto format = r.u8("weight format");
  if (is_mac(l.kind)) {
    require(r, format == 1 || format == 2, "layer '" + l.name + "': unknown weight format " + std::to_string(format));
  } else {
    require(r, format == 0, "layer '" + l.name + "': weight format " + std::to_string(format) + " in a layer without weights (0 only)");
  }
  l.format = static_cast<WeightFormat>(format);
  // These three are checked only once the weight format is known (plain layers store them
  // unused), so each error names its own field's offset.
  const std::uint64_t codebook_at = r.offset();
  const auto codebook = r.u8("codebook");
  l.codebook = static_cast<CodebookId>(codebook);
  const std::uint64_t code_bits_at = r.offset();
  l.code_bits = static_cast<int>(r.u8("code_bits"));
  l.exponent = static_cast<int>(static_cast<std::int8_t>(static_cast<std::uint8_t>(r.u8("exponent"))));
  const auto coding = r.u8("code coding");
  if (l.format == WeightFormat::coded) {
    if (codebook >= kNumCodebooks) r.fail_at(codebook_at, "layer '" + l.name + "': unknown codebook " + std::to_string(codebook));
    if (l.code_bits < limits::kCodeBitsMin || l.code_bits > limits::kCodeBitsMax)
      r.fail_at(code_bits_at, "layer '" + l.name + "': code_bits " + std::to_string(l.code_bits) + " outside 2..4");
    require(r, coding == 0 || coding == 1, "layer '" + l.name + "': unknown code coding " + std::to_string(coding));
  } else if (l.format == WeightFormat::plain) {
    require(r, coding == 0, "layer '" + l.name + "': plain layer with code coding " + std::to_string(coding));
  } else {
    require(r, coding == 0, "layer '" + l.name + "': weightless layer with code coding " + std::to_string(coding));
  }
  if (version >= 2) {
    // Their ranges and their agreement with the kind are Network::validate()'s rules.
    l.requant.clip = static_cast<std::int32_t>(r.u16("clip"));
    l.requant.multiplier_b = r.i32("multiplier B");
    l.second_input = static_cast<int>(r.u16("second input")) - 1;
  }
  return Descriptor{static_cast<CodeCoding>(coding)};
}

void read_layer_data(const Section& s, const std::string& name, Layer& l, CodeCoding coding, int width) {
  fd::ByteReader r(s.payload, s.base, name);
  if (l.format == WeightFormat::none) {
    require(r, s.payload.empty(), std::to_string(s.payload.size()) + " bytes of data for a layer without weights (0 only)");
    return;
  }
  const auto filters = static_cast<std::uint64_t>(l.out_channels);
  // In 64 bits: F * C * K * K of the u16 and u8 fields can exceed 2^32. A depthwise filter reads one channel.
  const std::uint64_t channels = l.kind == LayerKind::depthwise ? 1 : static_cast<std::uint64_t>(l.in.c);
  const std::uint64_t n = filters * channels * static_cast<std::uint64_t>(l.kernel) * static_cast<std::uint64_t>(l.kernel);
  require(r, n <= kMaxWeightsPerLayer, std::to_string(n) + " weights exceed the limit of " + std::to_string(kMaxWeightsPerLayer));

  if (l.format == WeightFormat::coded) {
    auto packed = r.take(fd::packed_bytes(filters, width - 1), "scales");
    l.scales = fd::unpack_bits(packed, filters, width - 1, r);
  }
  auto bias_bytes = r.take(4 * filters, "biases");
  l.bias.resize(static_cast<std::size_t>(filters));
  for (std::size_t f = 0; f < l.bias.size(); ++f) {
    const auto* b = &bias_bytes[4 * f];
    l.bias[f] = static_cast<std::int32_t>(static_cast<std::uint32_t>(b[0]) | static_cast<std::uint32_t>(b[1]) << 8 |
                                          static_cast<std::uint32_t>(b[2]) << 16 | static_cast<std::uint32_t>(b[3]) << 24);
  }

  if (l.format == WeightFormat::plain) {
    auto words = fd::unpack_bits(r.take(r.left(), "plain weights"), n, width, r);
    l.plain.resize(words.size());
    const int up = 32 - width;  // sign-extend the W-bit two's complement field
    for (std::size_t i = 0; i < words.size(); ++i)
      l.plain[i] = static_cast<std::int32_t>(words[i] << up) >> up;
  } else if (coding == CodeCoding::dense) {
    auto codes = fd::unpack_bits(r.take(r.left(), "codes"), n, l.code_bits, r);
    l.codes.assign(codes.begin(), codes.end());
  } else {
    const std::uint64_t stream = r.left();
    // Both point at where the stream starts (the next unread byte).
    if (stream == 0 && n > 0) r.fail_here("empty deflate stream of codes");
    if (n > kMaxDeflateRatio * (stream + 1))
      r.fail_here(std::to_string(n) + " codes cannot come from a deflate stream of " + std::to_string(stream) + " bytes");
    l.codes = fd::inflate_codes(r.take(stream, "deflated codes"), n, r);
    for (std::uint8_t c : l.codes)
      require(r, (c >> l.code_bits) == 0, "deflated code " + std::to_string(c) + " is wider than " +
                                              std::to_string(l.code_bits) + " bits");
  }
}

}  // namespace

Network deserialize(std::span<const std::uint8_t> bytes) { return fd::deserialize_with_storage(bytes, nullptr); }

Network fd::deserialize_with_storage(std::span<const std::uint8_t> bytes, std::vector<LayerStorage>* storage,
                                     std::uint16_t* file_version) {
  if (bytes.size() > kMaxFileBytes)
    fd::fail("file", 0, std::to_string(bytes.size()) + " bytes exceed the limit of " + std::to_string(kMaxFileBytes));
  fd::ByteReader pre(bytes, 0, "preamble");
  auto magic = pre.take(fd::kMagic.size(), "magic");
  if (!std::equal(magic.begin(), magic.end(), fd::kMagic.begin())) fd::fail("preamble", 0, "wrong magic: not a .qsq file");
  const auto version = pre.u16("version");
  if (version < kFormatVersionMin || version > kFormatVersion)
    fd::fail("preamble", 4, "unsupported format version " + std::to_string(version) + " (this reader reads versions " +
                                std::to_string(kFormatVersionMin) + " to " + std::to_string(kFormatVersion) + ")");
  if (file_version) *file_version = version;
  const auto flags = pre.u16("flags");
  if (flags != 0) fd::fail("preamble", 6, "undefined flags " + hex32(flags) + " for version " + std::to_string(version));

  std::uint64_t pos = fd::kPreambleBytes;
  const Section head = read_section(bytes, pos, "network section");
  fd::ByteReader r(head.payload, head.base, "network section");
  Network net;
  net.name = read_name(r);
  net.width = static_cast<int>(r.u8("W"));
  require(r, net.width >= limits::kWidthMin && net.width <= limits::kWidthMax,
          "W = " + std::to_string(net.width) + " outside 4..16");
  net.acc_width = static_cast<int>(r.u8("AccW"));
  net.input.c = static_cast<int>(r.u16("input.c"));
  net.input.h = static_cast<int>(r.u16("input.h"));
  net.input.w = static_cast<int>(r.u16("input.w"));
  net.input_quant.mean = std::bit_cast<float>(r.u32("input mean"));
  require(r, std::isfinite(net.input_quant.mean), "input quantization needs a finite mean and a finite scale > 0");
  net.input_quant.scale = std::bit_cast<float>(r.u32("input scale"));
  require(r, std::isfinite(net.input_quant.scale) && net.input_quant.scale > 0,
          "input quantization needs a finite mean and a finite scale > 0");
  const auto count = r.u16("layer count");
  require(r, count <= kMaxLayers, std::to_string(count) + " layers exceed the limit of " + std::to_string(kMaxLayers));
  require(r, count * fd::descriptor_fixed_bytes(version) <= r.left(),
          std::to_string(count) + " layer descriptors cannot fit in the " + std::to_string(r.left()) + " bytes left");
  std::vector<CodeCoding> codings;
  for (std::uint32_t i = 0; i < count; ++i) {
    Layer l;
    codings.push_back(read_descriptor(r, l, version).coding);
    net.layers.push_back(std::move(l));
  }
  if (r.left() != 0) r.fail_here(std::to_string(r.left()) + " unexpected bytes after the layer table");

  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const std::string name = "data section of layer " + std::to_string(i) + " '" + net.layers[i].name + "'";
    const Section s = read_section(bytes, pos, name);
    read_layer_data(s, name, net.layers[i], codings[i], net.width);
    if (storage) storage->push_back({codings[i], s.payload.size()});
  }
  if (pos != bytes.size())
    fd::fail("file", pos, std::to_string(bytes.size() - pos) + " trailing bytes after the last section");

  try {
    net.validate();
  } catch (const Error& e) {
    throw FormatError(std::string("invalid .qsq file: the network fails validation: ") + fd::printable(e.what()));
  }
  return net;
}

}  // namespace qsq
