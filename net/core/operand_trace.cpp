// Description: qsq-trace writer (see operand_trace.hpp).
#include "qsq/net/operand_trace.hpp"

#include <sstream>

#include "qsq/csd.hpp"
#include "qsq/error.hpp"
#include "qsq/schedule.hpp"

namespace qsq::net {

std::string operand_trace(const IntEngine& engine, const QuantizedInputs& inputs, const TraceOptions& o) {
  const Network& net = engine.network();
  require_range("lanes", o.lanes, limits::kLanesMin, limits::kLanesMax);
  std::vector<int> layers = o.layers;
  if (layers.empty())
    for (std::size_t i = 0; i < net.layers.size(); ++i)
      if (net.layers[i].kind == LayerKind::conv2d) layers.push_back(static_cast<int>(i));
  int code_bits = defaults::kCodeBits;
  CodebookId cb = CodebookId::pow2;
  for (int li : layers) {
    require_range("trace layer", li, 0, static_cast<long long>(net.layers.size()) - 1);
    if (net.layers[static_cast<std::size_t>(li)].format == WeightFormat::coded) {
      code_bits = net.layers[static_cast<std::size_t>(li)].code_bits;
      cb = net.layers[static_cast<std::size_t>(li)].codebook;
    }
  }
  std::ostringstream out;
  out << "qsq-trace 1\n# network " << net.name << ", real activations of " << std::min(o.images, inputs.count)
      << " image(s), layers in qsq::for_each_step order, psum at the exact level\n";
  out << "shape " << net.width << " " << o.lanes << " " << code_bits << "\n";
  out << "codebook " << codebook_name(cb) << "\n";
  const Quality exact = resolve_quality({}, net.width);
  const std::vector<Quality> lv{exact};
  const auto n = static_cast<std::size_t>(o.lanes);
  std::vector<std::uint8_t> codes(n);
  std::vector<std::int32_t> w(n), a(n);
  for (int img = 0; img < std::min(o.images, inputs.count); ++img) {
    const auto acts = engine.activations(inputs.image(img), lv);
    for (int li : layers) {
      const Layer& L = net.layers[static_cast<std::size_t>(li)];
      const auto& in = acts[static_cast<std::size_t>(li)];
      const auto decoded = L.decoded_weights();
      const int positions = num_positions(L);
      std::vector<std::int64_t> psum(static_cast<std::size_t>(positions));
      out << "# layer " << L.name << "\n";
      for_each_step(L, o.lanes, [&](const Step& s) {
        if (s.kind == Step::Kind::load) {
          chunk_weights(L, decoded, s.filter, s.chunk, w);
          if (L.format == WeightFormat::coded) {
            chunk_codes(L, s.filter, s.chunk, codes);
            out << "L " << L.scales[static_cast<std::size_t>(s.filter)];
            for (auto c : codes) out << ' ' << static_cast<int>(c);
          } else {
            out << "P";
            for (auto v : w) out << ' ' << v;
          }
          out << '\n';
          return;
        }
        chunk_activations(L, in, s.position, s.chunk, a);
        auto& ps = psum[static_cast<std::size_t>(s.position)];
        if (s.chunk == 0) ps = L.bias[static_cast<std::size_t>(s.filter)];
        out << "A " << ps;
        std::int64_t r = ps;
        for (std::size_t i = 0; i < n; ++i) {
          out << ' ' << a[i];
          r += static_cast<std::int64_t>(a[i]) * qs_weight(w[i], exact);
        }
        out << '\n';
        ps = wrap_acc(r, net.acc_width);
      });
    }
  }
  return out.str();
}

}  // namespace qsq::net
