// Unit tests of the residual layer kinds in net/: grouping RawOps with a depthwise conv, ReLU6,
// a residual Add and global average pooling into FloatLayers (and its refusals), the float ->
// integer build against an independent double-precision reference, and the fast evaluator
// against the golden model and the N-lane schedule (label unit).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "qsq/csd.hpp"
#include "qsq/net/build.hpp"
#include "qsq/net/float_net.hpp"
#include "qsq/net/int_engine.hpp"
#include "qsq/net/operand_trace.hpp"
#include "qsq/net/rtl_export.hpp"
#include "qsq/schedule.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace qn = qsq::net;

namespace {

qn::RawOp op_of(qn::OpKind kind, const char* name) {
  qn::RawOp op;
  op.kind = kind;
  op.name = name;
  return op;
}

// 1x6x6 -> conv 4@3x3 pad 1, ReLU -> depthwise 3x3 pad 1, BN, ReLU6 -> Add(the ReLU's output),
// ReLU -> global average pool -> flatten -> fc 4 -> 3.
std::vector<qn::RawOp> residual_ops(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> n(0.0f, 0.5f);
  qn::RawOp conv = op_of(qn::OpKind::conv2d, "conv");
  conv.in = 1;
  conv.out = 4;
  conv.kernel = 3;
  conv.pad = 1;
  for (int i = 0; i < 36; ++i) conv.weight.push_back(n(rng));
  for (int i = 0; i < 4; ++i) conv.bias.push_back(0.1f * n(rng));
  qn::RawOp dw = op_of(qn::OpKind::conv2d, "dw");
  dw.in = dw.out = dw.group = 4;
  dw.kernel = 3;
  dw.pad = 1;
  for (int i = 0; i < 36; ++i) dw.weight.push_back(n(rng));
  qn::RawOp bn = op_of(qn::OpKind::batchnorm, "bn");
  bn.in = 4;
  bn.weight = {1.5f, 0.5f, 1.0f, 2.0f};
  bn.bias = {0.1f, -0.2f, 0.0f, 0.3f};
  bn.mean = {0.05f, -0.1f, 0.2f, 0.0f};
  bn.var = {0.5f, 2.0f, 1.0f, 0.25f};
  qn::RawOp add = op_of(qn::OpKind::add, "add");
  add.second = 1;  // the ReLU after conv: the end of layer 0
  qn::RawOp gap = op_of(qn::OpKind::avgpool, "gap");
  gap.kernel = 0;
  qn::RawOp fc = op_of(qn::OpKind::linear, "fc");
  fc.in = 4;
  fc.out = 3;
  for (int i = 0; i < 12; ++i) fc.weight.push_back(n(rng));
  fc.bias = {0.1f, 0.0f, -0.1f};
  return {conv, op_of(qn::OpKind::relu, "relu"), dw, bn, op_of(qn::OpKind::relu6, "relu6"), add,
          op_of(qn::OpKind::relu, "relu2"), gap, op_of(qn::OpKind::flatten, "flatten"), fc};
}

std::string fuse_error(const std::vector<qn::RawOp>& ops) {
  try {
    qn::fuse(ops, {1, 6, 6});
  } catch (const qsq::Error& e) {
    return e.what();
  }
  return "(accepted)";
}

// Double-precision forward of the grouped network, written from the layer definitions alone;
// records each layer's largest output (magnitude without ReLU) when asked.
std::vector<double> reference(const qn::FloatNet& net, const std::vector<double>& x, std::vector<double>* maxima = nullptr) {
  std::vector<std::vector<double>> outs;
  std::vector<double> cur = x;
  for (std::size_t li = 0; li < net.layers.size(); ++li) {
    const auto& l = net.layers[li];
    const auto cs = l.conv_shape();
    std::vector<double> y(static_cast<std::size_t>(cs.size()), 0.0);
    if (l.kind == qsq::LayerKind::add) {
      const auto& other = l.second_input < 0 ? x : outs[static_cast<std::size_t>(l.second_input)];
      for (std::size_t i = 0; i < y.size(); ++i) y[i] = cur[i] + other[i];
    } else if (l.kind == qsq::LayerKind::avgpool) {
      const std::size_t plane = static_cast<std::size_t>(l.in.h) * l.in.w;
      for (int c = 0; c < l.in.c; ++c) {
        for (std::size_t p = 0; p < plane; ++p) y[static_cast<std::size_t>(c)] += cur[c * plane + p];
        y[static_cast<std::size_t>(c)] /= static_cast<double>(plane);
      }
    } else if (l.kind == qsq::LayerKind::linear) {
      for (int f = 0; f < cs.c; ++f) {
        double s = l.bias[static_cast<std::size_t>(f)];
        for (int t = 0; t < l.in.c; ++t) s += l.weight[static_cast<std::size_t>(f * l.in.c + t)] * cur[static_cast<std::size_t>(t)];
        y[static_cast<std::size_t>(f)] = s;
      }
    } else {
      const bool dw = l.kind == qsq::LayerKind::depthwise;
      for (int f = 0; f < cs.c; ++f)
        for (int oy = 0; oy < cs.h; ++oy)
          for (int ox = 0; ox < cs.w; ++ox) {
            double s = l.bias[static_cast<std::size_t>(f)];
            for (int c = 0; c < l.in.c; ++c) {
              if (dw && c != f) continue;
              for (int ky = 0; ky < l.kernel; ++ky)
                for (int kx = 0; kx < l.kernel; ++kx) {
                  const int iy = oy - l.pad + ky, ix = ox - l.pad + kx;
                  if (iy < 0 || ix < 0 || iy >= l.in.h || ix >= l.in.w) continue;
                  const int wc = dw ? 0 : c, wcs = dw ? 1 : l.in.c;
                  s += l.weight[static_cast<std::size_t>(((f * wcs + wc) * l.kernel + ky) * l.kernel + kx)] *
                       cur[static_cast<std::size_t>((c * l.in.h + iy) * l.in.w + ix)];
                }
            }
            y[static_cast<std::size_t>((f * cs.h + oy) * cs.w + ox)] = s;
          }
    }
    for (auto& v : y) {
      if (l.relu) v = std::max(0.0, v);
      if (l.clip > 0) v = std::min<double>(l.clip, v);
    }
    if (maxima) {
      double m = 0;
      for (double v : y) m = std::max(m, std::fabs(v));
      (*maxima)[li] = std::max((*maxima)[li], m);
    }
    outs.push_back(y);
    cur = y;
  }
  return cur;
}

}  // namespace

