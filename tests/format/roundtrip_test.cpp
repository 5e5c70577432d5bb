// Description: round trip of random networks through the container, field by field, for dense,
// deflate and automatic code coding; canonical bytes; bit-exact forward pass after reading.
// Usage: ctest -L unit -R Roundtrip
#include <gtest/gtest.h>

#include <set>

#include "qsq/container.hpp"
#include "qsq/synthetic.hpp"
#include "random_network.hpp"

namespace {

using qsq::CodeCoding;

TEST(Roundtrip, RandomNetworksEqualFieldByField) {
  std::set<std::pair<int, int>> codebook_bits;  // (codebook, code bits) seen in coded layers
  bool saw_plain = false, saw_conv = false, saw_linear = false, saw_pool = false, saw_no_pool_conv = false;
  std::set<qsq::LayerKind> kinds;
  bool saw_clip = false, saw_global = false, saw_v1 = false, saw_add_of_input = false;
  for (std::uint64_t seed = 0; seed < 60; ++seed) {
    std::mt19937_64 rng(seed);
    const qsq::Network net = qsq_test::random_network(rng);
    ASSERT_NO_THROW(net.validate()) << "seed " << seed;
    for (const auto& l : net.layers) {
      if (l.format == qsq::WeightFormat::coded) codebook_bits.insert({static_cast<int>(l.codebook), l.code_bits});
      saw_plain |= l.format == qsq::WeightFormat::plain;
      saw_conv |= l.kind == qsq::LayerKind::conv2d;
      saw_linear |= l.kind == qsq::LayerKind::linear;
      saw_pool |= l.pool.kernel != 0;
      saw_no_pool_conv |= l.kind == qsq::LayerKind::conv2d && l.pool.kernel == 0;
      kinds.insert(l.kind);
      saw_clip |= l.requant.clip != 0;
      saw_global |= l.kind == qsq::LayerKind::avgpool && l.kernel == 0;
      saw_add_of_input |= l.kind == qsq::LayerKind::add && l.second_input == -1;
    }
    saw_v1 |= qsq::format_version_for(net) == 1;
    for (CodeCoding c : {CodeCoding::dense, CodeCoding::deflate, CodeCoding::automatic}) {
      const auto bytes = qsq::serialize(net, {c});
      const qsq::Network back = qsq::deserialize(bytes);
      EXPECT_EQ(qsq_test::first_difference(net, back), "") << "seed " << seed << " coding " << qsq::code_coding_name(c);
      EXPECT_EQ(qsq::serialize(back, {c}), bytes) << "seed " << seed << ": re-serialization is not canonical";
      EXPECT_EQ(bytes[4], qsq::format_version_for(net)) << "seed " << seed;
    }
  }
  EXPECT_EQ(codebook_bits.size(), 3u * 3u) << "not every codebook x code width was exercised";
  EXPECT_TRUE(saw_plain && saw_conv && saw_linear && saw_pool && saw_no_pool_conv);
  EXPECT_EQ(kinds.size(), 5u) << "not every layer kind was exercised";
  EXPECT_TRUE(saw_clip && saw_global && saw_v1 && saw_add_of_input);
}

TEST(Roundtrip, AutomaticPicksTheSmallerCoding) {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    std::mt19937_64 rng(seed);
    const qsq::Network net = qsq_test::random_network(rng);
    const auto dense = qsq::serialize(net, {CodeCoding::dense}).size();
    const auto deflate = qsq::serialize(net, {CodeCoding::deflate}).size();
    const auto automatic = qsq::serialize(net).size();
    EXPECT_LE(automatic, std::min(dense, deflate)) << "seed " << seed;
  }
}

TEST(Roundtrip, SyntheticLeNetRunsBitExactFromTheFile) {
  for (int bits : {2, 3}) {  // 2 bits with the first and last layers kept plain
    qsq::Params p;
    p.code_bits = bits;
    const qsq::Network net = qsq::synthetic_lenet5(11, p, qsq::ScaleMethod::max_abs, /*keep_ends=*/bits == 2);
    const qsq::Network back = qsq::deserialize(qsq::serialize(net));
    ASSERT_EQ(qsq_test::first_difference(net, back), "");
    for (std::uint64_t s = 0; s < 2; ++s) {
      const qsq::Tensor x = qsq::synthetic_input(net, s);
      for (qsq::Quality q : {qsq::Quality{}, qsq::Quality{1, 0}, qsq::Quality{2, 1}})
        EXPECT_EQ(qsq::forward(net, x, q), qsq::forward(back, x, q)) << "bits " << bits << " input " << s;
    }
  }
}

}  // namespace
