// The operand-trace format's one writer and one reader (qsq/flow/operand_trace.hpp): the sample
// trace of docs/energy.md, a write/read round trip that is byte-identical, and malformed traces.
#include <gtest/gtest.h>

#include <variant>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/operand_trace.hpp"
#include "test_support.hpp"

namespace qf = qsq::flow;
using qsq_test::TempDir;

namespace {

TEST(OperandTrace, ReadsTheSample) {
  const qf::TraceShape shape{8, 8, 3};
  const qf::OperandTrace t = qf::read_operand_trace(std::string(QSQ_TEST_DATA) + "/sample.trace", &shape);
  EXPECT_EQ(t.shape, shape);
  EXPECT_EQ(t.codebook, qsq::CodebookId::pow2);
  std::size_t loads = 0, beats = 0;
  for (const auto& x : t.transactions) (std::holds_alternative<qsq::WeightLoad>(x) ? loads : beats)++;
  EXPECT_EQ(loads, 3u);
  EXPECT_EQ(beats, 10u);
  const auto& first = std::get<qsq::WeightLoad>(t.transactions.at(0));
  EXPECT_FALSE(first.bypass);
  EXPECT_EQ(first.scale, 90u);
  EXPECT_EQ(first.codes, (std::vector<std::uint8_t>{3, 2, 0, 7, 1, 6, 0, 3}));
  const auto& beat = std::get<qsq::DotBeat>(t.transactions.at(1));
  EXPECT_EQ(beat.psum, 12);
  EXPECT_EQ(beat.a, (std::vector<std::int32_t>{0, 5, 17, 0, 0, 33, 40, 2}));
}

TEST(OperandTrace, WriterAndReaderRoundTrip) {
  TempDir d;
  const qf::TraceShape shape{5, 3, 2};
  qf::TraceWriter w(shape, qsq::CodebookId::shift, "a comment");
  w.comment("layer x");
  qsq::WeightLoad coded;
  coded.codes = {0, 3, 1};
  coded.scale = 15;
  qsq::WeightLoad plain;
  plain.bypass = true;
  plain.plain = {-16, 15, 0};
  w.load(coded);
  w.beat({{-16, 0, 15}, -123456});
  w.load(plain);
  w.beat({{1, 2, 3}, 0});
  EXPECT_EQ(w.text(),
            "qsq-trace 1\n# a comment\nshape 5 3 2\ncodebook shift\n# layer x\nL 15 0 3 1\nA -123456 -16 0 15\n"
            "P -16 15 0\nA 0 1 2 3\n");
  qf::write_file_atomic(d / "t.trace", w.text());
  const qf::OperandTrace t = qf::read_operand_trace((d / "t.trace").string());
  EXPECT_EQ(t.shape, shape);
  EXPECT_EQ(t.codebook, qsq::CodebookId::shift);
  ASSERT_EQ(t.transactions.size(), 4u);
  // Every load carries the trace's codebook; writing what was read gives the same text.
  qf::TraceWriter again(t.shape, t.codebook, "a comment");
  again.comment("layer x");
  for (const auto& x : t.transactions) {
    if (const auto* ld = std::get_if<qsq::WeightLoad>(&x)) {
      EXPECT_EQ(ld->codebook, qsq::CodebookId::shift);
      again.load(*ld);
    } else {
      again.beat(std::get<qsq::DotBeat>(x));
    }
  }
  EXPECT_EQ(again.text(), w.text());
  EXPECT_THROW(w.beat({{1, 2}, 0}), qsq::Error);  // two activations for three lanes
}

TEST(OperandTrace, RejectsMalformedTraces) {
  TempDir d;
  auto file = [&](const std::string& name, const std::string& text) {
    qf::write_file_atomic(d / name, text);
    return (d / name).string();
  };
  const qf::TraceShape s{8, 8, 3};
  auto fails = [&](const std::string& path, const std::string& what) {
    try {
      qf::read_operand_trace(path, &s);
    } catch (const qsq::Error& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
      return;
    }
    ADD_FAILURE() << "no error for " << path;
  };
  fails(file("a", "qsq-trace 2\n"), "a:1: not a qsq-trace 1 file");
  fails(file("b", "qsq-trace 1\nshape 8 4 3\n"), "b:2: trace shape W=8 N=4 b=3 does not match the array (W=8 N=8 b=3)");
  fails(file("c", "qsq-trace 1\nshape 8 8 3\nL 200 0 0 0 0 0 0 0 0\n"), "c:3: bad scale");
  fails(file("d", "qsq-trace 1\nshape 8 8 3\nA 0 1 2 3\n"), "d:3: expected 8 values");
  fails(file("e", "qsq-trace 1\nA 0 0 0 0 0 0 0 0 0\n"), "e:2: 'shape' must come before the first beat");
  fails(file("f", "qsq-trace 1\nshape 8 8 3\nL 1 0 0 0 0 0 0 0 8\n"), "f:3: value 8 out of range");
  fails(file("g", "qsq-trace 1\nshape 8 8 3\nP 0 0 0 0 0 0 0 0 0\n"), "g:3: too many values");
  fails(file("h", "qsq-trace 1\nshape 8 8 3\nX 1\n"), "h:3: unknown line tag 'X'");
  fails(file("i", "qsq-trace 1\ncodebook nope\n"), "i:2: ");
  fails(file("j", "# only a comment\n"), "j: empty operand trace");
  fails((d / "missing").string(), "cannot open operand trace");
  EXPECT_THROW(qf::read_operand_trace(file("k", "qsq-trace 1\nshape 3 8 3\n")), qsq::Error);  // W out of range
}

}  // namespace
