// Description: Network -> ONNX (see qsq/onnx/onnx_export.hpp).
#include "qsq/onnx/onnx_export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "onnx_tensor.hpp"
#include "qsq/csd.hpp"
#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/net/build.hpp"

namespace qsq::onnx_io {
namespace {

constexpr const char* kQonnxDomain = "qonnx.custom_op.general";

void ints_attr(onnx::NodeProto* n, const std::string& name, std::vector<std::int64_t> v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (auto x : v) a->add_ints(x);
}
void int_attr(onnx::NodeProto* n, const std::string& name, std::int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
void string_attr(onnx::NodeProto* n, const std::string& name, const std::string& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

onnx::NodeProto* node(onnx::GraphProto* g, const std::string& op, const std::string& name, std::vector<std::string> in,
                      const std::string& out) {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (auto& i : in) n->add_input(i);
  n->add_output(out);
  return n;
}

void scalar(onnx::GraphProto* g, const std::string& name, float v) { encode_float({}, {v}, name, g->add_initializer()); }

// Bits of the smallest signed integer type holding every decoded (and truncated) weight: the
// width W, or more if truncation rounded a weight beyond it.
int weight_bits(const Layer& L, Quality rq, int width) {
  std::int64_t m = 0;
  for (auto w : L.decoded_weights()) m = std::max<std::int64_t>(m, std::llabs(qs_weight(w, rq)));
  int b = std::max(width, 2);
  while (m > (std::int64_t{1} << (b - 1)) - 1 && b < 32) ++b;
  return b;
}

void value_info(onnx::ValueInfoProto* v, const std::string& name, std::vector<std::int64_t> dims) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  auto* s = tt->mutable_shape();
  s->add_dim()->set_dim_param("N");
  for (auto d : dims) s->add_dim()->set_dim_value(d);
}

}  // namespace

OnnxWeights parse_onnx_weights(const std::string& s) {
  if (s == "qonnx") return OnnxWeights::qonnx;
  if (s == "float") return OnnxWeights::dequantized;
  throw Error("ONNX weights '" + s + "': expected qonnx or float");
}

std::string onnx_bytes(const Network& net, Quality q, OnnxWeights mode) {
  const net::FloatNet f = net::float_network_of(net, q);
  const Quality rq = resolve_quality(q, net.width);
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("qsq");
  m.set_doc_string("qsq network " + net.name + " at quality " + std::to_string(q.q) + ", weights " +
                   (mode == OnnxWeights::qonnx ? "as QONNX Quant nodes" : "dequantized to float"));
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(13);
  if (mode == OnnxWeights::qonnx) {
    auto* qo = m.add_opset_import();
    qo->set_domain(kQonnxDomain);
    qo->set_version(1);
  }
  auto* g = m.mutable_graph();
  g->set_name(net.name.empty() ? "qsq" : net.name);
  value_info(g->add_input(), "input", {net.input.c, net.input.h, net.input.w});
  std::string x = "input";
  bool flat = false;
  std::vector<std::string> outputs;  // each layer's output tensor: an Add names an earlier one
  for (std::size_t i = 0; i < f.layers.size(); ++i) {
    const net::FloatLayer& l = f.layers[i];
    const Layer& L = net.layers[i];
    const std::string base = l.name.empty() ? "layer" + std::to_string(i) : l.name;
    const bool last = i + 1 == f.layers.size();
    const bool spatial = l.kind != LayerKind::linear;
    if (!spatial && !flat) {
      int_attr(node(g, "Flatten", base + "_flatten", {x}, base + "_flat"), "axis", 1);
      x = base + "_flat";
    }
    flat = flat || !spatial;
    std::string y = last && !l.relu && l.pool.kernel == 0 ? "logits" : base + "_out";
    if (l.kind == LayerKind::avgpool) {
      if (l.kernel == 0) {
        node(g, "GlobalAveragePool", base, {x}, y);
      } else {
        auto* n = node(g, "AveragePool", base, {x}, y);
        ints_attr(n, "kernel_shape", {l.kernel, l.kernel});
        ints_attr(n, "strides", {l.stride, l.stride});
      }
    } else if (l.kind == LayerKind::add) {
      node(g, "Add", base, {x, l.second_input < 0 ? std::string("input") : outputs[static_cast<std::size_t>(l.second_input)]}, y);
    } else {
      const bool conv = l.kind == LayerKind::conv2d || l.kind == LayerKind::depthwise;
      const std::int64_t per_filter = l.kind == LayerKind::depthwise ? 1 : l.in.c;
      const std::vector<std::int64_t> wdims = conv ? std::vector<std::int64_t>{l.out_channels, per_filter, l.kernel, l.kernel}
                                                   : std::vector<std::int64_t>{l.out_channels, l.in.c};
      std::string w = base + ".weight";
      encode_float(wdims, l.weight, w, g->add_initializer());
      encode_float({l.out_channels}, l.bias, base + ".bias", g->add_initializer());
      if (mode == OnnxWeights::qonnx) {
        scalar(g, base + ".weight_scale", static_cast<float>(std::ldexp(1.0, -L.exponent)));
        scalar(g, base + ".weight_zero_point", 0.0f);
        scalar(g, base + ".weight_bits", static_cast<float>(weight_bits(L, rq, net.width)));
        auto* qn = node(g, "Quant", base + "_weight_quant",
                        {w, base + ".weight_scale", base + ".weight_zero_point", base + ".weight_bits"}, w + "_q");
        qn->set_domain(kQonnxDomain);
        int_attr(qn, "signed", 1);
        int_attr(qn, "narrow", 0);
        string_attr(qn, "rounding_mode", "ROUND");
        w += "_q";
      }
      if (conv) {
        auto* n = node(g, "Conv", base, {x, w, base + ".bias"}, y);
        ints_attr(n, "kernel_shape", {l.kernel, l.kernel});
        ints_attr(n, "strides", {l.stride, l.stride});
        ints_attr(n, "pads", {l.pad, l.pad, l.pad, l.pad});
        ints_attr(n, "dilations", {1, 1});
        int_attr(n, "group", l.kind == LayerKind::depthwise ? l.in.c : 1);
      } else {
        int_attr(node(g, "Gemm", base, {x, w, base + ".bias"}, y), "transB", 1);
      }
    }
    x = y;
    if (l.relu) {
      y = last && l.pool.kernel == 0 ? "logits" : base + "_relu_out";
      if (l.clip > 0) {
        // ReLU6 (or any clipped ReLU): Clip with its bounds as inputs (opset >= 11).
        scalar(g, base + ".clip_min", 0.0f);
        scalar(g, base + ".clip_max", l.clip);
        node(g, "Clip", base + "_relu", {x, base + ".clip_min", base + ".clip_max"}, y);
      } else {
        node(g, "Relu", base + "_relu", {x}, y);
      }
      x = y;
    }
    if (l.pool.kernel > 0) {
      y = last ? "logits" : base + "_pool_out";
      auto* n = node(g, "MaxPool", base + "_pool", {x}, y);
      ints_attr(n, "kernel_shape", {l.pool.kernel, l.pool.kernel});
      ints_attr(n, "strides", {l.pool.stride, l.pool.stride});
      x = y;
    }
    outputs.push_back(x);
  }
  const Shape3 os = f.layers.empty() ? net.input : f.layers.back().out_shape();
  value_info(g->add_output(), x, f.layers.back().kind == LayerKind::linear ? std::vector<std::int64_t>{os.c}
                                                                           : std::vector<std::int64_t>{os.c, os.h, os.w});
  std::string bytes;
  if (!m.SerializeToString(&bytes)) throw Error("cannot serialise the ONNX model of " + net.name);
  return bytes;
}

void write_onnx(const std::string& path, const Network& net, Quality q, OnnxWeights mode) {
  flow::write_file_atomic(path, onnx_bytes(net, q, mode));
}

}  // namespace qsq::onnx_io
