// Description: the C++ type `verilator --sc` gives a port of a given bit width (1: bool, 2..32:
// uint32_t, 33..64: uint64_t), so that the SystemC model's ports and the Verilated RTL's ports can
// be bound to the very same sc_signal. Wider ports (sc_bv) are not used by qsq's presets.
// Usage:
//   sc_core::sc_in<qsq_tb::port_t<Lanes * Width>> act_data_i;
//   auto lane = qsq_tb::field(act_data_i.read(), i * Width, Width);   // unsigned bits of lane i
#pragma once
#include <cstdint>
#include <type_traits>

namespace qsq_tb {

template <int Bits>
struct PortType {
  static_assert(Bits >= 1 && Bits <= 64,
                "ports wider than 64 bits become sc_bv in verilator --sc; not supported here");
  using type = std::conditional_t<Bits == 1, bool, std::conditional_t<(Bits <= 32), std::uint32_t, std::uint64_t>>;
};
template <int Bits>
using port_t = typename PortType<Bits>::type;

// Bits [lo, lo + width) of a packed port value, unsigned.
inline std::uint64_t field(std::uint64_t packed, int lo, int width) {
  const std::uint64_t mask = width >= 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << width) - 1);
  return (packed >> lo) & mask;
}

// Sign-extends the low `width` bits of v.
inline std::int64_t sign_extend(std::uint64_t v, int width) {
  const auto u = v << (64 - width);
  return static_cast<std::int64_t>(u) >> (64 - width);
}

// Packs `value` (two's complement, any sign) into bits [lo, lo + width) of `packed`.
inline std::uint64_t put_field(std::uint64_t packed, int lo, int width, std::int64_t value) {
  const std::uint64_t mask = width >= 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << width) - 1);
  return (packed & ~(mask << lo)) | ((static_cast<std::uint64_t>(value) & mask) << lo);
}

}  // namespace qsq_tb
