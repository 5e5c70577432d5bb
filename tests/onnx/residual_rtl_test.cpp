// The residual network that tests/onnx/residual_e2e.py trained in PyTorch, exported and quantized
// (its .qsq, named by QSQ_RESIDUAL_QSQ), into the hardware: its depthwise layer (channel by
// channel, each a one-filter convolution of K*K terms: qsq::depthwise_channel) and its regular
// convolution layers, fed with the real activations of real Fashion-MNIST test images, through the
// Verilated RTL array (default preset: W = 8, N = 8, clock gating on) in the golden schedule, at
// every quality level; every accumulator must equal the golden model's (label net). A missing
// file or data set fails the test.
#include <gtest/gtest.h>

#include <cstdlib>

#include "qsq/container.hpp"
#include "qsq/csd.hpp"
#include "qsq/net/dataset.hpp"
#include "qsq/net/int_engine.hpp"
#include "qsq/rtlsim/array_sim.hpp"
#include "qsq/rtlsim/layer_run.hpp"
#include "qsq/schedule.hpp"

namespace qn = qsq::net;

namespace {

// One layer (or one depthwise channel) through the array against the golden schedule.
std::size_t check(qsq::rtlsim::ArraySim& sim, const qsq::Layer& layer, const std::vector<std::int32_t>& input, int acc_width,
                  int q, const std::string& what) {
  const auto golden = qsq::scheduled_accumulators(layer, input, 8, acc_width, {q, 0});
  const auto rtl = qsq::rtlsim::run_layer(sim, layer, input, {q, 0});
  EXPECT_EQ(rtl.acc.size(), golden.size()) << what;
  for (std::size_t k = 0; k < golden.size() && k < rtl.acc.size(); ++k)
    if (rtl.acc[k] != golden[k]) {
      ADD_FAILURE() << what << " output " << k << ": RTL " << rtl.acc[k] << ", golden " << golden[k];
      return 0;
    }
  return golden.size();
}

}  // namespace

TEST(ResidualRtl, RealDepthwiseAndConvLayersThroughTheVerilatedArrayAreBitExact) {
  const char* path = std::getenv("QSQ_RESIDUAL_QSQ");
  ASSERT_NE(path, nullptr) << "QSQ_RESIDUAL_QSQ must name the .qsq that residual_e2e.py writes";
  const qsq::Network net = qsq::read_network(path);
  const qn::IntEngine eng(net);
  const qn::QuantizedInputs x = qn::quantize_inputs(net, qn::load_dataset("fashion", qn::Split::test).head(2));
  auto sim = qsq::rtlsim::ArraySim::create("default");
  std::size_t depthwise = 0, conv = 0;
  for (int q = 1; q <= qsq::max_digits(net.width); ++q) {
    const std::vector<qsq::Quality> lv{{q, 0}};
    for (int i = 0; i < x.count; ++i) {
      const auto acts = eng.activations(x.image(i), lv);
      for (std::size_t l = 0; l < net.layers.size(); ++l) {
        const qsq::Layer& L = net.layers[l];
        const std::string what = "layer " + L.name + " q " + std::to_string(q) + " image " + std::to_string(i);
        if (L.kind == qsq::LayerKind::conv2d) conv += check(*sim, L, acts[l], net.acc_width, q, what);
        if (L.kind != qsq::LayerKind::depthwise) continue;
        // The depthwise layer's own golden accumulators, channel by channel from the array.
        const auto whole = qsq::scheduled_accumulators(L, acts[l], 8, net.acc_width, {q, 0});
        const std::size_t positions = static_cast<std::size_t>(qsq::num_positions(L));
        for (int c = 0; c < L.out_channels; ++c) {
          const qsq::Layer one = qsq::depthwise_channel(L, c);
          const auto rtl = qsq::rtlsim::run_layer(*sim, one, qsq::channel_plane(L, acts[l], c), {q, 0});
          ASSERT_EQ(rtl.acc.size(), positions) << what;
          for (std::size_t p = 0; p < positions; ++p)
            ASSERT_EQ(rtl.acc[p], whole[static_cast<std::size_t>(c) * positions + p]) << what << " channel " << c << " position " << p;
          depthwise += positions;
        }
      }
    }
  }
  EXPECT_GT(depthwise, 0u) << "the network has no depthwise layer";
  EXPECT_GT(conv, 0u);
  std::printf("residual network on the Verilated array: %zu depthwise and %zu conv accumulators bit-exact\n", depthwise, conv);
}
