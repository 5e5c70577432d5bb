// Description: writes the seed corpus of fuzz_npy_reader: small valid .npy files of every dtype
// the reader accepts, in 1 to 4 dimensions and both header versions' layouts.
// Usage: fuzz_make_npy_seeds DIR
#include <fstream>
#include <iostream>

#include "qsq/net/npy.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_npy_seeds DIR\n";
    return 2;
  }
  using qsq::net::NpyType;
  const NpyType types[] = {NpyType::u8, NpyType::i8,  NpyType::u16, NpyType::i16, NpyType::u32,
                           NpyType::i32, NpyType::u64, NpyType::i64, NpyType::f32};
  const std::vector<std::vector<std::uint64_t>> shapes = {{}, {3}, {2, 3}, {2, 1, 3}, {2, 2, 2, 1}};
  int written = 0;
  for (NpyType t : types)
    for (const auto& shape : shapes) {
      qsq::net::NpyArray a;
      a.dtype = t;
      a.shape = shape;
      a.data.resize(static_cast<std::size_t>(a.count()) * static_cast<std::size_t>(qsq::net::npy_type_bytes(t)));
      for (std::size_t i = 0; i < a.data.size(); ++i) a.data[i] = static_cast<std::uint8_t>(i * 29 + 3);
      const auto bytes = qsq::net::npy_bytes(a);
      std::ofstream out(std::string(argv[1]) + "/seed" + std::to_string(written) + ".npy", std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      if (!out) {
        std::cerr << "fuzz_make_npy_seeds: cannot write to " << argv[1] << '\n';
        return 1;
      }
      ++written;
    }
  std::cout << "fuzz_make_npy_seeds: wrote " << written << " seeds to " << argv[1] << '\n';
  return 0;
}
