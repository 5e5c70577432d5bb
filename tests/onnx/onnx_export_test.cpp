// Unit tests of the ONNX exporter (label unit): a quantized network written as ONNX (QONNX Quant
// nodes, and dequantized float weights) re-imports to exactly the float network the .qsq stands
// for, at the exact level and a truncated one; python3-onnx's checker accepts both files when
// /usr/bin/python3 has onnx (skipped otherwise).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "qsq/net/build.hpp"
#include "qsq/onnx/onnx_export.hpp"
#include "qsq/onnx/onnx_import.hpp"

namespace qn = qsq::net;
namespace oi = qsq::onnx_io;

namespace {

// A small LeNet-like float network with deterministic weights, quantized with qsq's quantizer.
qsq::Network small_network(bool keep_ends) {
  std::vector<qn::RawOp> ops(6);
  ops[0] = {qn::OpKind::conv2d, "conv1", 1, 4, 3, 1, 1, {}, {}, {}, {}, 1e-5};
  ops[1].kind = qn::OpKind::relu;
  ops[2] = {qn::OpKind::maxpool, "pool1", 0, 0, 2, 2, 0, {}, {}, {}, {}, 1e-5};
  ops[3].kind = qn::OpKind::flatten;
  ops[4] = {qn::OpKind::linear, "fc1", 4 * 4 * 4, 10, 1, 1, 0, {}, {}, {}, {}, 1e-5};
  ops[5] = {qn::OpKind::linear, "fc2", 10, 3, 1, 1, 0, {}, {}, {}, {}, 1e-5};
  ops.insert(ops.begin() + 5, qn::RawOp{qn::OpKind::relu, "relu2", 0, 0, 1, 1, 0, {}, {}, {}, {}, 1e-5});
  for (auto& op : ops) {
    if (op.kind != qn::OpKind::conv2d && op.kind != qn::OpKind::linear) continue;
    const std::size_t n = static_cast<std::size_t>(op.out) * op.in * op.kernel * op.kernel;
    for (std::size_t k = 0; k < n; ++k) op.weight.push_back(0.4f * std::sin(0.9f * static_cast<float>(k) + op.out));
    for (int f = 0; f < op.out; ++f) op.bias.push_back(0.05f * static_cast<float>(f % 3) - 0.04f);
  }
  const qn::FloatNet f = qn::fuse(ops, {1, 8, 8});
  qn::QuantizeOptions o;
  o.keep_ends = keep_ends;
  const std::vector<float> act_max = {1.7f, 2.3f, 0.0f};
  return qn::build_network(f, act_max, o);
}

// conv 4@3x3 pad 1 + ReLU -> depthwise 3x3 pad 1 + ReLU6 -> Add(the conv's output) + ReLU ->
// 2x2 average -> global average -> fc 4 -> 3, quantized with qsq's quantizer.
qsq::Network residual_network() {
  auto op = [](qn::OpKind k, const char* name) {
    qn::RawOp o;
    o.kind = k;
    o.name = name;
    return o;
  };
  qn::RawOp conv = op(qn::OpKind::conv2d, "conv"), dw = op(qn::OpKind::conv2d, "dw"), fc = op(qn::OpKind::linear, "fc");
  conv.in = 1;
  conv.out = 4;
  conv.kernel = dw.kernel = 3;
  conv.pad = dw.pad = 1;
  dw.in = dw.out = dw.group = 4;
  fc.in = 4;
  fc.out = 3;
  for (int k = 0; k < 36; ++k) conv.weight.push_back(0.4f * std::sin(0.9f * static_cast<float>(k)));
  for (int k = 0; k < 36; ++k) dw.weight.push_back(0.5f * std::cos(0.7f * static_cast<float>(k)));
  for (int k = 0; k < 12; ++k) fc.weight.push_back(0.3f * std::sin(1.3f * static_cast<float>(k)));
  conv.bias = dw.bias = {0.1f, -0.1f, 0.05f, 0.0f};
  fc.bias = {0.0f, 0.1f, -0.1f};
  qn::RawOp add = op(qn::OpKind::add, "add"), avg = op(qn::OpKind::avgpool, "avg"), gap = op(qn::OpKind::avgpool, "gap");
  add.second = 1;
  avg.kernel = avg.stride = 2;
  gap.kernel = 0;
  const std::vector<qn::RawOp> ops{conv, op(qn::OpKind::relu, "r1"), dw, op(qn::OpKind::relu6, "r6"), add,
                                   op(qn::OpKind::relu, "r2"), avg, gap, op(qn::OpKind::flatten, "flat"), fc};
  const qn::FloatNet f = qn::fuse(ops, {1, 8, 8});
  const std::vector<float> act_max = {1.5f, 2.5f, 3.0f, 0.0f, 0.0f, 0.0f};
  return qn::build_network(f, act_max, qn::QuantizeOptions{});
}

void expect_same(const qn::FloatNet& a, const qn::FloatNet& b) {
  EXPECT_EQ(a.input, b.input);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (std::size_t i = 0; i < a.layers.size(); ++i) {
    const auto &x = a.layers[i], &y = b.layers[i];
    EXPECT_EQ(x.kind, y.kind) << i;
    EXPECT_EQ(x.in, y.in) << i;
    EXPECT_EQ(x.out_channels, y.out_channels) << i;
    EXPECT_EQ(x.kernel, y.kernel) << i;
    EXPECT_EQ(x.stride, y.stride) << i;
    EXPECT_EQ(x.pad, y.pad) << i;
    EXPECT_EQ(x.relu, y.relu) << i;
    EXPECT_EQ(x.clip, y.clip) << i;
    EXPECT_EQ(x.second_input, y.second_input) << i;
    EXPECT_EQ(x.pool.kernel, y.pool.kernel) << i;
    EXPECT_EQ(x.pool.stride, y.pool.stride) << i;
    EXPECT_EQ(x.weight, y.weight) << "weights of layer " << i;  // bit-exact
    EXPECT_EQ(x.bias, y.bias) << "biases of layer " << i;
  }
}

bool python_has_onnx() { return std::system("/usr/bin/python3 -c 'import onnx' > /dev/null 2>&1") == 0; }

}  // namespace

