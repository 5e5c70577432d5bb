// Network tests with libtorch and the real data sets (label net): shortened training and its
// determinism, TorchScript round trip, user modules (BatchNorm folded, unsupported layers
// rejected), and quantize -> evaluate bit-exactness against the golden model and the N-lane
// schedule on real MNIST images. A missing data set fails these tests; it is never skipped.
#include <gtest/gtest.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "qsq/container.hpp"
#include "qsq/net/int_engine.hpp"
#include "qsq/net/torch_bridge.hpp"
#include "qsq/grid.hpp"
#include "qsq/schedule.hpp"
#ifdef QSQ_TEST_RTL
#include "qsq/rtlsim/array_sim.hpp"
#include "qsq/rtlsim/grid_layer.hpp"
#include "qsq/rtlsim/grid_sim.hpp"
#include "qsq/rtlsim/layer_run.hpp"
#endif

namespace qn = qsq::net;
namespace tj = torch::jit;

namespace {

std::string tmp_file(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("qsq_net_test_" + std::to_string(::getpid()) + "_" + name)).string();
}

qn::TrainOptions quick(std::uint64_t seed, int batches) {
  qn::TrainOptions o;
  o.epochs = 1;
  o.seed = seed;
  o.max_batches = batches;  // a fraction of an epoch (CI)
  o.threads = 2;
  return o;
}

const auto silent = [](const std::string&) {};

// One shortened LeNet-5 run shared by the tests below.
class Trained : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    train_ = new qn::Dataset(qn::load_dataset("mnist", qn::Split::train_fit));
    test_ = new qn::Dataset(qn::load_dataset("mnist", qn::Split::test).head(1000));
    net_ = new qn::FloatNet(qn::architecture("lenet5"));
    qn::train(*net_, *train_, quick(3, 80), silent);
  }
  static void TearDownTestSuite() {
    delete train_;
    delete test_;
    delete net_;
  }
  static qn::Dataset* train_;
  static qn::Dataset* test_;
  static qn::FloatNet* net_;
};
qn::Dataset* Trained::train_ = nullptr;
qn::Dataset* Trained::test_ = nullptr;
qn::FloatNet* Trained::net_ = nullptr;

tj::Module child(const std::shared_ptr<tj::CompilationUnit>& cu, const std::string& cls, const std::string& body) {
  tj::Module m(c10::QualifiedName("__torch__.torch.nn.modules." + cls), cu, true);
  m.define("def forward(self, input: Tensor) -> Tensor:\n    return " + body + "\n");
  return m;
}

