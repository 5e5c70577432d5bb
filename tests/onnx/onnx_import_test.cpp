// Unit tests of the ONNX importer (label unit): graphs built here with the protobuf API; the
// imported float network's forward pass (written here, on qsq's [out][in] layouts) is compared
// with a direct computation on the ONNX tensors as the graph holds them (Gemm's [in][out] weight,
// the unfolded BatchNormalization, MatMul + Add), and every refusal names the node and the op.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "onnx_graph.hpp"
#include "qsq/error.hpp"
#include "qsq/onnx/onnx_import.hpp"

namespace qn = qsq::net;
using qsq::onnx_io::parse_onnx;
using qsq::test::Graph;
using qsq::test::ramp;

namespace {

// Forward pass of an imported network, CHW, straight loops (ReLU, max pooling).
std::vector<double> forward(const qn::FloatNet& net, std::vector<double> x) {
  for (const auto& l : net.layers) {
    const auto cs = l.conv_shape();
    std::vector<double> y(static_cast<std::size_t>(cs.size()));
    for (int f = 0; f < cs.c; ++f)
      for (int oy = 0; oy < cs.h; ++oy)
        for (int ox = 0; ox < cs.w; ++ox) {
          double s = l.bias[static_cast<std::size_t>(f)];
          for (int c = 0; c < l.in.c; ++c)
            for (int ky = 0; ky < l.kernel; ++ky)
              for (int kx = 0; kx < l.kernel; ++kx) {
                const int iy = oy * l.stride - l.pad + ky, ix = ox * l.stride - l.pad + kx;
                if (iy < 0 || ix < 0 || iy >= l.in.h || ix >= l.in.w) continue;
                s += l.weight[static_cast<std::size_t>(((f * l.in.c + c) * l.kernel + ky) * l.kernel + kx)] *
                     x[static_cast<std::size_t>((c * l.in.h + iy) * l.in.w + ix)];
              }
          y[static_cast<std::size_t>((f * cs.h + oy) * cs.w + ox)] = l.relu ? std::max(0.0, s) : s;
        }
    if (l.pool.kernel > 0) {
      const auto os = l.out_shape();
      std::vector<double> p(static_cast<std::size_t>(os.size()));
      for (int c = 0; c < os.c; ++c)
        for (int oy = 0; oy < os.h; ++oy)
          for (int ox = 0; ox < os.w; ++ox) {
            double m = -1e300;
            for (int ky = 0; ky < l.pool.kernel; ++ky)
              for (int kx = 0; kx < l.pool.kernel; ++kx)
                m = std::max(m, y[static_cast<std::size_t>((c * cs.h + oy * l.pool.stride + ky) * cs.w + ox * l.pool.stride + kx)]);
            p[static_cast<std::size_t>((c * os.h + oy) * os.w + ox)] = m;
          }
      y = std::move(p);
    }
    x = std::move(y);
  }
  return x;
}

void expect_near_all(const std::vector<double>& a, const std::vector<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) EXPECT_NEAR(a[k], b[k], 1e-5 * (1 + std::fabs(b[k]))) << "output " << k;
}

