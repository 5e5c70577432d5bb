// Description: training, quantization-aware fine-tuning, float accuracy and activation
// calibration with libtorch (see torch_bridge.hpp). One of the two translation units that
// include libtorch.
#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

#include "qsq/codebook.hpp"
#include "qsq/csd.hpp"
#include "qsq/error.hpp"
#include "qsq/net/torch_bridge.hpp"

namespace qsq::net {
namespace {

struct Params {
  std::vector<torch::Tensor> w, b;
};

std::vector<int64_t> weight_shape(const FloatLayer& l) {
  if (l.kind == LayerKind::conv2d) return {l.out_channels, l.in.c, l.kernel, l.kernel};
  if (l.kind == LayerKind::depthwise) return {l.out_channels, 1, l.kernel, l.kernel};
  if (l.kind == LayerKind::linear) return {l.out_channels, l.in.c};
  return {0};  // avgpool, add: no weights
}

Params to_params(const FloatNet& net, bool grad) {
  Params p;
  for (const auto& l : net.layers) {
    p.w.push_back(torch::from_blob(const_cast<float*>(l.weight.data()), weight_shape(l), torch::kFloat32).clone().set_requires_grad(grad));
    const std::int64_t biases = static_cast<std::int64_t>(l.bias.size());
    p.b.push_back(torch::from_blob(const_cast<float*>(l.bias.data()), {biases}, torch::kFloat32).clone().set_requires_grad(grad));
  }
  return p;
}

void from_params(const Params& p, FloatNet& net) {
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    auto w = p.w[i].detach().contiguous();
    auto b = p.b[i].detach().contiguous();
    std::copy(w.data_ptr<float>(), w.data_ptr<float>() + w.numel(), net.layers[i].weight.begin());
    std::copy(b.data_ptr<float>(), b.data_ptr<float>() + b.numel(), net.layers[i].bias.begin());
  }
}

// The float forward over the grouped layers; `weights` may differ from p.w (fine-tuning).
// If `maxima` is given, records each layer's largest output (magnitude when there is no ReLU).
torch::Tensor forward(const FloatNet& net, const std::vector<torch::Tensor>& weights, const std::vector<torch::Tensor>& biases,
                      torch::Tensor x, std::vector<float>* maxima = nullptr) {
  const torch::Tensor input = x;
  std::vector<torch::Tensor> outs;  // every layer's output: an add reads an earlier one
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const auto& l = net.layers[i];
    if (l.kind == LayerKind::conv2d) {
      x = torch::conv2d(x, weights[i], biases[i], l.stride, l.pad);
    } else if (l.kind == LayerKind::depthwise) {
      x = torch::conv2d(x, weights[i], biases[i], l.stride, l.pad, 1, l.in.c);
    } else if (l.kind == LayerKind::avgpool) {
      x = l.kernel == 0 ? x.mean({2, 3}, true) : torch::avg_pool2d(x, l.kernel, l.stride);
    } else if (l.kind == LayerKind::add) {
      x = x + (l.second_input < 0 ? input : outs[static_cast<std::size_t>(l.second_input)]);
    } else {
      x = torch::linear(x.flatten(1), weights[i], biases[i]);
    }
    if (l.relu) x = l.clip > 0 ? torch::clamp(x, 0.0, static_cast<double>(l.clip)) : torch::relu(x);
    if (l.pool.kernel > 0) x = torch::max_pool2d(x, l.pool.kernel, l.pool.stride);
    if (maxima) {
      const float m = (l.relu ? x.max() : x.abs().max()).item<float>();
      (*maxima)[i] = std::max((*maxima)[i], m);
    }
    outs.push_back(x);
  }
  return x;
}

torch::Tensor batch_images(const Dataset& d, const std::vector<int>& idx, std::size_t from, std::size_t n) {
  const auto px = static_cast<std::size_t>(d.shape.size());
  torch::Tensor t = torch::empty({static_cast<long>(n), d.shape.c, d.shape.h, d.shape.w}, torch::kFloat32);
  float* dst = t.data_ptr<float>();
  for (std::size_t k = 0; k < n; ++k) {
    const auto img = d.image(idx[from + k]);
    std::copy(img.begin(), img.end(), dst + k * px);
  }
  return t;
}

