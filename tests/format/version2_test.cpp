// Description: version 2 of the container (depthwise, avgpool, add, clip) against docs/format.md:
// which version the writer picks, the v2 descriptor fields at the offsets the document gives,
// and the reader's refusals of v2 fields that break the rules (crafted with correct CRCs).
// Usage: ctest -L unit -R FormatV2
#include <gtest/gtest.h>

#include "doc_layout.hpp"
#include "qsq/container.hpp"

namespace {

using qsq_test::DocLayout;
using qsq_test::desc_field;

qsq::Layer weightless(qsq::LayerKind kind, const std::string& name, qsq::Shape3 in) {
  qsq::Layer l;
  l.name = name;
  l.kind = kind;
  l.in = in;
  l.out_channels = in.c;
  l.format = qsq::WeightFormat::none;
  l.code_bits = 0;
  return l;
}

// input 2x4x4 -> depthwise 3x3 pad 1 (ReLU6) -> add (second input: the network input) ->
// global avgpool -> linear 2 -> 3.
qsq::Network residual() {
  qsq::Network net;
  net.name = "r";
  net.input = {2, 4, 4};
  qsq::Layer dw;
  dw.name = "dw";
  dw.kind = qsq::LayerKind::depthwise;
  dw.in = {2, 4, 4};
  dw.out_channels = 2;
  dw.kernel = 3;
  dw.pad = 1;
  dw.format = qsq::WeightFormat::plain;
  for (int i = 0; i < 18; ++i) dw.plain.push_back(i - 9);
  dw.bias = {3, -3};
  dw.requant = {true, 3, 1, true, 90, 0};
  qsq::Layer add = weightless(qsq::LayerKind::add, "add", {2, 4, 4});
  add.second_input = -1;
  add.requant = {true, 5, 2, true, 0, 7};
  qsq::Layer gap = weightless(qsq::LayerKind::avgpool, "gap", {2, 4, 4});
  gap.kernel = 0;
  gap.stride = 0;
  gap.requant = {false, 1, 0, false, 0, 0};
  qsq::Layer fc;
  fc.name = "fc";
  fc.kind = qsq::LayerKind::linear;
  fc.in = {2, 1, 1};
  fc.out_channels = 3;
  fc.format = qsq::WeightFormat::plain;
  fc.plain = {1, 2, 3, 4, 5, 6};
  fc.bias = {0, 1, 2};
  fc.requant.enabled = false;
  net.layers = {dw, add, gap, fc};
  return net;
}

std::string error_of(const std::vector<std::uint8_t>& b) {
  try {
    (void)qsq::deserialize(b);
  } catch (const qsq::FormatError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(FormatV2, WriterPicksTheOldestVersionThatHoldsTheNetwork) {
  const qsq::Network net = residual();
  ASSERT_NO_THROW(net.validate());
  EXPECT_EQ(qsq::format_version_for(net), 2);
  qsq::Network old = net;
  old.layers = {net.layers[3]};
  old.input = {2, 1, 1};
  EXPECT_EQ(qsq::format_version_for(old), 1);
  old.layers[0].requant = {true, 1, 0, true, 5, 0};  // a clip alone needs version 2
  EXPECT_EQ(qsq::format_version_for(old), 2);
  const auto bytes = qsq::serialize(net);
  EXPECT_EQ(bytes[4] | bytes[5] << 8, 2);
  EXPECT_EQ(qsq::footprint_of_file(bytes).version, 2);
}

TEST(FormatV2, DescriptorFieldsSitWhereTheDocumentSays) {
  const auto b = qsq::serialize(residual(), {qsq::CodeCoding::dense});
  const DocLayout at(b);
  ASSERT_EQ(at.version, 2u);
  ASSERT_EQ(at.descriptors.size(), 4u);
  const std::size_t dw = at.descriptors[0], add = at.descriptors[1], gap = at.descriptors[2];
  auto u16 = [&](std::size_t p) { return b[p] | b[p + 1] << 8; };
  EXPECT_EQ(b[desc_field(2, qsq_test::kDescKind) + dw], 3);                // depthwise
  EXPECT_EQ(u16(desc_field(2, qsq_test::kDescClip) + dw), 90);
  EXPECT_EQ(b[desc_field(3, qsq_test::kDescKind) + add], 5);               // add
  EXPECT_EQ(qsq_test::get_u32(b, desc_field(3, qsq_test::kDescMultB) + add), 7u);
  EXPECT_EQ(u16(desc_field(3, qsq_test::kDescSecond) + add), 0);           // the network input
  EXPECT_EQ(b[desc_field(3, qsq_test::kDescKind) + gap], 4);               // avgpool
  EXPECT_EQ(b[desc_field(3, qsq_test::kDescKernel) + gap], 0);             // global
  EXPECT_EQ(b[desc_field(3, qsq_test::kDescFormat) + gap], 0);             // no weights
  // Data sections: depthwise 2 biases + 18 plain 8-bit weights; add and avgpool empty.
  EXPECT_EQ(qsq_test::get_u32(b, at.sections[0]), 8u + 18u);
  EXPECT_EQ(qsq_test::get_u32(b, at.sections[1]), 0u);
  EXPECT_EQ(qsq_test::get_u32(b, at.sections[2]), 0u);
  EXPECT_EQ(at.descriptors[1] - at.descriptors[0], 34u + 2u);  // 34 + m bytes in version 2
}

TEST(FormatV2, CraftedFieldsAreRefusedWithTheirMessage) {
  const auto good = qsq::serialize(residual(), {qsq::CodeCoding::dense});
  const DocLayout at(good);
  const std::size_t add = at.descriptors[1], gap = at.descriptors[2];
  // The add names layer 3 (stored 4), which is not earlier.
  auto b = good;
  qsq_test::put_u16(b, desc_field(3, qsq_test::kDescSecond) + add, 4);
  at.fix_network_crc(b);
  EXPECT_EQ(error_of(b), "invalid .qsq file: the network fails validation: layer 'add': second input 3 is not an earlier "
                         "layer (-1 = the network input, else 0..0)");
  // Weights claimed by the avgpool: refused at its weight-format byte.
  b = good;
  const std::size_t fmt = desc_field(3, qsq_test::kDescFormat) + gap;
  b[fmt] = 1;
  at.fix_network_crc(b);
  EXPECT_EQ(error_of(b), "invalid .qsq file: network section at byte " + std::to_string(fmt) +
                             ": layer 'gap': weight format 1 in a layer without weights (0 only)");
  // A kind of version 2 in a version-1 file: only the version differs, every offset still holds.
  b = good;
  b[4] = 1;
  EXPECT_NE(error_of(b).find("unknown kind 3 for version 1"), std::string::npos) << error_of(b);
  // A clip on a layer without ReLU.
  b = good;
  b[desc_field(2, qsq_test::kDescFlags) + at.descriptors[0]] = 1;  // enabled, no ReLU
  at.fix_network_crc(b);
  EXPECT_NE(error_of(b).find("layer 'dw': a clip (ReLU6) needs the ReLU's lower bound 0"), std::string::npos) << error_of(b);
}

TEST(FormatV2, BytesInTheDataSectionOfAWeightlessLayerAreRefused) {
  const qsq::Network net = residual();
  auto b = qsq::serialize(net, {qsq::CodeCoding::dense});
  const DocLayout at(b);
  // Give the add's empty section one byte: length 1, the byte, and a fresh CRC.
  const std::size_t s = at.sections[1];
  b.insert(b.begin() + static_cast<std::ptrdiff_t>(s + 4), std::uint8_t{0});
  qsq_test::put_u32(b, s, 1);
  DocLayout::fix_crc(b, s);
  EXPECT_EQ(error_of(b), "invalid .qsq file: data section of layer 1 'add' at byte " + std::to_string(s + 4) +
                             ": 1 bytes of data for a layer without weights (0 only)");
}

TEST(FormatV2, ResidualNetworkRunsTheSameFromTheFile) {
  const qsq::Network net = residual();
  const qsq::Network back = qsq::deserialize(qsq::serialize(net));
  std::vector<std::int32_t> x(32);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<std::int32_t>(i * 7 % 50) - 20;
  EXPECT_EQ(qsq::forward(back, x, qsq::Quality{}), qsq::forward(net, x, qsq::Quality{}));
}

}  // namespace
