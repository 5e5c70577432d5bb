// Unit tests of the ONNX importer's residual kinds (label unit): depthwise Conv, Clip(0, 6),
// a residual Add, Pad + AveragePool, GlobalAveragePool and the Shape -> Gather -> Unsqueeze ->
// Concat -> Reshape chain of x.view(x.size(0), -1), on graphs built with the protobuf API. The
// imported network's forward pass is compared with a direct computation on the graph's own
// tensors, and every refusal names the node and the op.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

#include "onnx_graph.hpp"
#include "qsq/error.hpp"
#include "qsq/onnx/onnx_import.hpp"

namespace qn = qsq::net;
using qsq::onnx_io::parse_onnx;
using qsq::test::Graph;
using qsq::test::ramp;

namespace {

std::string error_of(const std::string& bytes) {
  try {
    parse_onnx(bytes, "m.onnx");
  } catch (const qsq::Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Forward pass of an imported network on qsq's layouts (conv, depthwise, linear, ReLU(6), max
// pooling, average pooling, add).
std::vector<double> forward(const qn::FloatNet& net, const std::vector<double>& input) {
  std::vector<std::vector<double>> outs;
  std::vector<double> x = input;
  for (const auto& l : net.layers) {
    const auto cs = l.conv_shape();
    std::vector<double> y(static_cast<std::size_t>(cs.size()), 0.0);
    if (l.kind == qsq::LayerKind::add) {
      const auto& b = l.second_input < 0 ? input : outs[static_cast<std::size_t>(l.second_input)];
      for (std::size_t i = 0; i < y.size(); ++i) y[i] = x[i] + b[i];
    } else if (l.kind == qsq::LayerKind::avgpool) {
      const int k = l.kernel == 0 ? l.in.h : l.kernel, s = l.kernel == 0 ? 1 : l.stride;
      for (int c = 0; c < cs.c; ++c)
        for (int oy = 0; oy < cs.h; ++oy)
          for (int ox = 0; ox < cs.w; ++ox) {
            double sum = 0;
            for (int dy = 0; dy < k; ++dy)
              for (int dx = 0; dx < k; ++dx) sum += x[static_cast<std::size_t>((c * l.in.h + oy * s + dy) * l.in.w + ox * s + dx)];
            y[static_cast<std::size_t>((c * cs.h + oy) * cs.w + ox)] = sum / (k * k);
          }
    } else {
      const bool dw = l.kind == qsq::LayerKind::depthwise;
      const int k = l.kernel;
      for (int f = 0; f < cs.c; ++f)
        for (int oy = 0; oy < cs.h; ++oy)
          for (int ox = 0; ox < cs.w; ++ox) {
            double s = l.bias[static_cast<std::size_t>(f)];
            for (int c = dw ? f : 0; c < (dw ? f + 1 : l.in.c); ++c)
              for (int ky = 0; ky < k; ++ky)
                for (int kx = 0; kx < k; ++kx) {
                  const int iy = oy * l.stride - l.pad + ky, ix = ox * l.stride - l.pad + kx;
                  if (iy < 0 || ix < 0 || iy >= l.in.h || ix >= l.in.w) continue;
                  const int wc = dw ? 0 : c, per = dw ? 1 : l.in.c;
                  s += l.weight[static_cast<std::size_t>(((f * per + wc) * k + ky) * k + kx)] *
                       x[static_cast<std::size_t>((c * l.in.h + iy) * l.in.w + ix)];
                }
            y[static_cast<std::size_t>((f * cs.h + oy) * cs.w + ox)] = s;
          }
    }
    for (auto& v : y) {
      if (l.relu) v = std::max(0.0, v);
      if (l.clip > 0) v = std::min<double>(l.clip, v);
    }
    outs.push_back(y);
    x = y;
  }
  return x;
}

// input 1x2x4x4 -> Conv 3@3x3 pad 1 + bias -> Relu (r1) -> depthwise Conv 3x3 pad 1 (group 3) ->
// Clip(0, 6) -> Add(., r1) -> Relu -> Pad(0) -> AveragePool 2x2 stride 2 -> GlobalAveragePool ->
// Shape/Gather/Unsqueeze/Concat/Reshape -> Gemm 3 -> 2.
Graph residual_graph() {
  Graph g({1, 2, 4, 4});
  g.init("wc", {3, 2, 3, 3}, ramp(54, 0.6f));
  g.init("bc", {3}, {0.3f, -0.1f, 0.2f});
  g.init("wd", {3, 1, 3, 3}, ramp(27, 2.0f, 0.1f));
  g.init("bd", {3}, {0.5f, 1.0f, -0.5f});
  g.init("lo", {}, {0.0f});
  g.init("hi", {}, {6.0f});
  g.init_i64("pads", {8}, {0, 0, 0, 0, 0, 0, 0, 0});
  g.init_i64("zero", {}, {0});
  g.init_i64("axes", {1}, {0});
  g.init_i64("minus1", {1}, {-1});
  g.init("wg", {2, 3}, {1.0f, -0.5f, 0.25f, 0.75f, 0.5f, -1.0f});
  g.init("bg", {2}, {0.05f, -0.05f});
  g.node("Conv", {"input", "wc", "bc"}, "c", "conv").ints("pads", {1, 1, 1, 1});
  g.node("Relu", {"c"}, "r1", "relu");
  g.node("Conv", {"r1", "wd", "bd"}, "d", "dw").ints("pads", {1, 1, 1, 1}).i("group", 3);
  g.node("Clip", {"d", "lo", "hi"}, "d6", "relu6");
  g.node("Add", {"d6", "r1"}, "s", "residual");
  g.node("Relu", {"s"}, "sr", "relu2");
  g.node("Pad", {"sr", "pads"}, "sp", "pad");
  g.node("AveragePool", {"sp"}, "a", "avg").ints("kernel_shape", {2, 2}).ints("strides", {2, 2});
  g.node("GlobalAveragePool", {"a"}, "gp", "gap");
  g.node("Shape", {"gp"}, "shape", "shape");
  g.node("Gather", {"shape", "zero"}, "n", "gather").i("axis", 0);
  g.node("Unsqueeze", {"n", "axes"}, "n1", "unsqueeze");
  g.node("Concat", {"n1", "minus1"}, "target", "concat").i("axis", 0);
  g.node("Reshape", {"gp", "target"}, "f", "view");
  g.node("Gemm", {"f", "wg", "bg"}, "y", "fc").i("transB", 1);
  return g;
}

}  // namespace

TEST(OnnxResidual, ImportMatchesTheGraph) {
  const qn::FloatNet net = parse_onnx(residual_graph().bytes("y"), "m.onnx");
  ASSERT_EQ(net.layers.size(), 6u);
  const std::vector<qsq::LayerKind> kinds{qsq::LayerKind::conv2d, qsq::LayerKind::depthwise, qsq::LayerKind::add,
                                          qsq::LayerKind::avgpool, qsq::LayerKind::avgpool, qsq::LayerKind::linear};
  for (std::size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(net.layers[i].kind, kinds[i]) << i;
  EXPECT_EQ(net.layers[1].clip, 6.0f);
  EXPECT_EQ(net.layers[2].second_input, 0);
  EXPECT_EQ(net.layers[3].kernel, 2);
  EXPECT_EQ(net.layers[4].kernel, 0);
  // Direct computation on the graph's tensors.
  const auto wc = ramp(54, 0.6f), wd = ramp(27, 2.0f, 0.1f);
  const std::vector<double> bc{0.3, -0.1, 0.2}, bd{0.5, 1.0, -0.5};
  const std::vector<double> wg{1.0, -0.5, 0.25, 0.75, 0.5, -1.0}, bg{0.05, -0.05};
  std::vector<double> x(32);
  for (int k = 0; k < 32; ++k) x[static_cast<std::size_t>(k)] = std::sin(0.7 * k) + 0.5;
  auto at = [](const std::vector<double>& t, int c, int y, int xx) {
    return y < 0 || xx < 0 || y >= 4 || xx >= 4 ? 0.0 : t[static_cast<std::size_t>((c * 4 + y) * 4 + xx)];
  };
  std::vector<double> r1(48), s(48);
  for (int f = 0; f < 3; ++f)
    for (int y = 0; y < 4; ++y)
      for (int xx = 0; xx < 4; ++xx) {
        double v = bc[static_cast<std::size_t>(f)];
        for (int c = 0; c < 2; ++c)
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx) v += wc[static_cast<std::size_t>(((f * 2 + c) * 3 + ky) * 3 + kx)] * at(x, c, y + ky - 1, xx + kx - 1);
        r1[static_cast<std::size_t>((f * 4 + y) * 4 + xx)] = std::max(0.0, v);
      }
  for (int f = 0; f < 3; ++f)
    for (int y = 0; y < 4; ++y)
      for (int xx = 0; xx < 4; ++xx) {
        double v = bd[static_cast<std::size_t>(f)];
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx) v += wd[static_cast<std::size_t>((f * 3 + ky) * 3 + kx)] * at(r1, f, y + ky - 1, xx + kx - 1);
        const std::size_t i = static_cast<std::size_t>((f * 4 + y) * 4 + xx);
        s[i] = std::max(0.0, std::clamp(v, 0.0, 6.0) + r1[i]);
      }
  // 2x2 averages of a 4x4 plane, then their mean: the plane's mean.
  std::vector<double> g(3, 0.0), want(2);
  for (int f = 0; f < 3; ++f)
    for (int i = 0; i < 16; ++i) g[static_cast<std::size_t>(f)] += s[static_cast<std::size_t>(f * 16 + i)] / 16.0;
  for (int o = 0; o < 2; ++o) {
    want[static_cast<std::size_t>(o)] = bg[static_cast<std::size_t>(o)];
    for (int i = 0; i < 3; ++i) want[static_cast<std::size_t>(o)] += wg[static_cast<std::size_t>(o * 3 + i)] * g[static_cast<std::size_t>(i)];
  }
  const auto got = forward(net, x);
  ASSERT_EQ(got.size(), 2u);
  for (int o = 0; o < 2; ++o) EXPECT_NEAR(got[static_cast<std::size_t>(o)], want[static_cast<std::size_t>(o)], 1e-5);
}

TEST(OnnxResidual, RefusalsNameTheNodeAndTheOp) {
  auto edited = [](const std::function<void(Graph&)>& edit) {
    Graph g = residual_graph();
    edit(g);
    return error_of(g.bytes("y"));
  };
  auto node = [](Graph& g, const std::string& name) -> onnx::NodeProto& {
    for (auto& n : *g.model().mutable_graph()->mutable_node())
      if (n.name() == name) return n;
    throw std::runtime_error("no node " + name);
  };
  auto rewire = [](onnx::NodeProto& n, int i, const std::string& tensor) { *n.mutable_input(i) = tensor; };
  auto set_int = [](onnx::NodeProto& n, const std::string& attr, std::int64_t v) {
    for (auto& a : *n.mutable_attribute())
      if (a.name() == attr) a.set_i(v);
  };
  // A grouped convolution that is not depthwise: 4 input channels in 2 groups.
  Graph gr({1, 4, 4, 4});
  gr.init("w", {4, 2, 3, 3}, ramp(72, 1.0f));
  gr.node("Conv", {"input", "w"}, "y", "grouped").i("group", 2);
  EXPECT_NE(error_of(gr.bytes("y")).find("m.onnx: node 'grouped' (Conv): group 2 is not supported (1, or depthwise"),
            std::string::npos)
      << error_of(gr.bytes("y"));
  // Clip bounds other than (0, max > 0).
  const std::string clip = edited([&](Graph& g) {
    g.init("minus_one", {}, {-1.0f});
    rewire(node(g, "relu6"), 1, "minus_one");
  });
  EXPECT_NE(clip.find("m.onnx: node 'relu6' (Clip): Clip(-1.000000, 6.000000) is not supported"), std::string::npos) << clip;
  // Padding before the average pooling.
  const std::string pad = edited([&](Graph& g) {
    g.init_i64("pads1", {8}, {0, 0, 1, 1, 0, 0, 1, 1});
    rewire(node(g, "pad"), 1, "pads1");
  });
  EXPECT_NE(pad.find("node 'pad' (Pad): a Pad other than all zeros is not supported"), std::string::npos) << pad;
  // Values a double cannot turn into an integer: refused in one line, not undefined behaviour.
  const std::string huge_pad = edited([&](Graph& g) {
    g.init("pads_f", {8}, {0, 0, 0, 0, 0, 0, 0, 1e30f});
    rewire(node(g, "pad"), 1, "pads_f");
  });
  EXPECT_NE(huge_pad.find("node 'pad' (Pad): the pads input must hold integers"), std::string::npos) << huge_pad;
  const std::string nan_index = edited([&](Graph& g) {
    g.init("nan", {}, {std::numeric_limits<float>::quiet_NaN()});
    rewire(node(g, "gather"), 1, "nan");
  });
  EXPECT_NE(nan_index.find("node 'gather' (Gather): input 1 of a shape computation must hold integers"), std::string::npos)
      << nan_index;
  const std::string ceil = edited([&](Graph& g) { qsq::test::Node(&node(g, "avg")).i("ceil_mode", 1); });
  EXPECT_NE(ceil.find("node 'avg' (AveragePool): ceil_mode is not supported"), std::string::npos) << ceil;
  // A run-time shape other than N x features.
  const std::string view = edited([&](Graph& g) { set_int(node(g, "concat"), "axis", 1); });
  EXPECT_NE(view.find("node 'concat' (Concat): a Concat of shapes must have axis 0"), std::string::npos) << view;
  const std::string rank = edited([&](Graph& g) {
    g.init_i64("three", {1}, {3});
    node(g, "concat").add_input("three");
  });
  EXPECT_NE(rank.find("node 'view' (Reshape): only a reshape to 2-D"), std::string::npos) << rank;
  // The residual operand must be a layer's output: here the conv's, before its ReLU.
  const std::string inner = edited([&](Graph& g) { rewire(node(g, "residual"), 1, "c"); });
  EXPECT_NE(inner.find("model layer 'residual' (Add): adds the output of 'conv' (Conv2d), which is not the end of a layer"),
            std::string::npos)
      << inner;
  // An operand that nothing computed.
  const std::string ghost = edited([&](Graph& g) { rewire(node(g, "residual"), 1, "nowhere"); });
  EXPECT_NE(ghost.find("node 'residual' (Add): adds 'nowhere', which is neither the network input nor an earlier node's output"),
            std::string::npos)
      << ghost;
}