TEST(Residual, FuseGroupsTheNewKinds) {
  const qn::FloatNet net = qn::fuse(residual_ops(1), {1, 6, 6});
  ASSERT_EQ(net.layers.size(), 5u);
  const std::vector<qsq::LayerKind> kinds{qsq::LayerKind::conv2d, qsq::LayerKind::depthwise, qsq::LayerKind::add,
                                          qsq::LayerKind::avgpool, qsq::LayerKind::linear};
  for (std::size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(net.layers[i].kind, kinds[i]) << i;
  EXPECT_TRUE(net.layers[1].relu);
  EXPECT_EQ(net.layers[1].clip, 6.0f);
  EXPECT_EQ(net.layers[1].weight.size(), 36u);  // BN folded into the 4 x 3x3 depthwise filters
  EXPECT_EQ(net.layers[2].second_input, 0);
  EXPECT_TRUE(net.layers[2].relu);
  EXPECT_EQ(net.layers[3].out_shape(), (qsq::Shape3{4, 1, 1}));
  // unfuse + fuse is the identity on the structure.
  const qn::FloatNet again = qn::fuse(qn::unfuse(net), net.input);
  ASSERT_EQ(again.layers.size(), net.layers.size());
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    EXPECT_EQ(again.layers[i].kind, net.layers[i].kind);
    EXPECT_EQ(again.layers[i].second_input, net.layers[i].second_input);
    EXPECT_EQ(again.layers[i].clip, net.layers[i].clip);
    EXPECT_EQ(again.layers[i].weight, net.layers[i].weight);
  }
}