torch::Tensor batch_labels(const Dataset& d, const std::vector<int>& idx, std::size_t from, std::size_t n) {
  torch::Tensor t = torch::empty({static_cast<long>(n)}, torch::kInt64);
  auto* dst = t.data_ptr<int64_t>();
  for (std::size_t k = 0; k < n; ++k) dst[k] = d.labels[static_cast<std::size_t>(idx[from + k])];
  return t;
}

// PyTorch's default initialisation of Conv2d/Linear: uniform in +-1/sqrt(fan_in) for weights and biases.
void init_weights(FloatNet& net, std::uint64_t seed) {
  torch::manual_seed(seed);
  for (auto& l : net.layers) {
    if (!is_mac(l.kind)) continue;  // avgpool, add: nothing to initialise
    const double bound = 1.0 / std::sqrt(static_cast<double>(l.fan_in()));
    auto w = torch::empty({static_cast<long>(l.weight.size())}).uniform_(-bound, bound);
    auto b = torch::empty({static_cast<long>(l.bias.size())}).uniform_(-bound, bound);
    std::copy(w.data_ptr<float>(), w.data_ptr<float>() + w.numel(), l.weight.begin());
    std::copy(b.data_ptr<float>(), b.data_ptr<float>() + b.numel(), l.bias.begin());
  }
}

// Per-layer scales and exponent of the last full quantization; between refreshes the codes are
// re-encoded against them (the error-minimising scale search is too slow for every step).
struct ScaleCache {
  int exponent = 0;
  std::vector<std::uint32_t> scales;
  bool valid = false;
};
constexpr int kScaleRefreshSteps = 25;

// The weights the integer network will hold for layer i, as float tensors (decoder, level, 2^-e).
torch::Tensor quantized_weight(const FloatNet& net, std::size_t i, const torch::Tensor& w, const FinetuneOptions& o,
                               ScaleCache& cache, bool refresh) {
  FloatLayer l = net.layers[i];
  auto wc = w.detach().contiguous();
  std::copy(wc.data_ptr<float>(), wc.data_ptr<float>() + wc.numel(), l.weight.begin());
  const int n = static_cast<int>(net.layers.size());
  const bool plain = layer_is_plain(static_cast<int>(i), n, o.quant);
  LayerWeights lw;
  if (plain || refresh || !cache.valid) {
    lw = quantize_layer_weights(l, plain, o.quant);
    cache = {lw.exponent, lw.scales, !plain};
  } else {
    const Codebook& cb = codebook(o.quant.codebook, o.quant.code_bits);
    lw.exponent = cache.exponent;
    lw.decoded.resize(l.weight.size());
    const double k = std::ldexp(1.0, cache.exponent);
    const std::size_t per = static_cast<std::size_t>(l.fan_in());
    for (std::size_t t = 0; t < l.weight.size(); ++t) {
      const std::uint32_t s = cache.scales[t / per];
      lw.decoded[t] = cb.decode(cb.encode_nearest(s, l.weight[t] * k), s);
    }
  }
  const Quality q = resolve_quality(o.quality, o.quant.width);
  const double k = std::ldexp(1.0, -lw.exponent);
  torch::Tensor out = torch::empty(w.sizes(), torch::kFloat32);
  float* dst = out.data_ptr<float>();
  for (std::size_t t = 0; t < lw.decoded.size(); ++t) dst[t] = static_cast<float>(qs_weight(lw.decoded[t], q) * k);
  return out;
}

