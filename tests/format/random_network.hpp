// Description: seeded random networks for the container tests: every codebook, code widths
// 2..4, coded and plain layers, conv and linear, pooling on and off, widths 4..16; with
// new_kinds also depthwise, avgpool (windowed and global) and add layers and clips (version 2). Built
// directly from the qsq::Network fields (no quantizer), so any stored value is exercised.
// Usage: std::mt19937_64 rng(7); qsq::Network net = random_network(rng);
#pragma once
#include <random>
#include <string>

#include "qsq/network.hpp"

namespace qsq_test {

struct RandomNetworkOptions {
  bool allow_plain = true;
  bool allow_conv = true;
  int max_layers = 4;
  bool new_kinds = true;
};

qsq::Network random_network(std::mt19937_64& rng, const RandomNetworkOptions& opt = {});

// Empty string if a and b are equal field by field, else a description of the first difference.
std::string first_difference(const qsq::Network& a, const qsq::Network& b);

}  // namespace qsq_test
