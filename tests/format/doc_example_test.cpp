// Description: the complete example file of docs/format.md, byte for byte: the library must
// write exactly these bytes for the example network and read them back to it. The expected
// bytes were derived by hand from the document's tables (CRCs with Python's zlib.crc32).
// Usage: ctest -L unit -R DocExample
#include <gtest/gtest.h>

#include "qsq/container.hpp"
#include "random_network.hpp"

namespace {

qsq::Network doc_example() {
  qsq::Network net;
  net.name.assign(1, 'n');  // assign, not = "n": GCC 12 warns falsely (-Wrestrict) on the latter
  net.input = {5, 1, 1};
  qsq::Layer l;
  l.name.assign(1, 'l');
  l.kind = qsq::LayerKind::linear;
  l.in = {5, 1, 1};
  l.out_channels = 1;
  l.scales = {100};
  l.codes = {5, 3, 6, 1, 7};
  l.bias = {-2};
  l.requant.enabled = false;
  net.layers = {l};
  return net;
}

const std::vector<std::uint8_t> kDocBytes = {
    0x89, 0x51, 0x53, 0x51, 0x01, 0x00, 0x00, 0x00,                          // preamble
    0x2f, 0x00, 0x00, 0x00,                                                  // section 0 length
    0x01, 0x6e, 0x08, 0x20, 0x05, 0x00, 0x01, 0x00, 0x01, 0x00,              // "n", W, AccW, input
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x3f, 0x01, 0x00,              // mean, scale, L
    0x01, 0x6c, 0x02, 0x05, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00,        // "l", linear, in, F
    0x01, 0x01, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00,        // k, s, pad, pool, requant
    0x01, 0x00, 0x03, 0x00, 0x00,                                            // coded pow2 b=3 exp 0 dense
    0x90, 0xa4, 0x80, 0xea,                                                  // CRC-32
    0x07, 0x00, 0x00, 0x00, 0x64, 0xfe, 0xff, 0xff, 0xff, 0x9d, 0x73,        // section 1
    0xb1, 0x95, 0xc7, 0xb5};                                                 // CRC-32

TEST(DocExample, WriterProducesTheDocumentedBytes) {
  EXPECT_EQ(qsq::serialize(doc_example(), {qsq::CodeCoding::dense}), kDocBytes);
}

TEST(DocExample, ReaderReadsTheDocumentedBytes) {
  EXPECT_EQ(qsq_test::first_difference(qsq::deserialize(kDocBytes), doc_example()), "");
}

TEST(DocExample, ScalePackingExample) {
  // docs/format.md: 7-bit scales 100, 37 pack to 0xE4 0x12.
  auto net = doc_example();
  net.input = {5, 1, 1};
  net.layers[0].out_channels = 2;
  net.layers[0].scales = {100, 37};
  net.layers[0].codes.resize(10, 0);
  net.layers[0].bias = {0, 0};
  const auto b = qsq::serialize(net, {qsq::CodeCoding::dense});
  const std::size_t payload = 8 + 4 + 47 + 4 + 4;  // first byte of section 1's payload
  EXPECT_EQ(b.at(payload), 0xE4);
  EXPECT_EQ(b.at(payload + 1), 0x12);
}

}  // namespace