TrainResult run_training(FloatNet& net, const Dataset& data, const TrainOptions& o, const FinetuneOptions* qat,
                         const ProgressFn& progress) {
  if (data.size() == 0) throw Error("training data set is empty");
  torch::set_num_threads(o.threads);
  torch::manual_seed(o.seed);
  const auto t0 = std::chrono::steady_clock::now();
  Params p = to_params(net, true);
  std::vector<torch::Tensor> all;
  for (std::size_t i = 0; i < p.w.size(); ++i) {
    all.push_back(p.w[i]);
    all.push_back(p.b[i]);
  }
  torch::optim::Adam opt(all, torch::optim::AdamOptions(o.lr));
  std::vector<int> order(static_cast<std::size_t>(data.size()));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(o.seed);
  TrainResult r;
  std::vector<ScaleCache> scale_cache(net.layers.size());
  const std::size_t batch = static_cast<std::size_t>(std::max(1, o.batch));
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    // Halve the learning rate every epoch after the first (a short schedule that settles quickly).
    for (auto& g : opt.param_groups())
      static_cast<torch::optim::AdamOptions&>(g.options()).lr(o.lr * std::pow(0.5, std::max(0, epoch)));
    std::shuffle(order.begin(), order.end(), rng);
    double loss_sum = 0;
    int batches = 0;
    for (std::size_t from = 0; from + batch <= order.size(); from += batch) {
      if (o.max_batches > 0 && batches >= o.max_batches) break;
      auto x = batch_images(data, order, from, batch);
      auto y = batch_labels(data, order, from, batch);
      std::vector<torch::Tensor> weights = p.w;
      if (qat) {
        const bool refresh = batches % kScaleRefreshSteps == 0;
        for (std::size_t i = 0; i < p.w.size(); ++i) {
          if (!is_mac(net.layers[i].kind)) continue;
          auto wq = quantized_weight(net, i, p.w[i], *qat, scale_cache[i], refresh);
          weights[i] = p.w[i] + (wq - p.w[i]).detach();  // straight-through estimator
        }
      }
      auto logits = forward(net, weights, p.b, x);
      auto loss = torch::nn::functional::cross_entropy(logits, y);
      opt.zero_grad();
      loss.backward();
      opt.step();
      loss_sum += loss.item<double>();
      ++batches;
      if (batches % 200 == 0)
        progress("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(o.epochs) + " batch " + std::to_string(batches) +
                 " loss " + std::to_string(loss_sum / batches));
    }
    r.epoch_loss.push_back(batches ? loss_sum / batches : 0.0);
    r.batches += batches;
    progress("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(o.epochs) + " mean loss " +
             std::to_string(r.epoch_loss.back()));
  }
  from_params(p, net);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace

TrainResult train(FloatNet& net, const Dataset& data, const TrainOptions& o, const ProgressFn& progress) {
  init_weights(net, o.seed);
  return run_training(net, data, o, nullptr, progress);
}

TrainResult finetune(FloatNet& net, const Dataset& data, const FinetuneOptions& o, const ProgressFn& progress) {
  return run_training(net, data, o.train, &o, progress);
}

double float_accuracy(const FloatNet& net, const Dataset& data, int threads) {
  torch::set_num_threads(threads);
  torch::NoGradGuard no_grad;
  Params p = to_params(net, false);
  std::vector<int> idx(static_cast<std::size_t>(data.size()));
  std::iota(idx.begin(), idx.end(), 0);
  long hits = 0;
  for (std::size_t from = 0; from < idx.size(); from += 1000) {
    const std::size_t n = std::min<std::size_t>(1000, idx.size() - from);
    auto pred = forward(net, p.w, p.b, batch_images(data, idx, from, n)).argmax(1);
    hits += pred.eq(batch_labels(data, idx, from, n)).sum().item<long>();
  }
  return data.size() ? static_cast<double>(hits) / data.size() : 0.0;
}

double module_accuracy(const std::string& path, const Dataset& data, int threads) {
  torch::set_num_threads(threads);
  torch::NoGradGuard no_grad;
  torch::jit::Module m;
  try {
    m = torch::jit::load(path);
  } catch (const c10::Error& e) {
    throw Error("cannot load " + path + " as TorchScript: " + e.what_without_backtrace());
  }
  m.eval();
  std::vector<int> idx(static_cast<std::size_t>(data.size()));
  std::iota(idx.begin(), idx.end(), 0);
  long hits = 0;
  for (std::size_t from = 0; from < idx.size(); from += 1000) {
    const std::size_t n = std::min<std::size_t>(1000, idx.size() - from);
    auto pred = m.forward({batch_images(data, idx, from, n)}).toTensor().argmax(1);
    hits += pred.eq(batch_labels(data, idx, from, n)).sum().item<long>();
  }
  return data.size() ? static_cast<double>(hits) / data.size() : 0.0;
}

std::vector<float> calibrate(const FloatNet& net, const Dataset& data, int images, int threads) {
  torch::set_num_threads(threads);
  torch::NoGradGuard no_grad;
  Params p = to_params(net, false);
  std::vector<float> maxima(net.layers.size(), 0.0f);
  const std::size_t n = static_cast<std::size_t>(std::min(images, data.size()));
  std::vector<int> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  for (std::size_t from = 0; from < n; from += 500) {
    const std::size_t k = std::min<std::size_t>(500, n - from);
    forward(net, p.w, p.b, batch_images(data, idx, from, k), &maxima);
  }
  return maxima;
}

}  // namespace qsq::net