std::string error_of(const std::string& bytes) {
  try {
    parse_onnx(bytes, "m.onnx");
  } catch (const qsq::Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Input 1x6x6 -> Conv 2@3x3 pad 1 -> Relu -> MaxPool 2 -> Flatten -> Gemm(transB=0) 18 -> 3.
Graph conv_net(std::vector<float>& wc, std::vector<float>& bc, std::vector<float>& wg, std::vector<float>& bg) {
  Graph g({1, 1, 6, 6});
  wc = ramp(2 * 9, 0.5f);
  bc = {0.1f, -0.2f};
  wg = ramp(18 * 3, 0.3f, 0.05f);
  bg = {0.01f, 0.02f, -0.03f};
  g.init("wc", {2, 1, 3, 3}, wc);
  g.init("bc", {2}, bc);
  g.init("wg", {18, 3}, wg);
  g.init("bg", {3}, bg);
  g.node("Conv", {"input", "wc", "bc"}, "c", "conv").ints("pads", {1, 1, 1, 1}).ints("kernel_shape", {3, 3});
  g.node("Relu", {"c"}, "r", "relu");
  g.node("MaxPool", {"r"}, "p", "pool").ints("kernel_shape", {2, 2}).ints("strides", {2, 2});
  g.node("Flatten", {"p"}, "f", "flatten").i("axis", 1);
  g.node("Gemm", {"f", "wg", "bg"}, "y", "fc");
  return g;
}

}  // namespace

TEST(OnnxImport, ConvReluMaxPoolFlattenGemmMatchesTheGraph) {
  std::vector<float> wc, bc, wg, bg;
  Graph g = conv_net(wc, bc, wg, bg);
  const qn::FloatNet net = parse_onnx(g.bytes("y"), "m.onnx");
  ASSERT_EQ(net.layers.size(), 2u);
  EXPECT_EQ(net.input, (qsq::Shape3{1, 6, 6}));
  EXPECT_TRUE(net.layers[0].relu);
  EXPECT_EQ(net.layers[0].pool.kernel, 2);
  EXPECT_EQ(net.layers[1].in.c, 18);
  // Direct computation on the graph's tensors: conv, relu, pool, then y = f . wg[18][3] + bg.
  std::vector<double> x(36);
  for (int k = 0; k < 36; ++k) x[static_cast<std::size_t>(k)] = std::cos(0.37 * k);
  std::vector<double> c(2 * 36), p(2 * 9), y(3);
  for (int f = 0; f < 2; ++f)
    for (int oy = 0; oy < 6; ++oy)
      for (int ox = 0; ox < 6; ++ox) {
        double s = bc[static_cast<std::size_t>(f)];
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx) {
            const int iy = oy + ky - 1, ix = ox + kx - 1;
            if (iy >= 0 && ix >= 0 && iy < 6 && ix < 6) s += wc[static_cast<std::size_t>(f * 9 + ky * 3 + kx)] * x[static_cast<std::size_t>(iy * 6 + ix)];
          }
        c[static_cast<std::size_t>(f * 36 + oy * 6 + ox)] = std::max(0.0, s);
      }
  for (int f = 0; f < 2; ++f)
    for (int oy = 0; oy < 3; ++oy)
      for (int ox = 0; ox < 3; ++ox) {
        double m = -1e300;
        for (int d = 0; d < 4; ++d) m = std::max(m, c[static_cast<std::size_t>(f * 36 + (2 * oy + d / 2) * 6 + 2 * ox + d % 2)]);
        p[static_cast<std::size_t>(f * 9 + oy * 3 + ox)] = m;
      }
  for (int o = 0; o < 3; ++o) {
    y[static_cast<std::size_t>(o)] = bg[static_cast<std::size_t>(o)];
    for (int i = 0; i < 18; ++i) y[static_cast<std::size_t>(o)] += p[static_cast<std::size_t>(i)] * wg[static_cast<std::size_t>(i * 3 + o)];
  }
  expect_near_all(forward(net, x), y);
}

TEST(OnnxImport, BatchNormalizationIsFoldedIntoTheConvAndTheGemm) {
  Graph g({1, 2, 4, 4});
  const auto w = ramp(3 * 2 * 9, 0.4f), wl = ramp(5 * 12, 0.2f);
  g.init("w", {3, 2, 3, 3}, w);
  g.init("gamma", {3}, {1.5f, 0.5f, 2.0f});
  g.init("beta", {3}, {0.1f, 0.2f, -0.3f});
  g.init("mean", {3}, {0.05f, -0.1f, 0.2f});
  g.init("var", {3}, {0.9f, 1.2f, 0.4f});
  g.init("wl", {5, 12}, wl);
  g.init("g2", {5}, {1, 2, 3, 4, 5});
  g.init("b2", {5}, {0, 0, 0, 0, 1});
  g.init("m2", {5}, {0, 1, 0, 1, 0});
  g.init("v2", {5}, {1, 1, 4, 4, 1});
  g.node("Conv", {"input", "w"}, "c", "conv");
  g.node("BatchNormalization", {"c", "gamma", "beta", "mean", "var"}, "bn", "bn").f("epsilon", 1e-3f);
  g.node("Relu", {"bn"}, "r");
  g.node("Flatten", {"r"}, "f");
  g.node("Gemm", {"f", "wl"}, "l", "fc").i("transB", 1);
  g.node("BatchNormalization", {"l", "g2", "b2", "m2", "v2"}, "y", "bn2");
  const qn::FloatNet net = parse_onnx(g.bytes("y"), "m.onnx");
  ASSERT_EQ(net.layers.size(), 2u);
  // Hand-folded: w' = w * gamma / sqrt(var + eps), b' = beta - mean * gamma / sqrt(var + eps).
  const float gamma[3] = {1.5f, 0.5f, 2.0f}, beta[3] = {0.1f, 0.2f, -0.3f}, mean[3] = {0.05f, -0.1f, 0.2f}, var[3] = {0.9f, 1.2f, 0.4f};
  for (int f = 0; f < 3; ++f) {
    const double k = gamma[f] / std::sqrt(var[f] + 1e-3);
    EXPECT_NEAR(net.layers[0].bias[static_cast<std::size_t>(f)], beta[f] - mean[f] * k, 1e-6);
    for (int t = 0; t < 18; ++t)
      EXPECT_NEAR(net.layers[0].weight[static_cast<std::size_t>(f * 18 + t)], w[static_cast<std::size_t>(f * 18 + t)] * k, 1e-6);
  }
  const float g2[5] = {1, 2, 3, 4, 5}, b2[5] = {0, 0, 0, 0, 1}, m2[5] = {0, 1, 0, 1, 0}, v2[5] = {1, 1, 4, 4, 1};
  for (int o = 0; o < 5; ++o) {
    const double k = g2[o] / std::sqrt(v2[o] + 1e-5);
    EXPECT_NEAR(net.layers[1].bias[static_cast<std::size_t>(o)], b2[o] - m2[o] * k, 1e-5);
    EXPECT_NEAR(net.layers[1].weight[static_cast<std::size_t>(o * 12 + 7)], wl[static_cast<std::size_t>(o * 12 + 7)] * k, 1e-5);
  }
}

