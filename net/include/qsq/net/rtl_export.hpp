// Description: export of an integer network's weights for the RTL array (docs/hardware.md) as
// $readmemh files, one word per line in hexadecimal, in the order the schedule loads them
// (qsq::for_each_step: filter-major, then chunk):
//   <layer>.codes.memh   coded layers: one Lanes*CodeBits-bit word per (filter, chunk), lane i at
//                        bits [i*CodeBits +: CodeBits] (wld_codes_i), code 0 past fan_in
//   <layer>.plain.memh   plain layers (bypass): one Lanes*W-bit word per (filter, chunk), lane i
//                        at [i*W +: W] in two's complement (wld_plain_i)
//   <layer>.scales.memh  one (W-1)-bit scale per filter (wld_scale_i; 0 for plain layers)
//   <layer>.bias.memh    one AccW-bit two's complement bias per filter (the psum of chunk 0)
//   manifest.json        widths, lanes, codebook, and per layer: shapes, chunks, positions,
//                        requantization, pooling, the files; avgpool and add layers (no weights,
//                        not run on the array) only their kind, shapes and add parameters
// A depthwise layer's words are its per-channel K*K dot products (qsq::for_each_step order).
// Usage:
//   qsq::net::ExportSummary s = qsq::net::export_rtl(net, 8, "out/rtl");
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "qsq/network.hpp"

namespace qsq::net {

struct ExportSummary {
  std::vector<std::string> files;  // written, relative to the folder
  std::uint64_t words = 0;         // weight words over all layers
};

// Hex string of the low `bits` bits (ceil(bits/4) digits) of a bus of 32-bit words, least
// significant word first (qsq::pack_lanes, qsq/bits.hpp).
std::string hex_word(const std::vector<std::uint32_t>& words, std::size_t bits);

ExportSummary export_rtl(const Network& net, int lanes, const std::string& dir);

}  // namespace qsq::net