TEST(Residual, FuseRefusesWhatTheIntegerNetworkCannotHold) {
  auto ops = residual_ops(1);
  ops[5].second = 0;  // the conv before its ReLU: not a tensor the integer network keeps
  EXPECT_NE(fuse_error(ops).find("adds the output of 'conv' (Conv2d), which is not the end of a layer"), std::string::npos)
      << fuse_error(ops);
  ops = residual_ops(1);
  ops[5].second = -1;  // the 1x6x6 input against 4x6x6
  EXPECT_NE(fuse_error(ops).find("adds tensors of shapes 4x6x6 and 1x6x6"), std::string::npos) << fuse_error(ops);
  ops = residual_ops(1);
  ops[2].group = 2;
  EXPECT_NE(fuse_error(ops).find("group 2 is not supported"), std::string::npos) << fuse_error(ops);
  ops = residual_ops(1);
  ops.insert(ops.begin() + 8, op_of(qn::OpKind::relu, "late"));  // after the average pooling
  EXPECT_NE(fuse_error(ops).find("a ReLU after average pooling"), std::string::npos) << fuse_error(ops);
  ops = residual_ops(1);
  ops.resize(8);  // ends in the average pooling
  EXPECT_NE(fuse_error(ops).find("is an avgpool"), std::string::npos) << fuse_error(ops);
}

TEST(Residual, IntegerLogitsTrackTheFloatReference) {
  const qn::FloatNet fnet = qn::fuse(residual_ops(3), {1, 6, 6});
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::vector<double>> images(60, std::vector<double>(36));
  std::vector<double> maxima(fnet.layers.size(), 0.0);
  for (auto& img : images) {
    for (auto& v : img) v = u(rng);
    reference(fnet, img, &maxima);
  }
  const std::vector<float> act(maxima.begin(), maxima.end());
  qn::QuantizeOptions o;
  o.code_bits = 4;
  const qsq::Network net = qn::build_network(fnet, act, o);
  ASSERT_EQ(net.layers.size(), 5u);
  // ReLU6: 6.0 at the depthwise layer's output scale, never above 2^(W-1)-1.
  const double s_dw = act[1] / 127.0;
  EXPECT_EQ(net.layers[1].requant.clip, static_cast<std::int32_t>(std::min(127.0, std::nearbyint(6.0 / s_dw))));
  // The add brings both inputs (scales act[1]/127 and act[0]/127) to act[2]/127 on one shift.
  const auto& r = net.layers[2].requant;
  EXPECT_NEAR(r.multiplier * std::ldexp(1.0, -r.shift), act[1] / act[2], 1e-3 * act[1] / act[2]);
  EXPECT_NEAR(r.multiplier_b * std::ldexp(1.0, -r.shift), act[0] / act[2], 1e-3 * act[0] / act[2]);
  EXPECT_EQ(net.layers[2].second_input, 0);
  const qn::FloatNet deq = qn::dequantized(fnet, net, qsq::Quality{});
  const qn::IntEngine eng(net);
  const double unit = act[2] / 127.0 * std::ldexp(1.0, -net.layers[4].exponent);  // the avgpool keeps the add's scale
  double worst = 0, range = 0;
  for (const auto& img : images) {
    const std::vector<float> f(img.begin(), img.end());
    const auto logits = eng.forward(qsq::quantize_input(net, f), std::vector<qsq::Quality>{{}});
    const auto ref = reference(deq, img);
    for (std::size_t k = 0; k < ref.size(); ++k) {
      worst = std::max(worst, std::fabs(logits[k] * unit - ref[k]));
      range = std::max(range, std::fabs(ref[k]));
    }
  }
  EXPECT_LT(worst, 0.05 * range);  // only activation rounding separates them
  // The float network the .qsq stands for has the same structure.
  const qn::FloatNet back = qn::float_network_of(net, qsq::Quality{});
  for (std::size_t i = 0; i < back.layers.size(); ++i) {
    EXPECT_EQ(back.layers[i].kind, fnet.layers[i].kind);
    EXPECT_EQ(back.layers[i].second_input, fnet.layers[i].second_input);
  }
  EXPECT_GT(back.layers[1].clip, 0.0f);
}

