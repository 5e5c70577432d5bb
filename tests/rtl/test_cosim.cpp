// Short co-simulations of both presets and the exhaustive single-multiplier sweep, scored
// against the golden model (qsq::qs_mul, codebook decode, wrap_acc).
#include <gtest/gtest.h>

#include "qsq/csd.hpp"
#include "qsq/rtlsim/cosim.hpp"
#include "qsq/rtlsim/lane_sim.hpp"

namespace {

qsq::rtlsim::CosimReport short_run(const char* preset, std::uint64_t seed) {
  qsq::rtlsim::CosimOptions o;
  o.preset = preset;
  o.vectors = 4000;
  o.seed = seed;
  return qsq::rtlsim::run_cosim(o);
}

void expect_clean(const qsq::rtlsim::CosimReport& r) {
  EXPECT_EQ(r.mismatches(), 0u) << (r.first_mismatches.empty() ? "" : r.first_mismatches.front());
  EXPECT_GE(r.vectors(), 4000u);
  ASSERT_EQ(static_cast<int>(r.levels.size()), qsq::max_digits(r.geometry.width));
  for (const auto& l : r.levels) EXPECT_GT(l.vectors, 0u) << "level " << l.q << " never exercised";
}

TEST(RtlCosim, DefaultPresetShortRun) {
  const auto r = short_run("default", 11);
  EXPECT_EQ(r.geometry.width, 8);
  EXPECT_EQ(r.geometry.lanes, 8);
  expect_clean(r);
}

TEST(RtlCosim, SmallPresetShortRun) {
  const auto r = short_run("small", 12);
  EXPECT_EQ(r.geometry.width, qsq::presets::kSmall.width);
  EXPECT_EQ(r.geometry.lanes, qsq::presets::kSmall.lanes);
  expect_clean(r);
}

// Every (a, w) pair of the W-bit lane at every level (p = 0) and every p at the exact level.
TEST(RtlLane, ExhaustiveAllLevels) {
  qsq::rtlsim::LaneSim lane;
  const int w = lane.width();
  const int qmax = qsq::max_digits(w);
  std::uint64_t bad = 0;
  for (int q = 1; q <= qmax; ++q)
    for (int p = 0; p <= (q == qmax ? w : 0); ++p)
      for (std::int32_t a = qsq::min_value(w); a <= qsq::max_value(w); ++a)
        for (std::int32_t b = qsq::min_value(w); b <= qsq::max_value(w); ++b)
          if (lane.mul(a, b, {q, p}) != qsq::qs_mul(a, b, {q, p}) && ++bad < 5)
            ADD_FAILURE() << "a=" << a << " w=" << b << " q=" << q << " p=" << p << ": rtl " << lane.mul(a, b, {q, p})
                          << " golden " << qsq::qs_mul(a, b, {q, p});
  EXPECT_EQ(bad, 0u);
  EXPECT_EQ(lane.evaluations(), static_cast<std::uint64_t>(qmax + w) << (2 * w));
}

// The extremes that need the (W+1)-th magnitude bit: 127 at q = 1 is 128.
TEST(RtlLane, TruncationRoundsUpPastWBits) {
  qsq::rtlsim::LaneSim lane;
  EXPECT_EQ(lane.mul(-128, 127, {1, 0}), -128 * 128);
  EXPECT_EQ(lane.mul(-128, -128, {4, 0}), 16384);
  EXPECT_EQ(lane.mul(127, -128, {1, 0}), 127 * -128);
}

}  // namespace
