// Description: footprint figures against an independent count made from the layer shapes and
// the byte layout in docs/format.md, and against the bytes of the file itself.
// Usage: ctest -L unit -R Footprint
#include <gtest/gtest.h>

#include "doc_layout.hpp"
#include "qsq/container.hpp"
#include "qsq/synthetic.hpp"
#include "random_network.hpp"

namespace {

std::uint64_t ceil8(std::uint64_t bits) { return (bits + 7) / 8; }

struct Expected {
  std::uint64_t file_bytes = 0, code = 0, scale = 0, plain = 0, bias = 0, weights = 0, biases = 0, zeros = 0;
};

// docs/format.md: preamble 8; network section frame 8 + header 19 + name; per layer a
// descriptor of 26 + name in the network section, and a data section of 8 + payload.
Expected count_dense(const qsq::Network& net) {
  Expected e;
  e.file_bytes = 8 + 8 + 19 + net.name.size();
  const std::uint64_t w = static_cast<std::uint64_t>(net.width);
  // Version 2 (34-byte descriptors) as soon as one layer is of a new kind or clips.
  bool v2 = false;
  for (const auto& l : net.layers)
    v2 = v2 || l.requant.clip != 0 || (l.kind != qsq::LayerKind::conv2d && l.kind != qsq::LayerKind::linear);
  for (const auto& l : net.layers) {
    const std::uint64_t descriptor = (v2 ? 34 : 26) + l.name.size();
    if (l.kind == qsq::LayerKind::avgpool || l.kind == qsq::LayerKind::add) {
      e.file_bytes += descriptor + 8;  // an empty data section
      continue;
    }
    const std::uint64_t f = static_cast<std::uint64_t>(l.out_channels);
    const std::uint64_t c = l.kind == qsq::LayerKind::depthwise ? 1 : static_cast<std::uint64_t>(l.in.c);
    const std::uint64_t n = f * c * static_cast<std::uint64_t>(l.kernel * l.kernel);
    e.file_bytes += descriptor + 8 + 4 * f;
    e.bias += 32 * f;
    e.weights += n;
    e.biases += f;
    if (l.format == qsq::WeightFormat::coded) {
      e.file_bytes += ceil8(f * (w - 1)) + ceil8(n * static_cast<std::uint64_t>(l.code_bits));
      e.scale += f * (w - 1);
      e.code += n * static_cast<std::uint64_t>(l.code_bits);
    } else {
      e.file_bytes += ceil8(n * w);
      e.plain += n * w;
    }
    for (auto v : l.decoded_weights()) e.zeros += v == 0;
  }
  return e;
}

TEST(Footprint, DenseMatchesAnIndependentCount) {
  for (std::uint64_t seed = 0; seed < 60; ++seed) {
    std::mt19937_64 rng(seed);
    const qsq::Network net = qsq_test::random_network(rng);
    const Expected e = count_dense(net);
    const auto bytes = qsq::serialize(net, {qsq::CodeCoding::dense});
    ASSERT_EQ(bytes.size(), e.file_bytes) << "seed " << seed;
    const qsq::Footprint fp = qsq::footprint(net, {qsq::CodeCoding::dense});
    EXPECT_EQ(fp.file_bits, 8 * e.file_bytes);
    EXPECT_EQ(fp.code_bits, e.code);
    EXPECT_EQ(fp.scale_bits, e.scale);
    EXPECT_EQ(fp.plain_weight_bits, e.plain);
    EXPECT_EQ(fp.bias_bits, e.bias);
    EXPECT_EQ(fp.header_bits, 8 * e.file_bytes - e.code - e.scale - e.plain - e.bias);
    EXPECT_EQ(fp.weights, e.weights);
    EXPECT_EQ(fp.biases, e.biases);
    EXPECT_EQ(fp.zero_weights, e.zeros);
    const double wbits = static_cast<double>(e.code + e.scale + e.plain);
    EXPECT_DOUBLE_EQ(fp.saving_fp32_weights, 1 - wbits / (32.0 * e.weights));
    EXPECT_DOUBLE_EQ(fp.saving_int8_weights, 1 - wbits / (8.0 * e.weights));
    EXPECT_DOUBLE_EQ(fp.saving_fp32_model, 1 - 8.0 * e.file_bytes / (32.0 * (e.weights + e.biases)));
    EXPECT_DOUBLE_EQ(fp.saving_int8_model, 1 - 8.0 * e.file_bytes / (8.0 * e.weights + 32.0 * e.biases));
    // The per-layer figures add up to the totals, network-wide header excepted.
    std::uint64_t sum_code = 0, sum_header = 0, sum_zero = 0;
    for (const auto& l : fp.layers) {
      sum_code += l.code_bits;
      sum_header += l.header_bits;
      sum_zero += l.zero_weights;
    }
    EXPECT_EQ(sum_code, fp.code_bits);
    EXPECT_EQ(sum_zero, fp.zero_weights);
    EXPECT_EQ(fp.header_bits - sum_header, 8 * (8 + 8 + 19 + net.name.size()));
  }
}

TEST(Footprint, OfFileMatchesTheWriterAndCountsDeflatedBytes) {
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    std::mt19937_64 rng(seed);
    const qsq::Network net = qsq_test::random_network(rng);
    const auto bytes = qsq::serialize(net, {qsq::CodeCoding::deflate});
    const qsq::Footprint fp = qsq::footprint_of_file(bytes);
    const qsq::Footprint direct = qsq::footprint(net, {qsq::CodeCoding::deflate});
    EXPECT_EQ(fp.file_bits, 8 * bytes.size());
    EXPECT_EQ(fp.code_bits, direct.code_bits);
    EXPECT_EQ(fp.header_bits, direct.header_bits);
    // Deflated code bits are the stream bytes: the data section minus scales and biases.
    const qsq_test::DocLayout lay(bytes);
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
      const auto& l = net.layers[i];
      if (l.format != qsq::WeightFormat::coded) continue;
      const std::uint64_t payload = qsq_test::get_u32(bytes, lay.sections[i]);
      const std::uint64_t f = static_cast<std::uint64_t>(l.out_channels);
      EXPECT_EQ(fp.layers[i].code_bits, 8 * (payload - ceil8(f * (net.width - 1)) - 4 * f));
      EXPECT_EQ(fp.layers[i].coding, qsq::CodeCoding::deflate);
    }
  }
}

// Issue 5's goal: with every layer at 3 bits the whole file saves >= 90 % against FP32.
TEST(Footprint, LeNetAtThreeBitsSavesNinetyPercentOfFp32) {
  const qsq::Network net = qsq::synthetic_lenet5(1, qsq::Params{});
  const qsq::Footprint fp = qsq::footprint(net);
  EXPECT_GE(fp.saving_fp32_model, 0.90);
  EXPECT_EQ(fp.weights, 150u + 2400u + 48000u + 10080u + 840u);
  EXPECT_EQ(fp.biases, 6u + 16u + 120u + 84u + 10u);
}

}  // namespace
