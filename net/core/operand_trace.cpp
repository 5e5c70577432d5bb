// Description: operand traces of network layers (see operand_trace.hpp): the schedule's
// transactions of real activations, written with the format's one writer (qsq/flow/operand_trace.hpp).
#include "qsq/net/operand_trace.hpp"

#include <algorithm>

#include "qsq/error.hpp"
#include "qsq/flow/operand_trace.hpp"
#include "qsq/schedule.hpp"
#include "qsq/transaction.hpp"

namespace qsq::net {

std::string operand_trace(const IntEngine& engine, const QuantizedInputs& inputs, const TraceOptions& o) {
  const Network& net = engine.network();
  require_range("lanes", o.lanes, limits::kLanesMin, limits::kLanesMax);
  std::vector<int> layers = o.layers;
  if (layers.empty())
    for (std::size_t i = 0; i < net.layers.size(); ++i)
      if (net.layers[i].kind == LayerKind::conv2d || net.layers[i].kind == LayerKind::depthwise)
        layers.push_back(static_cast<int>(i));
  int code_bits = defaults::kCodeBits;
  CodebookId cb = CodebookId::pow2;
  for (int li : layers) {
    require_range("trace layer", li, 0, static_cast<long long>(net.layers.size()) - 1);
    if (net.layers[static_cast<std::size_t>(li)].format == WeightFormat::coded) {
      code_bits = net.layers[static_cast<std::size_t>(li)].code_bits;
      cb = net.layers[static_cast<std::size_t>(li)].codebook;
    }
  }
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

}  // namespace qsq::net
