// Description: writes the seed corpus of fuzz_container_reader: a few small valid .qsq files
// (seeded random networks with conv and linear, coded and plain layers, dense and deflated codes).
// Usage: fuzz_make_seeds DIR
#include <fstream>
#include <iostream>
#include <random>

#include "qsq/container.hpp"
#include "random_network.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_seeds DIR\n";
    return 2;
  }
  int written = 0;
  for (std::uint64_t seed = 0; seed < 12; ++seed) {
    std::mt19937_64 rng(seed);
    const qsq::Network net = qsq_test::random_network(rng, {.allow_plain = true, .allow_conv = true, .max_layers = 3});
    const auto coding = seed % 2 ? qsq::CodeCoding::deflate : qsq::CodeCoding::dense;
    const auto bytes = qsq::serialize(net, {coding});
    std::ofstream out(std::string(argv[1]) + "/seed" + std::to_string(seed) + ".qsq", std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::cerr << "fuzz_make_seeds: cannot write to " << argv[1] << '\n';
      return 1;
    }
    ++written;
  }
  std::cout << "fuzz_make_seeds: wrote " << written << " seeds to " << argv[1] << '\n';
  return 0;
}
