// Description: a seeded synthetic network with LeNet-5's shapes (1x28x28 input; conv 6@5x5 pad 2,
// pool 2; conv 16@5x5, pool 2; fc 400-120-84-10) and Laplace-distributed He-scaled weights,
// quantized with the given parameters and calibrated on seeded random inputs. It stands in for
// a trained network wherever one is not needed (tests, the built-in `qsq flow` defaults).
// Usage:
//   qsq::Network net = qsq::synthetic_lenet5(1, qsq::Params{});
//   qsq::Tensor x = qsq::synthetic_input(net, 7);
#pragma once
#include <cstdint>
#include <vector>

#include "qsq/network.hpp"
#include "qsq/quantize.hpp"

namespace qsq {

Network synthetic_lenet5(std::uint64_t seed, const Params& params, ScaleMethod method = ScaleMethod::search,
                         bool keep_ends = false);

// The float weights the synthetic network was quantized from, layer by layer (for statistics).
std::vector<std::vector<float>> synthetic_lenet5_float_weights(std::uint64_t seed);

// A seeded random input in the network's integer input range (ReLU-like: about half zeros).
Tensor synthetic_input(const Network& net, std::uint64_t seed);

}  // namespace qsq
