#include <gtest/gtest.h>

#include "qsq/params.hpp"

namespace {

TEST(Params, DefaultsAreValid) {
  qsq::Params p;
  EXPECT_NO_THROW(p.validate());
  EXPECT_EQ(p.width, 8);
  EXPECT_EQ(p.code_bits, 3);
  EXPECT_EQ(p.resolved_quality().q, 4);
}

TEST(Params, RejectsOutOfRangeWithANamedMessage) {
  qsq::Params p;
  p.width = 17;
  try {
    p.validate();
    FAIL() << "width 17 accepted";
  } catch (const qsq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("width = 17"), std::string::npos) << e.what();
  }
  p = {};
  p.code_bits = 5;
  EXPECT_THROW(p.validate(), qsq::Error);
  p = {};
  p.quality = {5, 0};  // Qmax(8) = 4
  EXPECT_THROW(p.validate(), qsq::Error);
  p = {};
  p.quality = {1, 8};
  EXPECT_THROW(p.validate(), qsq::Error);
  p = {};
  p.acc_width = 7;
  EXPECT_THROW(p.validate(), qsq::Error);
}

TEST(Params, WrapAccIsModular) {
  EXPECT_EQ(qsq::wrap_acc((1LL << 31), 32), -(1LL << 31));
  EXPECT_EQ(qsq::wrap_acc(-1, 20), -1);
  EXPECT_EQ(qsq::wrap_acc((1LL << 19), 20), -(1LL << 19));
  EXPECT_EQ(qsq::wrap_acc(12345, 48), 12345);
  // (a + b) wrapped equals wrap(wrap(a) + wrap(b)) for any a, b.
  for (long long a : {123456789LL, -987654321LL, 1LL << 40})
    for (long long b : {77LL, -(1LL << 33), 999999LL})
      EXPECT_EQ(qsq::wrap_acc(a + b, 24), qsq::wrap_acc(qsq::wrap_acc(a, 24) + qsq::wrap_acc(b, 24), 24));
}

}  // namespace
