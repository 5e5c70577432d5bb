// Description: how a convolution or linear layer is cut into N-term dot products for an
// N-lane weight-stationary array. The hardware driver, the co-simulation and the network
// evaluation all use this one order.
//
// The reduction axis of filter f has fan_in() terms t = (c*k + ky)*k + kx (PyTorch weight order).
// Chunk j covers terms j*N .. j*N+N-1; terms past fan_in() are padding (activation 0, weight 0).
// The order of steps is
//
//   for f in 0 .. out_channels-1:
//     for j in 0 .. chunks-1:
//       LOAD   the N weights w[f][j*N + i]          (held while every position streams past)
//       for pos in 0 .. conv_h*conv_w-1 (raster order, before pooling):
//         DOT  r = psum + sum_i a_i * qs_weight(w_i)   a_i = gather(layer, input, pos, j*N + i)
//              psum = bias[f] for j = 0, else the r of chunk j-1 at the same pos
//              (every r wrapped to AccW bits; the last chunk's r is the layer's accumulator)
//
// A depthwise layer maps onto the lanes the same way: filter f is a dot product of K*K terms
// over channel f alone (gather with the filter). avgpool and add layers have no MACs and are
// not scheduled (for_each_step refuses them).
//
// Usage:
//   qsq::for_each_step(layer, 8, [&](const qsq::Step& s) { ... });
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "qsq/layer.hpp"

namespace qsq {

struct Step {
  enum class Kind : std::uint8_t { load, dot } kind;
  int filter;
  int chunk;
  int position;  // dot only; -1 for load
};

inline int num_chunks(const Layer& l, int lanes) { return (l.fan_in() + lanes - 1) / lanes; }
inline int num_positions(const Layer& l) { auto s = l.conv_shape(); return s.h * s.w; }

void for_each_step(const Layer& layer, int lanes, const std::function<void(const Step&)>& fn);

// The N decoded weights of (filter, chunk), zero past fan_in().
void chunk_weights(const Layer& layer, std::span<const std::int32_t> decoded, int filter, int chunk,
                   std::span<std::int32_t> out);
// The N codes of (filter, chunk) for the decoder, code 0 past fan_in() (pow2 code 0 decodes to 0).
void chunk_codes(const Layer& layer, int filter, int chunk, std::span<std::uint8_t> out);
// The N activations of (filter, pos, chunk), zero in the padding and past fan_in(). Only a
// depthwise layer's activations depend on the filter; the overload without it refuses depthwise.
void chunk_activations(const Layer& layer, std::span<const std::int32_t> input, int filter, int pos, int chunk,
                       std::span<std::int32_t> out);
void chunk_activations(const Layer& layer, std::span<const std::int32_t> input, int pos, int chunk,
                       std::span<std::int32_t> out);

// A depthwise layer as the one-filter convolutions the array runs one after the other: channel
// c is the conv2d layer depthwise_channel(layer, c) (1 input channel, 1 filter: filter c's
// weights, scale, bias, requantization and pooling) on plane c of the input, channel_plane(...).
// Its steps are the depthwise layer's steps of filter c, so a driver that knows only conv2d
// layers runs a depthwise layer bit-exactly channel by channel.
Layer depthwise_channel(const Layer& layer, int channel);
std::vector<std::int32_t> channel_plane(const Layer& layer, std::span<const std::int32_t> input, int channel);

// The layer's accumulators computed through the schedule, chunk by chunk with wrapping
// (bit-identical to forward_layer's step 1; used by tests and the hardware drivers).
// q must be resolved (q >= 1, see resolve_quality). Indexed [filter][position].
std::vector<std::int64_t> scheduled_accumulators(const Layer& layer, std::span<const std::int32_t> input,
                                                 int lanes, int acc_width, Quality q);

}  // namespace qsq