TEST(OnnxImport, MatMulPlusAddIsALinearLayerWithBias) {
  Graph g({1, 4});
  const auto w = ramp(4 * 3, 0.5f);  // [in][out]
  g.init("w", {4, 3}, w);
  g.init("b", {3}, {1.0f, -1.0f, 0.5f});
  g.node("MatMul", {"input", "w"}, "m", "mm");
  g.node("Add", {"m", "b"}, "y", "bias");
  const qn::FloatNet net = parse_onnx(g.bytes("y"), "m.onnx", qsq::Shape3{4, 1, 1});
  ASSERT_EQ(net.layers.size(), 1u);
  EXPECT_EQ(net.layers[0].kind, qsq::LayerKind::linear);
  const std::vector<double> x = {0.5, -1.0, 2.0, 0.25};
  std::vector<double> y = {1.0, -1.0, 0.5};
  for (int o = 0; o < 3; ++o)
    for (int i = 0; i < 4; ++i) y[static_cast<std::size_t>(o)] += x[static_cast<std::size_t>(i)] * w[static_cast<std::size_t>(i * 3 + o)];
  expect_near_all(forward(net, x), y);
}

TEST(OnnxImport, ConstantsReshapeIdentityAndClipToInfinityFold) {
  Graph g({1, 1, 4, 4});
  g.init("w", {2, 1, 2, 2}, ramp(8, 1.0f));
  g.init("wl", {3, 18}, ramp(54, 0.1f));
  g.init_i64("shape", {2}, {-1, 18});
  g.node("Identity", {"w"}, "w_id");
  g.node("Conv", {"input", "w_id"}, "c", "conv");
  auto* k = g.model().mutable_graph()->add_node();  // Constant node for Clip's min
  k->set_op_type("Constant");
  k->add_output("zero");
  auto* a = k->add_attribute();
  a->set_name("value_float");
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(0.0f);
  g.node("Clip", {"c", "zero"}, "r", "clip");
  g.node("Reshape", {"r", "shape"}, "f", "reshape");
  g.node("Gemm", {"f", "wl"}, "y", "fc").i("transB", 1);
  const qn::FloatNet net = parse_onnx(g.bytes("y"), "m.onnx");
  ASSERT_EQ(net.layers.size(), 2u);
  EXPECT_TRUE(net.layers[0].relu);
}

TEST(OnnxImport, QonnxQuantOfWeightsIsApplied) {
  Graph g({1, 3});
  g.init("w", {2, 3}, {0.26f, -0.74f, 0.49f, 1.9f, -3.0f, 0.0f});
  g.init("s", {}, {0.5f});
  g.init("z", {}, {0.0f});
  g.init("bits", {}, {3.0f});
  g.node("Quant", {"w", "s", "z", "bits"}, "wq", "q").domain("qonnx.custom_op.general").i("signed", 1).i("narrow", 0).s("rounding_mode", "ROUND");
  g.node("Gemm", {"input", "wq"}, "y", "fc").i("transB", 1);
  const qn::FloatNet net = parse_onnx(g.bytes("y"), "m.onnx", qsq::Shape3{3, 1, 1});
  // round(w / 0.5) clamped to [-4, 3], times 0.5 (0.26 -> 0.5, -0.74 -> -0.5, 0.49 -> 0.5 (1 after
  // half-even of 0.98), 1.9 -> 1.5 (3.8 -> 4 clamped to 3), -3 -> -2 (-6 clamped to -4)).
  const std::vector<float> want = {0.5f, -0.5f, 0.5f, 1.5f, -2.0f, 0.0f};
  EXPECT_EQ(net.layers[0].weight, want);
  // A Quant on the data path is refused.
  Graph h({1, 3});
  h.init("w", {2, 3}, ramp(6, 1.0f));
  h.init("s", {}, {0.5f});
  h.init("z", {}, {0.0f});
  h.init("bits", {}, {3.0f});
  h.node("Quant", {"input", "s", "z", "bits"}, "xq", "actq").domain("qonnx");
  h.node("Gemm", {"xq", "w"}, "y", "fc").i("transB", 1);
  EXPECT_NE(error_of(h.bytes("y")).find("node 'actq' (Quant)"), std::string::npos);
  // A non-integer bit width is not representable.
  Graph b({1, 3});
  b.init("w", {2, 3}, ramp(6, 1.0f));
  b.init("s", {}, {0.5f});
  b.init("z", {}, {0.0f});
  b.init("bits", {}, {2.5f});
  b.node("Quant", {"w", "s", "z", "bits"}, "wq", "q").domain("qonnx");
  b.node("Gemm", {"input", "wq"}, "y", "fc").i("transB", 1);
  EXPECT_NE(error_of(b.bytes("y")).find("node 'q' (Quant): bit width"), std::string::npos);
}