// A user module: conv(1->3, 3x3, pad 1) -> BatchNorm2d -> ReLU -> MaxPool(2) -> Flatten -> [extra] -> Linear(588->10).
void write_user_module(const std::string& path, const std::string& extra_cls) {
  torch::manual_seed(5);
  auto cu = std::make_shared<tj::CompilationUnit>();
  tj::Module top(c10::QualifiedName("__torch__.UserNet"), cu, true);
  tj::Module conv(c10::QualifiedName("__torch__.torch.nn.modules.conv.Conv2d"), cu, true);
  conv.register_parameter("weight", torch::randn({3, 1, 3, 3}) * 0.3, false);
  conv.register_parameter("bias", torch::randn({3}) * 0.1, false);
  conv.type()->addConstant("stride", c10::ivalue::Tuple::create({int64_t{1}, int64_t{1}}));
  conv.type()->addConstant("padding", c10::ivalue::Tuple::create({int64_t{1}, int64_t{1}}));
  conv.define("def forward(self, input: Tensor) -> Tensor:\n    return torch.conv2d(input, self.weight, self.bias, [1, 1], [1, 1], [1, 1], 1)\n");
  tj::Module bn(c10::QualifiedName("__torch__.torch.nn.modules.batchnorm.BatchNorm2d"), cu, true);
  bn.register_parameter("weight", torch::rand({3}) + 0.5, false);
  bn.register_parameter("bias", torch::randn({3}) * 0.1, false);
  bn.register_buffer("running_mean", torch::randn({3}) * 0.1);
  bn.register_buffer("running_var", torch::rand({3}) + 0.5);
  bn.type()->addConstant("eps", c10::IValue(1e-5));
  bn.define("def forward(self, input: Tensor) -> Tensor:\n    return torch.batch_norm(input, self.weight, self.bias, "
            "self.running_mean, self.running_var, False, 0.1, 1e-05, False)\n");
  tj::Module lin(c10::QualifiedName("__torch__.torch.nn.modules.linear.Linear"), cu, true);
  lin.register_parameter("weight", torch::randn({10, 588}) * 0.05, false);
  lin.register_parameter("bias", torch::randn({10}) * 0.1, false);
  lin.define("def forward(self, input: Tensor) -> Tensor:\n    return torch.linear(input, self.weight, self.bias)\n");
  top.register_module("conv", conv);
  top.register_module("bn", bn);
  top.register_module("relu", child(cu, "activation.ReLU", "torch.relu(input)"));
  tj::Module pool = child(cu, "pooling.MaxPool2d", "torch.max_pool2d(input, [2, 2], [2, 2], [0, 0], [1, 1], False)");
  pool.type()->addConstant("kernel_size", c10::IValue(int64_t{2}));
  pool.type()->addConstant("stride", c10::IValue(int64_t{2}));
  top.register_module("pool", pool);
  top.register_module("flat", child(cu, "flatten.Flatten", "torch.flatten(input, 1, -1)"));
  std::string fwd = "def forward(self, input: Tensor) -> Tensor:\n";
  for (const char* n : {"conv", "bn", "relu", "pool", "flat"}) fwd += std::string("    input = self.") + n + ".forward(input)\n";
  if (!extra_cls.empty()) {
    top.register_module("extra", child(cu, extra_cls, "input"));
    fwd += "    input = self.extra.forward(input)\n";
  }
  fwd += "    return self.fc.forward(input)\n";
  top.register_module("fc", lin);
  top.define(fwd);
  top.save(path);
}

}  // namespace

TEST(NetTrain, SameSeedSameWeightsHash) {
  const qn::Dataset train = qn::load_dataset("mnist", qn::Split::train_fit);
  qn::FloatNet a = qn::architecture("lenet5"), b = a, c = a;
  qn::train(a, train, quick(7, 15), silent);
  qn::train(b, train, quick(7, 15), silent);
  qn::train(c, train, quick(8, 15), silent);
  EXPECT_EQ(qn::weights_hash(a), qn::weights_hash(b));
  EXPECT_NE(qn::weights_hash(a), qn::weights_hash(c));
}

TEST_F(Trained, LearnsSomethingInAFractionOfAnEpoch) {
  // 80 batches of 64 images: well above chance (0.10); the full run is `qsq train` / `qsq flow`.
  EXPECT_GT(qn::float_accuracy(*net_, *test_), 0.75);
}

TEST_F(Trained, TorchScriptRoundTripKeepsWeightsAndForward) {
  const auto path = tmp_file("lenet.pt");
  qn::save_model(path, *net_, R"({"net":"lenet5","data":"mnist"})");
  const qn::LoadedModel m = qn::load_model(path);
  EXPECT_EQ(m.metadata, R"({"net":"lenet5","data":"mnist"})");
  EXPECT_EQ(qn::weights_hash(m.net), qn::weights_hash(*net_));
  EXPECT_DOUBLE_EQ(qn::module_accuracy(path, *test_), qn::float_accuracy(*net_, *test_));
  std::remove(path.c_str());
}

