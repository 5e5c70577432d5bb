// Description: the reader against bad input: every single-byte corruption and every truncation
// of small files, wrong magic and version, trailing bytes, headers claiming huge counts (which
// must fail fast without a large allocation), and semantically invalid networks with a valid CRC.
// Usage: ctest -L unit -R Robustness
#include <gtest/gtest.h>

#include <chrono>

#include "doc_layout.hpp"
#include "qsq/container.hpp"
#include "random_layer.hpp"
#include "random_network.hpp"

namespace qsq_test {
void reset_largest_allocation();
std::size_t largest_allocation();
}  // namespace qsq_test

namespace {

using qsq::CodeCoding;
using qsq_test::DocLayout;

// A small network with one coded conv layer and a coded linear layer, and a plain linear layer.
qsq::Network small_network() {
  qsq::Network net;
  net.name = "tiny";
  net.input = {1, 4, 4};
  qsq::Layer c;
  c.name = "c";
  c.in = net.input;
  c.out_channels = 2;
  c.kernel = 3;
  c.pad = 1;
  c.pool = {2, 2};
  c.scales = {100, 37};
  for (int i = 0; i < 18; ++i) c.codes.push_back(static_cast<std::uint8_t>(i % 3 == 0 ? 0 : (i * 5) % 8));
  c.bias = {5, -7};
  c.requant = {true, 3, 4, true};
  qsq::Layer f = qsq_test::plain_linear("f", 8, 3, [](int i) { return i * 11 % 255 - 127; });
  f.bias = {1, 2, -3};
  f.requant = {true, 1, 2, false};
  qsq::Layer g;
  g.name = "g";
  g.kind = qsq::LayerKind::linear;
  g.in = {3, 1, 1};
  g.out_channels = 2;
  g.codebook = qsq::CodebookId::pow2x;
  g.code_bits = 4;
  g.scales = {127, 1};
  g.codes = {0, 15, 8, 3, 9, 0};
  g.bias = {0, 0};
  g.requant.enabled = false;
  net.layers = {c, f, g};
  return net;
}

void expect_format_error(const std::vector<std::uint8_t>& b, const std::string& context) {
  try {
    (void)qsq::deserialize(b);
    ADD_FAILURE() << context << ": accepted";
  } catch (const qsq::FormatError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << context << ": message is not one line";
    EXPECT_FALSE(what.empty());
  } catch (const std::exception& e) {
    ADD_FAILURE() << context << ": threw something other than FormatError: " << e.what();
  }
}

std::string message_of(const std::vector<std::uint8_t>& b) {
  try {
    (void)qsq::deserialize(b);
  } catch (const qsq::FormatError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(Robustness, SmallNetworkIsValid) { EXPECT_NO_THROW(small_network().validate()); }

TEST(Robustness, EverySingleByteCorruptionIsDetected) {
  for (CodeCoding c : {CodeCoding::dense, CodeCoding::deflate}) {
    const auto good = qsq::serialize(small_network(), {c});
    ASSERT_NO_THROW((void)qsq::deserialize(good));
    for (std::size_t i = 0; i < good.size(); ++i) {
      for (std::uint8_t mask : {0x01, 0x10, 0x80, 0xFF, 0x5A}) {
        auto bad = good;
        bad[i] ^= mask;
        expect_format_error(bad, "coding " + std::string(qsq::code_coding_name(c)) + " byte " + std::to_string(i) +
                                     " ^ " + std::to_string(mask));
      }
    }
  }
}

TEST(Robustness, EveryTruncationAndTrailingByteIsDetected) {
  for (CodeCoding c : {CodeCoding::dense, CodeCoding::deflate}) {
    const auto good = qsq::serialize(small_network(), {c});
    for (std::size_t n = 0; n < good.size(); ++n)
      expect_format_error(std::vector<std::uint8_t>(good.begin(), good.begin() + n), "truncated to " + std::to_string(n));
    auto longer = good;
    longer.push_back(0);
    expect_format_error(longer, "one trailing byte");
    EXPECT_NE(message_of(longer).find("trailing"), std::string::npos);
  }
}

TEST(Robustness, MessagesNameTheProblem) {
  const auto good = qsq::serialize(small_network());
  auto b = good;
  b[0] = 'X';
  EXPECT_NE(message_of(b).find("magic"), std::string::npos);
  b = good;
  b[4] = 3;  // version field, u16 at offset 4: 3 is not defined
  EXPECT_NE(message_of(b).find("unsupported format version 3 (this reader reads versions 1 to 2)"), std::string::npos)
      << message_of(b);
  b[4] = 0;
  EXPECT_NE(message_of(b).find("unsupported format version 0"), std::string::npos) << message_of(b);
  b = good;
  b[14] ^= 1;  // inside the network section's payload
  EXPECT_NE(message_of(b).find("CRC-32"), std::string::npos) << message_of(b);
  EXPECT_NE(message_of(b).find("network section"), std::string::npos) << message_of(b);
  b.assign(good.begin(), good.begin() + 10);
  EXPECT_NE(message_of(b).find("truncated"), std::string::npos) << message_of(b);
}

// Every header edit below has a correct CRC, so only the reader's plausibility checks stand
// between the claimed counts and an allocation.
struct HugeClaim {
  const char* what;
  std::function<void(std::vector<std::uint8_t>&, const DocLayout&)> edit;
};

TEST(Robustness, HugeCountsFailFastWithoutLargeAllocations) {
  const auto good = qsq::serialize(small_network(), {CodeCoding::dense});
  const DocLayout lay(good);
  ASSERT_EQ(lay.descriptors.size(), 3u);
  // The layout computed from the document must agree with the file (names 'c', 'f', 'g').
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(good[lay.descriptors[i]], 1u);
    ASSERT_EQ(good[lay.descriptors[i] + 1], static_cast<std::uint8_t>("cfg"[i]));
  }
  ASSERT_EQ(good[lay.descriptors[2] + qsq_test::desc_field(1, qsq_test::kDescCodeBits)], 4u);
  ASSERT_EQ(good[lay.descriptors[1] + qsq_test::desc_field(1, qsq_test::kDescOut)], 3u);
  ASSERT_EQ(lay.sections.back() + 8 + qsq_test::get_u32(good, lay.sections.back()), good.size());
  const std::size_t d0 = lay.descriptors[0], name0 = good[d0];
  const std::size_t d2 = lay.descriptors[2], name2 = good[d2];
  using qsq_test::desc_field;
  const std::vector<HugeClaim> claims = {
      {"65535 layers", [&](auto& b, auto&) { qsq_test::put_u16(b, lay.layer_count_at, 65535); }},
      {"1024 layers", [&](auto& b, auto&) { qsq_test::put_u16(b, lay.layer_count_at, 1024); }},
      {"65535 x 65535 filters", [&](auto& b, auto&) {
         qsq_test::put_u16(b, d0 + desc_field(name0, qsq_test::kDescInC), 65535);
         qsq_test::put_u16(b, d0 + desc_field(name0, qsq_test::kDescOut), 65535);
       }},
      {"2^28 dense codes", [&](auto& b, auto&) {
         qsq_test::put_u16(b, d2 + desc_field(name2, qsq_test::kDescInC), 65535);
         qsq_test::put_u16(b, d2 + desc_field(name2, qsq_test::kDescOut), 4096);
       }},
      {"2^28 deflated codes", [&](auto& b, auto&) {
         qsq_test::put_u16(b, d2 + desc_field(name2, qsq_test::kDescInC), 65535);
         qsq_test::put_u16(b, d2 + desc_field(name2, qsq_test::kDescOut), 4096);
         b[d2 + desc_field(name2, qsq_test::kDescCoding)] = 1;
       }},
      {"65535 plain filters", [&](auto& b, auto&) {
         const std::size_t d1 = lay.descriptors[1];
         qsq_test::put_u16(b, d1 + desc_field(b[d1], qsq_test::kDescOut), 65535);
       }},
  };
  for (const auto& claim : claims) {
    auto b = good;
    claim.edit(b, lay);
    lay.fix_network_crc(b);
    qsq_test::reset_largest_allocation();
    const auto t0 = std::chrono::steady_clock::now();
    expect_format_error(b, claim.what);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(qsq_test::largest_allocation(), std::size_t{64} << 10) << claim.what;
    EXPECT_LT(ms, 100.0) << claim.what;
  }
  // A section length of 4 GiB - 1 in the first frame.
  auto b = good;
  qsq_test::put_u32(b, 8, 0xFFFFFFFFu);
  qsq_test::reset_largest_allocation();
  expect_format_error(b, "section length 2^32-1");
  EXPECT_LT(qsq_test::largest_allocation(), std::size_t{64} << 10);
}

TEST(Robustness, DeflateBombIsRefusedByTheRatioBound) {
  // A layer of 2^16 zero codes deflates to a few dozen bytes; keep only the first 8 bytes of the
  // stream: 2^16 codes cannot come from 8 bytes (ratio bound), refused before allocating.
  qsq::Network net;
  net.input = {256, 1, 1};
  qsq::Layer l;
  l.kind = qsq::LayerKind::linear;
  l.in = {256, 1, 1};
  l.out_channels = 256;
  l.scales.assign(256, 1);
  l.codes.assign(std::size_t{256} * 256, 0);
  l.bias.assign(256, 0);
  l.requant.enabled = false;
  net.layers = {l};
  auto b = qsq::serialize(net, {CodeCoding::deflate});
  ASSERT_NO_THROW((void)qsq::deserialize(b));
  const DocLayout lay(b);
  const std::size_t frame = lay.sections[0];
  const std::uint32_t keep = 256 * 7 / 8 + 256 * 4 + 8;  // scales, biases, 8 bytes of stream
  b.resize(frame + 4 + keep + 4);
  qsq_test::put_u32(b, frame, keep);
  DocLayout::fix_crc(b, frame);
  qsq_test::reset_largest_allocation();
  expect_format_error(b, "truncated deflate stream");
  EXPECT_NE(message_of(b).find("cannot come from a deflate stream"), std::string::npos) << message_of(b);
  EXPECT_LT(qsq_test::largest_allocation(), std::size_t{64} << 10);
}

TEST(Robustness, ValidCrcButInvalidNetworkFailsValidation) {
  const auto good = qsq::serialize(small_network(), {CodeCoding::dense});
  const DocLayout lay(good);
  auto b = good;
  const std::size_t d0 = lay.descriptors[0];
  b[d0 + qsq_test::desc_field(good[d0], qsq_test::kDescShift)] = 63;  // requant shift above 62
  lay.fix_network_crc(b);
  EXPECT_NE(message_of(b).find("fails validation"), std::string::npos) << message_of(b);
  b = good;
  b[d0 + qsq_test::desc_field(good[d0], qsq_test::kDescCodeBits)] = 5;
  lay.fix_network_crc(b);
  EXPECT_NE(message_of(b).find("code_bits"), std::string::npos) << message_of(b);
}

TEST(Robustness, RandomNetworksSurviveRandomCorruption) {
  std::mt19937_64 rng(99);
  for (int k = 0; k < 60; ++k) {
    const auto good = qsq::serialize(qsq_test::random_network(rng));
    for (int t = 0; t < 30; ++t) {
      auto bad = good;
      const int hits = std::uniform_int_distribution<int>(1, 3)(rng);
      for (int h = 0; h < hits; ++h)
        bad[std::uniform_int_distribution<std::size_t>(0, bad.size() - 1)(rng)] ^=
            static_cast<std::uint8_t>(std::uniform_int_distribution<int>(1, 255)(rng));
      expect_format_error(bad, "random corruption");
    }
  }
}

}  // namespace