TEST(OnnxImport, RefusalsNameTheFileTheNodeAndTheOp) {
  auto with_conv_attr = [](const std::function<void(qsq::test::Node&)>& set) {
    Graph g({1, 2, 5, 5});
    g.init("w", {2, 2, 3, 3}, ramp(36, 1.0f));
    auto n = g.node("Conv", {"input", "w"}, "y", "conv1");
    set(n);
    return error_of(g.bytes("y"));
  };
  EXPECT_EQ(with_conv_attr([](auto& n) { n.ints("dilations", {2, 2}); }),
            "m.onnx: node 'conv1' (Conv): dilations other than 1 are not supported");
  EXPECT_NE(with_conv_attr([](auto& n) { n.i("group", 2); }).find("m.onnx: node 'conv1' (Conv): group 2"), std::string::npos);
  EXPECT_NE(with_conv_attr([](auto& n) { n.s("auto_pad", "SAME_UPPER"); }).find("node 'conv1' (Conv): auto_pad 'SAME_UPPER'"),
            std::string::npos);
  EXPECT_NE(with_conv_attr([](auto& n) { n.ints("strides", {1, 2}); }).find("non-square 'strides'"), std::string::npos);

  Graph u({1, 1, 4, 4});
  u.init("w", {1, 1, 3, 3}, ramp(9, 1.0f));
  u.node("Conv", {"input", "w"}, "c", "conv");
  u.node("Sigmoid", {"c"}, "y", "sig");
  const std::string e = error_of(u.bytes("y"));
  EXPECT_EQ(e.rfind("m.onnx: node 'sig' (Sigmoid): unsupported op", 0), 0u) << e;

  Graph r({1, 1, 4, 4});
  r.init("w", {1, 1, 3, 3}, ramp(9, 1.0f));
  r.init("lo", {}, {0.0f});
  r.init("hi", {}, {6.0f});
  r.node("Conv", {"input", "w"}, "c", "conv");
  r.node("Clip", {"c", "lo", "hi"}, "y", "relu6");
  // Clip(0, 6) is now ReLU6; a negative lower bound is not an activation qsq has.
  r.model().mutable_graph()->mutable_initializer(1)->set_float_data(0, -1.0f);  // lo
  EXPECT_NE(error_of(r.bytes("y")).find("node 'relu6' (Clip): Clip(-1.000000, 6.000000) is not supported"), std::string::npos)
      << error_of(r.bytes("y"));

  Graph p({1, 1, 4, 4});
  p.init("w", {1, 1, 1, 1}, {1.0f});
  p.node("Conv", {"input", "w"}, "c", "conv");
  p.node("GlobalAveragePool", {"c"}, "y", "gap");
  EXPECT_NE(error_of(p.bytes("y")).find("model's last layer 'gap' is an avgpool"), std::string::npos) << error_of(p.bytes("y"));
}

TEST(OnnxImport, TruncatedAndForeignBytesAreRefused) {
  std::vector<float> wc, bc, wg, bg;
  const std::string full = conv_net(wc, bc, wg, bg).bytes("y");
  EXPECT_NO_THROW(parse_onnx(full, "m.onnx"));
  for (std::size_t cut : {full.size() / 3, full.size() / 2, full.size() - 3}) {
    const std::string e = error_of(full.substr(0, cut));
    EXPECT_EQ(e.rfind("m.onnx: ", 0), 0u) << e;
  }
  EXPECT_EQ(error_of("PK\x03\x04 not a model"), "m.onnx: not a valid ONNX model (the protobuf does not parse; truncated or not ONNX)");
  // A shape mismatch with the data the caller has.
  EXPECT_THROW(parse_onnx(full, "m.onnx", qsq::Shape3{1, 28, 28}), qsq::Error);
}
