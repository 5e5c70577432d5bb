// Description: the libtorch side of the network experiments behind a torch-free interface, so
// that only net/torch/*.cpp include torch headers (each takes tens of seconds and ~1 GB to build).
//
// Model files are TorchScript archives (torch.jit.load opens them; so does Python). qsq writes a
// top-level Sequential of torch.nn-named children (Conv2d, ReLU, MaxPool2d, Flatten, Linear) with
// the usual parameter names and constants, plus an extra file "qsq_model.json" holding how the
// model was made (net, data, seed, epochs, threads, weights hash). load_model also accepts a
// user's own TorchScript module made of Conv2d, Linear, ReLU, MaxPool2d, Flatten and BatchNorm2d
// (nested Sequentials allowed) whose forward runs its children in registration order: it checks
// that on random inputs against the module's own forward. Input: 1x28x28 pixels in [0, 1].
// Usage:
//   qsq::net::LoadedModel m = qsq::net::load_model("lenet5.pt");   // throws qsq::Error
//   qsq::net::TrainResult r = qsq::net::train(net, data, opts, [](const std::string& s) {});
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "qsq/net/build.hpp"
#include "qsq/net/dataset.hpp"
#include "qsq/net/float_net.hpp"

namespace qsq::net {

struct LoadedModel {
  FloatNet net;           // BatchNorm folded, grouped into integer-layer counterparts
  std::string metadata;   // content of qsq_model.json ("" for a foreign module)
  std::string path;
};

LoadedModel load_model(const std::string& path, Shape3 input = {1, 28, 28});
// Writes net as TorchScript (through a temporary file and a rename); metadata goes to qsq_model.json.
void save_model(const std::string& path, const FloatNet& net, const std::string& metadata_json);

using ProgressFn = std::function<void(const std::string&)>;

struct TrainOptions {
  int epochs = 3;
  std::uint64_t seed = 1;
  int batch = 64;
  double lr = 1e-3;
  int max_batches = 0;  // per epoch; 0 = the whole split (quick runs set a few dozen)
  int threads = 2;
};
struct TrainResult {
  double seconds = 0;
  std::vector<double> epoch_loss;
  int batches = 0;
};

// Initialises net's weights from the seed (PyTorch's default uniform bounds) and trains with Adam.
TrainResult train(FloatNet& net, const Dataset& data, const TrainOptions& o, const ProgressFn& progress);

struct FinetuneOptions {
  TrainOptions train;
  QuantizeOptions quant;
  Quality quality{};  // level used in the forward pass (0 = exact)
};
// Quantization-aware fine-tuning starting from net's weights: the forward pass uses the weights
// as the integer network will hold them (quantize_layer_weights, the exact decoder with its
// rounding, then qs_weight at the chosen level, scaled by 2^-exponent); the backward pass is a
// straight-through estimator (gradients reach the float shadow weights unchanged). The per-filter
// scales and exponents are re-chosen every 25 steps and the codes re-encoded against them (with
// the decoder-aware encoder) at every step; the final .qsq is quantized afresh.
TrainResult finetune(FloatNet& net, const Dataset& data, const FinetuneOptions& o, const ProgressFn& progress);

// Top-1 accuracy of the float network (BatchNorm folded), and of the TorchScript file's own forward.
double float_accuracy(const FloatNet& net, const Dataset& data, int threads = 2);
double module_accuracy(const std::string& path, const Dataset& data, int threads = 2);

// Largest output of every layer (after ReLU and pooling; largest magnitude without ReLU) over the
// first `images` images of data.
std::vector<float> calibrate(const FloatNet& net, const Dataset& data, int images, int threads = 2);

}  // namespace qsq::net