TEST(Residual, EngineMatchesGoldenAndTheScheduleAtEveryLevel) {
  const qn::FloatNet fnet = qn::fuse(residual_ops(5), {1, 6, 6});
  std::vector<float> act(fnet.layers.size(), 0.0f);
  std::mt19937_64 rng(2);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> maxima(fnet.layers.size(), 0.0);
  for (int i = 0; i < 20; ++i) {
    std::vector<double> img(36);
    for (auto& v : img) v = u(rng);
    reference(fnet, img, &maxima);
  }
  act.assign(maxima.begin(), maxima.end());
  for (int acc_width : {32, 40}) {  // the 16-bit fast path and the 64-bit one
    qn::QuantizeOptions o;
    o.acc_width = acc_width;
    const qsq::Network net = qn::build_network(fnet, act, o);
    const qn::IntEngine eng(net);
    for (int q = 1; q <= qsq::max_digits(net.width); ++q) {
      std::vector<float> img(36);
      for (auto& v : img) v = static_cast<float>(u(rng));
      const auto x = qsq::quantize_input(net, img);
      const std::vector<qsq::Quality> lv{{q, 0}};
      const auto acts = eng.activations(x, lv);
      EXPECT_EQ(acts.back(), qsq::forward(net, x, qsq::Quality{q, 0})) << "q=" << q;
      // The depthwise layer's accumulators through the N-lane schedule, requantized, are its output.
      const qsq::Layer& dw = net.layers[1];
      for (int lanes : {1, 4, 8}) {
        const auto sched = qsq::scheduled_accumulators(dw, acts[1], lanes, acc_width, qsq::resolve_quality({q, 0}, 8));
        std::vector<std::int32_t> y;
        for (auto a : sched) y.push_back(qsq::requantize(a, dw.requant, 8));
        EXPECT_EQ(y, acts[2]) << "lanes " << lanes << " q=" << q;
      }
    }
  }
}

// The RTL export writes the depthwise layer's K*K-term chunks per channel and names the weightless
// layers in the manifest; the operand trace replays the depthwise schedule with its real inputs.
TEST(Residual, RtlExportAndOperandTraceCoverTheDepthwiseLayer) {
  const qn::FloatNet fnet = qn::fuse(residual_ops(7), {1, 6, 6});
  const qsq::Network net = qn::build_network(fnet, std::vector<float>{2.0f, 3.0f, 4.0f, 0.0f, 0.0f}, qn::QuantizeOptions{});
  const auto dir = std::filesystem::temp_directory_path() / ("qsq_residual_export_" + std::to_string(::getpid()));
  const int lanes = 8;
  const auto s = qn::export_rtl(net, lanes, dir.string());
  EXPECT_EQ(s.files.size(), 3u * 3u + 1u);  // conv, depthwise, fc: codes, scales, bias; the manifest
  const qsq::Layer& dw = net.layers[1];
  std::ifstream codes(dir / ("1_" + dw.name + ".codes.memh"));
  ASSERT_TRUE(codes);
  std::string line;
  int words = 0;
  while (std::getline(codes, line)) {
    const int f = words / 2, j = words % 2;  // 9 terms: two chunks of 8 lanes per channel
    const unsigned long long word = std::stoull(line, nullptr, 16);
    for (int i = 0; i < lanes; ++i) {
      const int t = j * lanes + i;
      const unsigned want = t < 9 ? dw.codes[static_cast<std::size_t>(f * 9 + t)] : 0u;
      EXPECT_EQ((word >> (i * dw.code_bits)) & ((1u << dw.code_bits) - 1), want) << f << " " << j << " " << i;
    }
    ++words;
  }
  EXPECT_EQ(words, dw.out_channels * 2);
  std::ifstream man(dir / "manifest.json");
  const auto m = nlohmann::json::parse(man);
  std::vector<std::string> kinds;
  for (const auto& l : m["layers"]) kinds.push_back(l["kind"].get<std::string>());
  EXPECT_EQ(kinds, (std::vector<std::string>{"conv2d", "depthwise", "add", "avgpool", "linear"}));
  EXPECT_EQ(m["layers"][2]["add"]["second_input"].get<int>(), 0);
  std::filesystem::remove_all(dir);

  const qn::IntEngine eng(net);
  qn::QuantizedInputs x;
  x.count = 1;
  x.size = 36;
  for (int i = 0; i < 36; ++i) x.values.push_back((i * 37) % 128);
  x.labels = {0};
  const std::string trace = qn::operand_trace(eng, x, qn::TraceOptions{});
  EXPECT_NE(trace.find("layer conv"), std::string::npos);
  EXPECT_NE(trace.find("layer dw"), std::string::npos);
}
