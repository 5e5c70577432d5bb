// run_layer: a layer's operand stream, in schedule order, through the Verilated array.
#include "qsq/rtlsim/layer_run.hpp"

#include "qsq/error.hpp"
#include "qsq/schedule.hpp"

namespace qsq::rtlsim {

LayerRun run_layer(ArraySim& sim, const Layer& layer, std::span<const std::int32_t> input, Quality q) {
  const Geometry& g = sim.geometry();
  layer.validate(g.width);
  const bool plain = layer.format == WeightFormat::plain;
  if (!plain && layer.code_bits != g.code_bits)
    throw Error("layer " + layer.name + " uses " + std::to_string(layer.code_bits) +
                "-bit codes, the RTL model was built for " + std::to_string(g.code_bits));
  const int n = g.lanes;
  const int positions = num_positions(layer);
  const int chunks = num_chunks(layer, n);
  const auto decoded = plain ? layer.decoded_weights() : std::vector<std::int32_t>{};
  LayerRun r;
  r.acc.assign(static_cast<std::size_t>(layer.out_channels) * positions, 0);
  const std::uint64_t start = sim.cycles();
  std::vector<std::uint8_t> codes(n);
  std::vector<std::int32_t> w(n);
  DotBeat beat;
  beat.a.resize(n);
  for (int f = 0; f < layer.out_channels; ++f) {
    for (int j = 0; j < chunks; ++j) {
      WeightLoad ld;
      ld.quality = q;
      ld.codebook = layer.codebook;
      ld.bypass = plain;
      if (plain) {
        chunk_weights(layer, decoded, f, j, w);
        ld.plain = w;
      } else {
        chunk_codes(layer, f, j, codes);
        ld.codes = codes;
        ld.scale = layer.scales[f];
      }
      sim.push_load(ld);
      ++r.loads;
      for (int pos = 0; pos < positions; ++pos) {
        chunk_activations(layer, input, pos, j, beat.a);
        const auto slot = static_cast<std::size_t>(f) * positions + pos;
        beat.psum = j == 0 ? wrap_acc(layer.bias[f], g.acc_width) : r.acc[slot];
        sim.push_dot(beat);
        ++r.dots;
      }
      const auto res = sim.run();
      if (static_cast<int>(res.size()) != positions) throw Error("rtlsim: wrong number of results from the array");
      for (int pos = 0; pos < positions; ++pos) r.acc[static_cast<std::size_t>(f) * positions + pos] = res[pos];
    }
  }
  r.cycles = sim.cycles() - start;
  return r;
}

}  // namespace qsq::rtlsim