TEST_F(Trained, QuantizedNetworkIsBitExactWithGoldenModelAndSchedule) {
  qn::QuantizeOptions o;
  const auto act = qn::calibrate(*net_, *train_, 500);
  const qsq::Network built = qn::build_network(*net_, act, o);
  const auto path = tmp_file("lenet.qsq");
  qsq::write_network(built, path);
  const qsq::Network net = qsq::read_network(path);
  std::remove(path.c_str());
  const qn::IntEngine eng(net);
  const qn::QuantizedInputs x = qn::quantize_inputs(net, test_->head(12));
  for (int q = 1; q <= qsq::max_digits(net.width); ++q) {
    const std::vector<qsq::Quality> lv{{q, 0}};
    for (int i = 0; i < x.count; ++i) {
      const auto acts = eng.activations(x.image(i), lv);
      ASSERT_EQ(acts.back(), qsq::forward(net, x.image(i), qsq::Quality{q, 0})) << "image " << i << " q " << q;
      // Every layer's accumulators through the 8-lane schedule equal the golden layer's.
      for (std::size_t l = 0; l < net.layers.size(); ++l) {
        qsq::Layer raw = net.layers[l];
        raw.requant.enabled = false;
        raw.pool = {};
        const auto direct = qsq::forward_layer(raw, acts[l], net.width, net.acc_width, {q, 0});
        const auto sched = qsq::scheduled_accumulators(net.layers[l], acts[l], 8, net.acc_width, {q, 0});
        ASSERT_EQ(direct.size(), sched.size());
        for (std::size_t k = 0; k < sched.size(); ++k) ASSERT_EQ(direct[k], sched[k]) << "layer " << l << " out " << k;
      }
    }
  }
  // The integer network classifies like the float one it came from (shortened training, 1000 images).
  const double acc_int = eng.accuracy(qn::quantize_inputs(net, *test_), std::vector<qsq::Quality>{{}}, 2);
  EXPECT_GT(acc_int, qn::float_accuracy(*net_, *test_) - 0.05);
}

#ifdef QSQ_TEST_RTL
// Into the hardware: both LeNet-5 convolution layers of the trained, quantized network, fed with
// the real activations of real MNIST test images, through the Verilated RTL array (default preset,
// W = 8, N = 8, clock gating on) in the golden schedule; every accumulator must equal the
// golden model's.
TEST_F(Trained, RealLeNetConvLayersThroughTheVerilatedArrayAreBitExact) {
  const auto act = qn::calibrate(*net_, *train_, 500);
  const qsq::Network net = qn::build_network(*net_, act, qn::QuantizeOptions{});
  const qn::IntEngine eng(net);
  const qn::QuantizedInputs x = qn::quantize_inputs(net, test_->head(2));
  auto sim = qsq::rtlsim::ArraySim::create("default");
  std::size_t checked = 0;
  for (int q = 1; q <= qsq::max_digits(net.width); ++q) {
    const std::vector<qsq::Quality> lv{{q, 0}};
    for (int i = 0; i < x.count; ++i) {
      const auto acts = eng.activations(x.image(i), lv);
      for (std::size_t l = 0; l < net.layers.size(); ++l) {
        if (net.layers[l].kind != qsq::LayerKind::conv2d) continue;
        const auto golden = qsq::scheduled_accumulators(net.layers[l], acts[l], 8, net.acc_width, {q, 0});
        const auto rtl = qsq::rtlsim::run_layer(*sim, net.layers[l], acts[l], {q, 0});
        ASSERT_EQ(rtl.acc.size(), golden.size());
        for (std::size_t k = 0; k < golden.size(); ++k)
          ASSERT_EQ(rtl.acc[k], golden[k]) << "layer " << net.layers[l].name << " q " << q << " image " << i << " out " << k;
        checked += golden.size();
      }
    }
  }
  EXPECT_GT(checked, 0u);
}

