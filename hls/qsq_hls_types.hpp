// Description: the one place where qsq's HLS C++ gets its arbitrary-width integers and its
// synthesis directives. Natively (the default, and what CI compiles) int_t<W> / uint_t<W> are a
// small class over a 64-bit integer that wraps on every assignment, exactly like ap_int / ac_int
// wrap. With -DQSQ_HLS_VITIS they are ap_int / ap_uint, with -DQSQ_HLS_CATAPULT ac_int<W, true> /
// ac_int<W, false>. Bit access goes through get_bit / set_bit so kernels never name a backend.
// Usage:
//   #include "qsq_hls_types.hpp"
//   qsq_hls::int_t<5> x = 17;            // wraps to -15, as a 5-bit register would
//   bool b = qsq_hls::get_bit(x, 4);     // true
//   for (int i = 0; i < 8; ++i) { QSQ_HLS_UNROLL ... }   // directive sits next to its loop
#pragma once

#if defined(QSQ_HLS_VITIS) && defined(QSQ_HLS_CATAPULT)
#error "define at most one of QSQ_HLS_VITIS and QSQ_HLS_CATAPULT"
#endif

// ---- directives ------------------------------------------------------------------------------
// Natively they expand to nothing (so -Wall stays clean of unknown-pragma warnings).
// QSQ_HLS_LOOP(name) labels a loop for the tools' reports (a bare label would warn natively).
#define QSQ_HLS_PRAGMA(x) _Pragma(#x)
#if defined(QSQ_HLS_VITIS) || defined(QSQ_HLS_CATAPULT)
#define QSQ_HLS_LOOP(name) name:
#else
#define QSQ_HLS_LOOP(name)
#endif
#if defined(QSQ_HLS_VITIS)
#define QSQ_HLS_UNROLL QSQ_HLS_PRAGMA(HLS UNROLL)
#define QSQ_HLS_PIPELINE QSQ_HLS_PRAGMA(HLS PIPELINE II = 1)
#define QSQ_HLS_INLINE QSQ_HLS_PRAGMA(HLS INLINE)
#define QSQ_HLS_PARTITION(var) QSQ_HLS_PRAGMA(HLS ARRAY_PARTITION variable = var complete dim = 0)
#elif defined(QSQ_HLS_CATAPULT)
#define QSQ_HLS_UNROLL QSQ_HLS_PRAGMA(hls_unroll yes)
#define QSQ_HLS_PIPELINE QSQ_HLS_PRAGMA(hls_pipeline_init_interval 1)
#define QSQ_HLS_INLINE  // Catapult inlines every non-top function unless told otherwise
#define QSQ_HLS_PARTITION(var)  // arrays of registers are mapped in directives.tcl
#else
#define QSQ_HLS_UNROLL
#define QSQ_HLS_PIPELINE
#define QSQ_HLS_INLINE
#define QSQ_HLS_PARTITION(var)
#endif

// ---- integer types ---------------------------------------------------------------------------
#if defined(QSQ_HLS_VITIS)
#include <ap_int.h>
namespace qsq_hls {
template <int W> using int_t = ap_int<W>;
template <int W> using uint_t = ap_uint<W>;
template <class T> inline bool get_bit(const T& x, int i) { return x[i]; }
template <class T> inline void set_bit(T& x, int i, bool b) { x[i] = b; }
template <class T> inline long long to_ll(const T& x) { return x.to_int64(); }
template <class T> struct BitsOf;
template <int W> struct BitsOf<ap_int<W>> { static constexpr int value = W; };
template <int W> struct BitsOf<ap_uint<W>> { static constexpr int value = W; };
}  // namespace qsq_hls

#elif defined(QSQ_HLS_CATAPULT)
#include <ac_int.h>
namespace qsq_hls {
template <int W> using int_t = ac_int<W, true>;
template <int W> using uint_t = ac_int<W, false>;
template <class T> inline bool get_bit(const T& x, int i) { return x[i]; }
template <class T> inline void set_bit(T& x, int i, bool b) { x[i] = b; }
template <class T> inline long long to_ll(const T& x) { return x.to_int64(); }
template <class T> struct BitsOf;
template <int W, bool S> struct BitsOf<ac_int<W, S>> { static constexpr int value = W; };
}  // namespace qsq_hls

#else
#include <cstdint>

#include "qsq/bits.hpp"  // the golden model's sign extension and fields (standard library only)
namespace qsq_hls {

// A W-bit two's complement (Signed) or unsigned integer held in 64 bits. Arithmetic promotes to
// long long (like ap_int promotes to a wider type); assigning back wraps to W bits.
template <int W, bool Signed>
class Bits {
  static_assert(W >= 1 && W <= 63, "native qsq_hls integers hold 1..63 bits");

 public:
  constexpr Bits() = default;
  constexpr Bits(long long v) : v_(wrap(v)) {}  // NOLINT: implicit, as ap_int's is
  template <int W2, bool S2>
  constexpr Bits(Bits<W2, S2> o) : v_(wrap(static_cast<long long>(o))) {}  // NOLINT
  constexpr operator long long() const { return v_; }                     // NOLINT

  constexpr Bits& operator+=(long long o) { v_ = wrap(v_ + o); return *this; }
  constexpr Bits& operator-=(long long o) { v_ = wrap(v_ - o); return *this; }
  constexpr Bits& operator|=(long long o) { v_ = wrap(v_ | o); return *this; }
  constexpr Bits& operator&=(long long o) { v_ = wrap(v_ & o); return *this; }
  constexpr Bits& operator^=(long long o) { v_ = wrap(v_ ^ o); return *this; }

  static constexpr long long wrap(long long v) {
    return Signed ? static_cast<long long>(qsq::sign_extend(static_cast<std::uint64_t>(v), W))
                  : static_cast<long long>(qsq::to_field(v, W));
  }

 private:
  long long v_ = 0;
};

template <int W> using int_t = Bits<W, true>;
template <int W> using uint_t = Bits<W, false>;

template <int W, bool S> constexpr bool get_bit(Bits<W, S> x, int i) {
  return ((static_cast<std::uint64_t>(static_cast<long long>(x)) >> i) & 1u) != 0;
}
template <int W, bool S> constexpr void set_bit(Bits<W, S>& x, int i, bool b) {
  const auto u = static_cast<std::uint64_t>(static_cast<long long>(x));
  const auto m = std::uint64_t{1} << i;
  x = static_cast<long long>(b ? (u | m) : (u & ~m));
}
template <int W, bool S> constexpr long long to_ll(Bits<W, S> x) { return static_cast<long long>(x); }
template <class T> struct BitsOf;
template <int W, bool S> struct BitsOf<Bits<W, S>> { static constexpr int value = W; };

}  // namespace qsq_hls
#endif

namespace qsq_hls {
// Bit width of an int_t / uint_t type, whatever the backend: static_asserts compare it with the
// hardware contract (qsq/contract.hpp).
template <class T> constexpr int bits_of() { return BitsOf<T>::value; }
}  // namespace qsq_hls

