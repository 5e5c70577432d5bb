// Description: operand traces of network layers (see operand_trace.hpp): the schedule's
// transactions of real activations, written with the format's one writer (qsq/flow/operand_trace.hpp).
#include "qsq/net/operand_trace.hpp"

#include <algorithm>

#include "qsq/error.hpp"
#include "qsq/flow/operand_trace.hpp"
#include "qsq/grid.hpp"
#include "qsq/schedule.hpp"
#include "qsq/transaction.hpp"

namespace qsq::net {

namespace {

// The traced layers (o.layers, or every conv layer, and every depthwise layer where the array
// runs them: the one-row array, not the grid) and the code bits and codebook of their coded ones.
struct TracedLayers {
  std::vector<int> layers;
  int code_bits = defaults::kCodeBits;
  CodebookId codebook = CodebookId::pow2;
};

TracedLayers traced_layers(const Network& net, const TraceOptions& o, bool depthwise) {
  TracedLayers t;
  t.layers = o.layers;
  if (t.layers.empty())
    for (std::size_t i = 0; i < net.layers.size(); ++i)
      if (net.layers[i].kind == LayerKind::conv2d || (depthwise && net.layers[i].kind == LayerKind::depthwise))
        t.layers.push_back(static_cast<int>(i));
  for (int li : t.layers) {
    require_range("trace layer", li, 0, static_cast<long long>(net.layers.size()) - 1);
    if (net.layers[static_cast<std::size_t>(li)].format == WeightFormat::coded) {
      t.code_bits = net.layers[static_cast<std::size_t>(li)].code_bits;
      t.codebook = net.layers[static_cast<std::size_t>(li)].codebook;
    }
  }
  return t;
}

}  // namespace

std::string operand_trace(const IntEngine& engine, const QuantizedInputs& inputs, const TraceOptions& o) {
  const Network& net = engine.network();
  require_range("lanes", o.lanes, limits::kLanesMin, limits::kLanesMax);
  const TracedLayers tl = traced_layers(net, o, true);
  const std::vector<int>& layers = tl.layers;
  const int code_bits = tl.code_bits;
  const CodebookId cb = tl.codebook;
  const Quality exact = resolve_quality({}, net.width);
  const int images = std::min(o.images, inputs.count);
  flow::TraceWriter out({net.width, o.lanes, code_bits}, cb,
                        "network " + net.name + ", real activations of " + std::to_string(images) +
                            " image(s), layers in qsq::for_each_step order, psum at the exact level");
  const std::vector<Quality> lv{exact};
  std::vector<std::int32_t> w(static_cast<std::size_t>(o.lanes));
  for (int img = 0; img < images; ++img) {
    const auto acts = engine.activations(inputs.image(img), lv);
    for (int li : layers) {
      const Layer& L = net.layers[static_cast<std::size_t>(li)];
      const auto& in = acts[static_cast<std::size_t>(li)];
      const auto decoded = L.decoded_weights();
      std::vector<std::int64_t> psum(static_cast<std::size_t>(num_positions(L)));
      out.comment("layer " + L.name);
      for_each_step(L, o.lanes, [&](const Step& s) {
        if (s.kind == Step::Kind::load) {
          chunk_weights(L, decoded, s.filter, s.chunk, w);
          out.load(chunk_load(L, s.filter, s.chunk, o.lanes, exact));
          return;
        }
        auto& ps = psum[static_cast<std::size_t>(s.position)];
        if (s.chunk == 0) ps = L.bias[static_cast<std::size_t>(s.filter)];
        const DotBeat beat = chunk_beat(L, in, s.filter, s.position, s.chunk, o.lanes, ps);
        out.beat(beat);
        ps = predict_dot(w, beat, exact, net.acc_width);
      });
    }
  }
  return out.text();
}

std::string grid_operand_trace(const std::vector<TraceSource>& nets, const Shape& grid, const TraceOptions& o) {
  if (nets.empty()) throw Error("grid operand trace: no network");
  if (!grid.grid()) throw Error("grid operand trace: the shape is not a grid (rows = 0)");
  const Network& first = nets.front().engine->network();
  const TracedLayers t0 = traced_layers(first, o, false);
  if (first.width != grid.width)
    throw Error("grid operand trace: network " + first.name + " has W = " + std::to_string(first.width) + ", the grid W = " +
                std::to_string(grid.width));
  std::string names;
  for (const auto& n : nets) names += (names.empty() ? "" : ", ") + n.engine->network().name;
  flow::TraceWriter out({grid.width, grid.lanes, t0.code_bits}, t0.codebook,
                        "networks " + names + ", real activations of their first " + std::to_string(o.images) +
                            " image(s), layers in qsq::for_each_grid_step order; loads at the exact level",
                        {grid.rows, grid.slots});
  for (const auto& src : nets) {
    const Network& net = src.engine->network();
    const TracedLayers tl = traced_layers(net, o, false);
    if (net.width != grid.width || tl.code_bits != t0.code_bits)
      throw Error("grid operand trace: network " + net.name + " has W = " + std::to_string(net.width) + " and " +
                  std::to_string(tl.code_bits) + "-bit codes, the trace W = " + std::to_string(grid.width) + " and " +
                  std::to_string(t0.code_bits));
    const Quality exact = resolve_quality({}, net.width);
    const int images = std::min(o.images, src.inputs->count);
    out.comment("network " + net.name);
    out.codebook(tl.codebook);
    for (int img = 0; img < images; ++img) {
      const std::vector<Quality> lv{exact};
      const auto acts = src.engine->activations(src.inputs->image(img), lv);
      for (int li : tl.layers) {
        const Layer& L = net.layers[static_cast<std::size_t>(li)];
        const auto& in = acts[static_cast<std::size_t>(li)];
        out.comment("layer " + L.name + " image " + std::to_string(img));
        for_each_grid_step(L, grid, [&](const GridStep& s) {
          if (s.kind == GridStep::Kind::load)
            out.grid_load(grid_step_load(L, grid, s, exact));
          else
            out.grid_beat(grid_step_beat(L, in, grid, s), grid_step_macs(L, grid, s));
        });
      }
    }
  }
  return out.text();
}

}  // namespace qsq::net
