// Description: the HLS load-time CSD recoder against the golden model: for every W-bit value,
// every quality level q (0 = exact) and every p, W = 4..10, the digit masks equal
// qsq::csd_truncate(qsq::csd_encode(w), {q, p}) and their value equals qsq::qs_weight.
// Usage: ctest -R hls.Recoder
#include <cstdint>

#include <gtest/gtest.h>

#include "qsq/csd.hpp"
#include "qsq/params.hpp"
#include "qsq_hls_recoder.hpp"

namespace {

template <int W>
void check_width() {
  using C = qsq_hls::ArrayConfig<W, 1, 3, 32>;
  ASSERT_EQ(C::qmax, qsq::max_digits(W)) << "W=" << W;
  for (std::int32_t w = qsq::min_value(W); w <= qsq::max_value(W); ++w) {
    const auto full = qsq_hls::csd_encode<C>(w);
    const qsq::Csd ref = qsq::csd_encode(w);
    ASSERT_EQ(static_cast<long long>(full.pos), ref.pos) << "W=" << W << " w=" << w;
    ASSERT_EQ(static_cast<long long>(full.neg), ref.neg) << "W=" << W << " w=" << w;
    for (int p = 0; p < W; ++p) {  // q = 0 is the RTL's shorthand for exact
      const auto d = qsq_hls::recode_weight<C>(w, 0, p);
      const qsq::Csd t = qsq::csd_truncate(ref, qsq::resolve_quality({0, p}, W));
      ASSERT_EQ(static_cast<long long>(d.pos), t.pos) << "W=" << W << " w=" << w << " q=0 p=" << p;
      ASSERT_EQ(static_cast<long long>(d.neg), t.neg) << "W=" << W << " w=" << w << " q=0 p=" << p;
    }
    for (int q = 1; q <= qsq::max_digits(W); ++q) {
      for (int p = 0; p <= W; ++p) {
        const auto d = qsq_hls::recode_weight<C>(w, q, p);
        const qsq::Csd t = qsq::csd_truncate(ref, {q, p});
        ASSERT_EQ(static_cast<long long>(d.pos), t.pos) << "W=" << W << " w=" << w << " q=" << q << " p=" << p;
        ASSERT_EQ(static_cast<long long>(d.neg), t.neg) << "W=" << W << " w=" << w << " q=" << q << " p=" << p;
        ASSERT_EQ(static_cast<long long>(qsq_hls::digits_value<C>(d)), qsq::qs_weight(w, {q, p}))
            << "W=" << W << " w=" << w << " q=" << q << " p=" << p;
      }
    }
  }
}

TEST(Recoder, AllValuesAllLevelsW4to10) {
  check_width<4>();
  check_width<5>();
  check_width<6>();
  check_width<7>();
  check_width<8>();
  check_width<9>();
  check_width<10>();
}

// Independent of the model: the examples the method documents.
TEST(Recoder, DocumentedExamples) {
  using C = qsq_hls::DefaultConfig;
  const auto d127 = qsq_hls::recode_weight<C>(127, 1, 0);  // 2^7 - 2^0 keeps only +2^7
  EXPECT_EQ(static_cast<long long>(d127.pos), 1 << 7);
  EXPECT_EQ(static_cast<long long>(d127.neg), 0);
  EXPECT_EQ(static_cast<long long>(qsq_hls::digits_value<C>(d127)), 128);
  const auto exact = qsq_hls::recode_weight<C>(-85, C::qmax, 0);  // -85 = -64 - 16 - 4 - 1
  EXPECT_EQ(static_cast<long long>(exact.neg), 64 + 16 + 4 + 1);
  EXPECT_EQ(static_cast<long long>(exact.pos), 0);
  const auto dropped = qsq_hls::recode_weight<C>(-85, C::qmax, 3);  // digits below 2^3 go
  EXPECT_EQ(static_cast<long long>(qsq_hls::digits_value<C>(dropped)), -80);
}

// Every pattern the recoder emits is a valid NAF: no position both +1 and -1, no two adjacent
// non-zero digits, and at most qmax of them.
TEST(Recoder, OutputIsNonAdjacentForm) {
  using C = qsq_hls::ArrayConfig<12, 1, 3, 32>;
  for (std::int32_t w = qsq::min_value(12); w <= qsq::max_value(12); ++w) {
    const auto d = qsq_hls::csd_encode<C>(w);
    const long long nz = static_cast<long long>(d.pos) | static_cast<long long>(d.neg);
    ASSERT_EQ(static_cast<long long>(d.pos) & static_cast<long long>(d.neg), 0) << w;
    ASSERT_EQ(nz & (nz >> 1), 0) << w;
    ASSERT_LE(__builtin_popcountll(nz), C::qmax) << w;
    ASSERT_EQ(static_cast<long long>(qsq_hls::digits_value<C>(d)), w);
  }
}

}  // namespace
