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

// A grid trace (the 2-D grid's schedule): loads of one row with the rows that hold a filter,
// beats with slot, first, last and MACs; a codebook line applies to the loads after it.
TEST(OperandTrace, GridTraceRoundTrip) {
  TempDir d;
  const qf::TraceShape shape{5, 3, 3};
  qf::TraceWriter w(shape, qsq::CodebookId::pow2, {}, {2, 4});
  qsq::GridLoad g0{1, 3, {}};
  g0.weights.codes = {7, 0, 2};
  g0.weights.scale = 9;
  w.grid_load(g0);
  w.grid_beat({{-16, 0, 15}, 3, true, false}, 6);
  w.codebook(qsq::CodebookId::shift);
  qsq::GridLoad g1{0, 1, {}};
  g1.weights.bypass = true;
  g1.weights.plain = {-1, 2, -3};
  w.grid_load(g1);
  w.grid_beat({{1, 2, 3}, 0, false, true}, 2);
  EXPECT_EQ(w.text(),
            "qsq-trace 1\nshape 5 3 3\ngrid 2 4\ncodebook pow2\nG 1 3 9 7 0 2\nB 3 1 0 6 -16 0 15\ncodebook shift\n"
            "GP 0 1 -1 2 -3\nB 0 0 1 2 1 2 3\n");
  EXPECT_THROW(w.load(g0.weights), qsq::Error);      // a one-row line in a grid trace
  EXPECT_THROW(w.grid_beat({{1, 2}, 0, true, true}, 2), qsq::Error);  // two activations for three lanes
  qf::write_file_atomic(d / "g.trace", w.text());
  const qf::OperandTrace t = qf::read_operand_trace((d / "g.trace").string(), &shape);
  EXPECT_EQ(t.grid, (qf::TraceGrid{2, 4}));
  EXPECT_TRUE(t.transactions.empty());
  ASSERT_EQ(t.grid_items.size(), 4u);
  const auto& r0 = std::get<qsq::GridLoad>(t.grid_items[0]);
  EXPECT_EQ(r0.row, 1);
  EXPECT_EQ(r0.rows_on, 3u);
  EXPECT_EQ(r0.weights.codebook, qsq::CodebookId::pow2);
  EXPECT_EQ(r0.weights.codes, (std::vector<std::uint8_t>{7, 0, 2}));
  const auto& b0 = std::get<qf::GridTraceBeat>(t.grid_items[1]);
  EXPECT_EQ(b0.beat.slot, 3);
  EXPECT_TRUE(b0.beat.first);
  EXPECT_FALSE(b0.beat.last);
  EXPECT_EQ(b0.macs, 6u);
  EXPECT_EQ(b0.beat.a, (std::vector<std::int32_t>{-16, 0, 15}));
  EXPECT_EQ(std::get<qsq::GridLoad>(t.grid_items[2]).weights.codebook, qsq::CodebookId::shift);
  EXPECT_EQ(std::get<qf::GridTraceBeat>(t.grid_items[3]).macs, 2u);

  auto fails = [&](const std::string& text, const std::string& what) {
    qf::write_file_atomic(d / "bad.trace", text);
    try {
      qf::read_operand_trace((d / "bad.trace").string(), &shape);
    } catch (const qsq::Error& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
      return;
    }
    ADD_FAILURE() << "no error for " << text;
  };
  const std::string head = "qsq-trace 1\nshape 5 3 3\n";
  fails(head + "G 0 1 0 0 0 0\n", ":3: 'G' line in a one-row trace");
  fails(head + "grid 2 4\nL 0 0 0 0\n", ":4: 'L' line in a grid trace");
  fails(head + "grid 2 4\nG 2 1 0 0 0 0\n", ":4: bad row or rows_on");
  fails(head + "grid 2 4\nG 0 4 0 0 0 0\n", ":4: bad row or rows_on");
  fails(head + "grid 2 4\nB 4 1 1 6 0 0 0\n", ":4: bad beat");
  fails(head + "grid 2 4\nB 0 1 1 7 0 0 0\n", ":4: bad beat");  // more MACs than rows x lanes
  fails(head + "grid 2 4\nB 0 2 1 6 0 0 0\n", ":4: bad beat");
  fails(head + "grid 0 4\n", ":3: grid rows 0 out of range");
  fails("qsq-trace 1\ngrid 2 4\n", ":2: 'grid' must come after 'shape'");
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