TEST(OnnxExport, RoundTripsExactlyInBothWeightForms) {
  for (bool keep_ends : {false, true})
    for (int q : {0, 2})
      for (auto mode : {oi::OnnxWeights::qonnx, oi::OnnxWeights::dequantized}) {
        SCOPED_TRACE(::testing::Message() << "keep_ends " << keep_ends << " q " << q << " mode " << static_cast<int>(mode));
        const qsq::Network net = small_network(keep_ends);
        const qn::FloatNet want = qn::float_network_of(net, qsq::Quality{q, 0});
        const qn::FloatNet got = oi::parse_onnx(oi::onnx_bytes(net, qsq::Quality{q, 0}, mode), "export.onnx");
        expect_same(got, want);
      }
}

TEST(OnnxExport, ResidualKindsRoundTripExactly) {
  const qsq::Network net = residual_network();
  ASSERT_EQ(net.layers.size(), 6u);
  EXPECT_EQ(net.layers[1].kind, qsq::LayerKind::depthwise);
  EXPECT_GT(net.layers[1].requant.clip, 0);
  for (int q : {0, 2})
    for (auto mode : {oi::OnnxWeights::qonnx, oi::OnnxWeights::dequantized}) {
      SCOPED_TRACE(::testing::Message() << "q " << q << " mode " << static_cast<int>(mode));
      const qn::FloatNet want = qn::float_network_of(net, qsq::Quality{q, 0});
      expect_same(oi::parse_onnx(oi::onnx_bytes(net, qsq::Quality{q, 0}, mode), "export.onnx"), want);
    }
}

TEST(OnnxExport, FloatNetworkOfMatchesTheDequantizedWeights) {
  // Independent of the exporter: float_network_of's weights are the library's dequantized() ones.
  const qsq::Network net = small_network(false);
  qn::FloatNet ref = qn::float_network_of(net, qsq::Quality{});
  const qn::FloatNet deq = qn::dequantized(ref, net, qsq::Quality{});
  for (std::size_t i = 0; i < ref.layers.size(); ++i) EXPECT_EQ(ref.layers[i].weight, deq.layers[i].weight);
}

TEST(OnnxExport, PythonOnnxCheckerAcceptsTheFiles) {
  if (!python_has_onnx()) GTEST_SKIP() << "python3-onnx is not installed for /usr/bin/python3";
  for (auto mode : {oi::OnnxWeights::qonnx, oi::OnnxWeights::dequantized}) for (bool residual : {false, true}) {
    const qsq::Network net = residual ? residual_network() : small_network(true);
    const std::string path = std::string(QSQ_TEST_TMP) + "/export_" + std::to_string(static_cast<int>(mode)) +
                             (residual ? "_residual" : "") + ".onnx";
    oi::write_onnx(path, net, qsq::Quality{}, mode);
    const std::string cmd = "/usr/bin/python3 -c \"import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]))\" " + path;
    EXPECT_EQ(std::system(cmd.c_str()), 0) << path;
  }
}
