// Description: docs/format.md and the reader stay in agreement. Reads the document's
// machine-checkable tables (marked `<!-- doc-sync: NAME`) and compares them with the code: the
// numeric limits with the constants that enforce them, the Qmax table with the contract, the
// list of error messages with the reader's sources (both ways). Also checks one message's byte
// offset as the document defines it, and the worst-case accumulator rule with crafted files on
// both sides of the boundary.
// Usage: ctest -R FormatDocSync
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "doc_layout.hpp"
#include "qsq/container.hpp"
#include "qsq/contract.hpp"
#include "qsq/csd.hpp"

#ifndef QSQ_SOURCE_DIR
#error "QSQ_SOURCE_DIR must name the source tree"
#endif

namespace {

std::string slurp(const std::string& relative) {
  std::ifstream in(std::string(QSQ_SOURCE_DIR) + "/" + relative, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The rows of the table after `<!-- doc-sync: name`, header and separator skipped; cells trimmed.
std::vector<std::vector<std::string>> doc_table(const std::string& doc, const std::string& name) {
  const auto at = doc.find("<!-- doc-sync: " + name);
  if (at == std::string::npos) throw std::runtime_error("docs/format.md has no doc-sync table " + name);
  std::istringstream in(doc.substr(doc.find('\n', at) + 1));
  std::vector<std::vector<std::string>> rows;
  std::string line;
  int seen = 0;
  while (std::getline(in, line) && !line.empty() && line[0] == '|') {
    if (seen++ < 2) continue;  // header, separator
    std::vector<std::string> cells;
    std::size_t p = 1;
    while (p < line.size()) {
      const auto q = line.find('|', p);
      if (q == std::string::npos) break;
      cells.push_back(trim(line.substr(p, q - p)));
      p = q + 1;
    }
    rows.push_back(cells);
  }
  return rows;
}

TEST(FormatDocSync, NumericLimitsTableMatchesTheConstants) {
  using namespace qsq;
  namespace ll = qsq::layer_limits;
  static_assert(ll::kMaxLayers == kMaxLayers);
  static_assert(static_cast<std::uint64_t>(ll::kMaxWeights) == kMaxWeightsPerLayer);
  const std::map<std::string, std::pair<std::int64_t, std::int64_t>> expected = {
      {"W, operand width", {limits::kWidthMin, limits::kWidthMax}},
      {"AccW, accumulator width", {limits::kAccWidthMin, limits::kAccWidthMax}},
      {"b, code bits of a coded layer", {limits::kCodeBitsMin, limits::kCodeBitsMax}},
      {"L, number of layers", {1, kMaxLayers}},
      {"every dimension: input C, H, W; in.C, in.H, in.W, F of a layer", {1, ll::kMaxDim}},
      {"network input values C·H·W", {1, ll::kMaxInputValues}},
      {"conv kernel K", {1, ll::kMaxKernel}},
      {"conv stride", {1, ll::kMaxStride}},
      {"pool kernel, when pooling", {1, ll::kMaxPool}},
      {"pool stride, when pooling", {1, ll::kMaxPool}},
      {"fan-in in.C·K·K", {1, ll::kMaxFanIn}},
      {"N, weights per layer", {1, static_cast<std::int64_t>(kMaxWeightsPerLayer)}},
      {"requant multiplier, when enabled", {1, INT32_MAX}},
      {"requant shift, when enabled", {0, ll::kMaxShift}},
      {"exponent", {ll::kMinExponent, ll::kMaxExponent}},
      {"avgpool kernel (0 = global)", {0, ll::kMaxAvgKernel}},
      {"avgpool stride, windowed", {1, ll::kMaxStride}},
      {"clip, when set (at most 2^(W-1)-1)", {1, max_value(limits::kWidthMax)}},
      {"add multiplier B", {1, INT32_MAX}},
      {"add second input (-1 = the network input, else an earlier layer)", {-1, kMaxLayers - 2}},
      {"file size in bytes", {0, static_cast<std::int64_t>(kMaxFileBytes)}},
      {"deflate expansion, codes per stream byte", {0, static_cast<std::int64_t>(kMaxDeflateRatio)}},
      {"name length in bytes", {0, 255}},
  };
  const auto rows = doc_table(slurp("docs/format.md"), "limits");
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> documented;
  for (const auto& r : rows) {
    ASSERT_GE(r.size(), 3u);
    documented[r[0]] = {std::stoll(r[1]), std::stoll(r[2])};
  }
  for (const auto& [name, range] : expected) {
    ASSERT_TRUE(documented.count(name)) << "docs/format.md lacks the limit row '" << name << "'";
    EXPECT_EQ(documented[name], range) << "limit '" << name << "' differs between docs/format.md and the code";
  }
  for (const auto& [name, range] : documented)
    EXPECT_TRUE(expected.count(name)) << "docs/format.md documents a limit the test does not know: '" << name << "'";
}

TEST(FormatDocSync, QmaxTableMatchesTheContract) {
  const auto rows = doc_table(slurp("docs/format.md"), "qmax");
  ASSERT_EQ(rows.size(), 1u);
  const auto& r = rows[0];
  ASSERT_EQ(r[0], "Qmax(W)");
  ASSERT_EQ(r.size(), static_cast<std::size_t>(1 + qsq::limits::kWidthMax - qsq::limits::kWidthMin + 1));
  for (int w = qsq::limits::kWidthMin; w <= qsq::limits::kWidthMax; ++w) {
    const int documented = std::stoi(r[static_cast<std::size_t>(1 + w - qsq::limits::kWidthMin)]);
    EXPECT_EQ(documented, qsq::contract::qmax(w)) << "W = " << w;
    EXPECT_EQ(documented, qsq::max_digits(w)) << "W = " << w;
    EXPECT_EQ(documented, (w + 1) / 2) << "W = " << w << ": the document's formula ceil(W/2)";
  }
}

// Pieces of a message template or literal worth comparing: split at <placeholders> and digit
// runs, trimmed of punctuation; pieces with fewer than 3 letters say nothing.
std::vector<std::string> pieces(const std::string& text) {
  std::vector<std::string> out;
  const std::string cleaned = std::regex_replace(text, std::regex("<[^>]*>|[0-9]+"), "\x01");
  std::string cur;
  auto flush = [&] {
    const auto b = cur.find_first_not_of(" ,.:;()'\"=`-");
    const auto e = cur.find_last_not_of(" ,.:;()'\"=`-");
    std::string t = b == std::string::npos ? "" : cur.substr(b, e - b + 1);
    int letters = 0;
    for (char c : t) letters += std::isalpha(static_cast<unsigned char>(c)) ? 1 : 0;
    if (letters >= 3) out.push_back(t);
    cur.clear();
  };
  for (char c : cleaned) {
    if (c == '\x01') flush();
    else cur += c;
  }
  flush();
  return out;
}

const char* kReaderSources[] = {"format/src/deserialize.cpp", "format/src/byte_io.cpp", "format/src/code_deflate.cpp"};

// The string literals of every error the reader's sources raise: the arguments of require(r,
// ...), fail(...), fail_here/fail_field/fail_at(...) and the `problem = ...` of the inflater.
std::vector<std::string> reader_error_literals() {
  std::vector<std::string> out;
  const std::regex start(R"((require\(r,|\bfail_here\(|\bfail_field\(|\bfail_at\(|\bfail\(|problem = ))");
  const std::regex literal(R"re("((?:[^"\\]|\\.)*)")re");
  for (const char* path : kReaderSources) {
    const std::string src = slurp(path);
    for (auto it = std::sregex_iterator(src.begin(), src.end(), start); it != std::sregex_iterator(); ++it) {
      const std::size_t from = static_cast<std::size_t>(it->position() + it->length());
      const std::size_t to = src.find(';', from);
      const std::string call = src.substr(from, to - from);
      for (auto l = std::sregex_iterator(call.begin(), call.end(), literal); l != std::sregex_iterator(); ++l)
        out.push_back((*l)[1].str());
    }
  }
  return out;
}

std::string error_section(const std::string& doc) {
  const auto b = doc.find("## Error messages");
  const auto e = doc.find("\n## ", b + 1);
  return doc.substr(b, e - b);
}

TEST(FormatDocSync, EveryDocumentedErrorIsInTheReader) {
  std::string sources;
  for (const char* p : kReaderSources) sources += slurp(p);
  const auto rows = doc_table(slurp("docs/format.md"), "errors");
  ASSERT_GE(rows.size(), 20u);
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 3u);
    for (const auto& piece : pieces(r[2]))
      EXPECT_NE(sources.find(piece), std::string::npos)
          << "docs/format.md lists the error '" << r[2] << "' but the reader's sources never say '" << piece << "'";
  }
}

TEST(FormatDocSync, EveryReaderErrorIsDocumented) {
  const std::string doc = error_section(slurp("docs/format.md"));
  const auto literals = reader_error_literals();
  ASSERT_GE(literals.size(), 30u);
  for (const auto& lit : literals)
    for (const auto& piece : pieces(lit))
      EXPECT_NE(doc.find(piece), std::string::npos)
          << "the reader can say '" << lit << "' but docs/format.md's \"Error messages\" never says '" << piece << "'";
}

// The 78-byte example file of docs/format.md (tests/format/doc_example_test.cpp checks it).
std::vector<std::uint8_t> doc_example_bytes() {
  qsq::Network net;
  net.name.assign(1, 'n');
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
  return qsq::serialize(net, {qsq::CodeCoding::dense});
}

std::string error_of(const std::vector<std::uint8_t>& b) {
  try {
    (void)qsq::deserialize(b);
  } catch (const qsq::FormatError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(FormatDocSync, ErrorOffsetsCountFromTheFirstByteOfTheFile) {
  auto b = doc_example_bytes();
  ASSERT_EQ(b.size(), 78u);
  b[34] = 3;  // the kind byte: docs/format.md's example
  auto fixed = b;
  qsq_test::DocLayout(fixed).fix_network_crc(fixed);
  EXPECT_EQ(error_of(fixed), "invalid .qsq file: network section at byte 34: layer 'l': unknown kind 3 for version 1");
  EXPECT_EQ(error_of(b).rfind("invalid .qsq file: network section at byte 59: CRC-32 mismatch (stored 0xea80a490", 0), 0u)
      << error_of(b);
  // A value error names its own field, not the byte after it: the code-bits byte is at 56.
  auto bits = doc_example_bytes();
  bits[56] = 7;
  qsq_test::DocLayout(bits).fix_network_crc(bits);
  EXPECT_EQ(error_of(bits), "invalid .qsq file: network section at byte 56: layer 'l': code_bits 7 outside 2..4");
  // Truncation: where the missing frame would start.
  auto cut = doc_example_bytes();
  cut.resize(65);
  EXPECT_EQ(error_of(cut), "invalid .qsq file: data section of layer 0 'l' at byte 63: truncated: the section frame "
                           "needs 8 bytes, 2 left");
}

// Two plain linear layers 1 -> 1 with weight 1, W = 8, AccW = 9 (largest accumulator 255); the
// first ends in a ReLU, the second's bias is `bias`. qsq's bound for the second layer is
// 1 * 2^(W-1) + |bias| = 128 + |bias|; a reader taking 2^(W-1)-1 after a ReLU would get 127 + |bias|.
qsq::Network boundary_network(std::int32_t bias) {
  qsq::Network net;
  net.name = "acc";
  net.width = 8;
  net.acc_width = 9;
  net.input = {1, 1, 1};
  qsq::Layer a;
  a.name = "a";
  a.kind = qsq::LayerKind::linear;
  a.in = {1, 1, 1};
  a.out_channels = 1;
  a.format = qsq::WeightFormat::plain;
  a.plain = {1};
  a.bias = {0};
  a.requant = {true, 1, 0, true};
  qsq::Layer b = a;
  b.name = "b";
  b.bias = {bias};
  b.requant.enabled = false;
  net.layers = {a, b};
  return net;
}

TEST(FormatDocSync, WorstCaseAccumulatorUsesTwoToTheWMinusOneAfterAReLU) {
  // 128 + 127 = 255: at the limit, accepted.
  const auto ok = qsq::serialize(boundary_network(127), {qsq::CodeCoding::dense});
  EXPECT_EQ(error_of(ok), "(accepted)");
  // Crafted (the writer refuses it): bias 128 gives 256 > 255. A reader that took 127 after the
  // ReLU would accept it (127 + 128 = 255); the specification and qsq refuse it.
  auto over = ok;
  const qsq_test::DocLayout at(over);
  qsq_test::put_u32(over, at.sections[1] + 4, 128);  // plain layer payload: biases first
  qsq_test::DocLayout::fix_crc(over, at.sections[1]);
  EXPECT_EQ(error_of(over), "invalid .qsq file: the network fails validation: layer 'b': worst-case accumulator 256 "
                            "exceeds the 9-bit accumulator");
  // And the same holds for a negative bias (|bias| counts).
  qsq_test::put_u32(over, at.sections[1] + 4, static_cast<std::uint32_t>(-128));
  qsq_test::DocLayout::fix_crc(over, at.sections[1]);
  EXPECT_NE(error_of(over).find("worst-case accumulator 256"), std::string::npos) << error_of(over);
}

}  // namespace