// The same real activations through the Verilated 2-D grid (preset grid: M = 8 filter rows x
// N = 8 lanes, 16 in-place slots) in the golden grid schedule, both lane organisations
// (digit-parallel rows, digit-serial lanes), every level: bit-exact, and the RTL's cycle count is
// the golden model's (one cycle per load, per beat, or per kept digit of a serial beat). Prints the
// MACs per cycle of each level: the throughput side of each level.
TEST_F(Trained, RealLeNetConvLayersThroughTheVerilatedGridAreBitExact) {
  const auto act = qn::calibrate(*net_, *train_, 500);
  const qsq::Network net = qn::build_network(*net_, act, qn::QuantizeOptions{});
  const qn::IntEngine eng(net);
  const qn::QuantizedInputs x = qn::quantize_inputs(net, test_->head(2));
  std::size_t checked = 0;
  for (const bool serial : {false, true}) {
    auto sim = qsq::rtlsim::GridSim::create("grid", true, false, serial);
    const qsq::Shape shape = sim->geometry();
    for (int q = 1; q <= qsq::max_digits(net.width); ++q) {
      const std::vector<qsq::Quality> lv{{q, 0}};
      std::uint64_t macs = 0, cycles = 0;
      for (int i = 0; i < x.count; ++i) {
        const auto acts = eng.activations(x.image(i), lv);
        for (std::size_t l = 0; l < net.layers.size(); ++l) {
          if (net.layers[l].kind != qsq::LayerKind::conv2d) continue;
          const auto golden = qsq::scheduled_accumulators(net.layers[l], acts[l], 8, net.acc_width, {q, 0});
          const auto rtl = qsq::rtlsim::run_grid_layer(*sim, net.layers[l], acts[l], {q, 0});
          ASSERT_EQ(rtl.acc.size(), golden.size());
          for (std::size_t k = 0; k < golden.size(); ++k)
            ASSERT_EQ(rtl.acc[k], golden[k]) << "layer " << net.layers[l].name << " q " << q << " image " << i << " out " << k
                                             << (serial ? " serial" : " parallel");
          qsq::GridCost cost;
          qsq::grid_layer_accumulators(net.layers[l], acts[l], shape, {q, 0}, qsq::LaneKind::csd, &cost,
                                       serial ? qsq::LaneOrg::serial : qsq::LaneOrg::parallel);
          EXPECT_GE(rtl.cycles, cost.cycles);
          EXPECT_LE(rtl.cycles, cost.cycles + 3);
          checked += golden.size();
          macs += rtl.macs;
          cycles += rtl.cycles;
        }
      }
      std::cout << "grid " << (serial ? "digit-serial" : "digit-parallel") << " q=" << q << ": LeNet-5 conv layers, "
                << x.count << " images: " << macs << " MACs in " << cycles << " cycles = "
                << static_cast<double>(macs) / static_cast<double>(cycles) << " MACs/cycle\n";
    }
  }
  EXPECT_GT(checked, 0u);
}
#endif

TEST(NetModel, UserModuleWithBatchNormIsFolded) {
  const auto path = tmp_file("user.pt");
  write_user_module(path, "");
  const qn::LoadedModel m = qn::load_model(path);  // also checks the folded forward against the module's own
  ASSERT_EQ(m.net.layers.size(), 2u);
  EXPECT_TRUE(m.net.layers[0].relu);
  EXPECT_EQ(m.net.layers[0].pool.kernel, 2);
  EXPECT_TRUE(m.metadata.empty());
  std::remove(path.c_str());
}

TEST(NetModel, UnsupportedLayerIsNamed) {
  const auto path = tmp_file("dropout.pt");
  write_user_module(path, "dropout.Dropout");
  try {
    qn::load_model(path);
    FAIL() << "a Dropout layer was accepted";
  } catch (const qsq::Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'extra'"), std::string::npos) << what;
    EXPECT_NE(what.find("Dropout"), std::string::npos) << what;
  }
  std::remove(path.c_str());
}

TEST(NetModel, NonTorchScriptFileIsAnError) {
  const auto path = tmp_file("garbage.pt");
  {
    std::ofstream out(path);
    out << "not a zip archive";
  }
  try {
    qn::load_model(path);
    FAIL();
  } catch (const qsq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot load"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
  EXPECT_THROW(qn::load_model(tmp_file("missing.pt")), qsq::Error);
}
