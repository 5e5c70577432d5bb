// Description: the C++ type `verilator --sc` gives a port of a given bit width (1: bool, 2..32:
// uint32_t, 33..64: uint64_t), so that the SystemC model's ports and the Verilated RTL's ports can
// be bound to the very same sc_signal. Wider ports (sc_bv) are not used by qsq's presets. The
// lanes of a packed port are read and written with the golden model's bit fields (qsq/bits.hpp).
// Usage:
//   sc_core::sc_in<qsq_sc::port_t<Lanes * Width>> act_data_i;
//   auto lane = qsq::get_field(act_data_i.read(), i * Width, Width);   // unsigned bits of lane i
#pragma once
#include <cstdint>
#include <type_traits>

#include "qsq/bits.hpp"

namespace qsq_sc {

template <int Bits>
struct PortType {
  static_assert(Bits >= 1 && Bits <= 64,
                "ports wider than 64 bits become sc_bv in verilator --sc; not supported here");
  using type = std::conditional_t<Bits == 1, bool, std::conditional_t<(Bits <= 32), std::uint32_t, std::uint64_t>>;
};
template <int Bits>
using port_t = typename PortType<Bits>::type;

}  // namespace qsq_sc
