// Description: fast bit-exact network evaluation (see int_engine.hpp).
#include "qsq/net/int_engine.hpp"

#include <algorithm>
#include <thread>

#include "qsq/csd.hpp"
#include "qsq/error.hpp"

namespace qsq::net {

QuantizedInputs quantize_inputs(const Network& net, const Dataset& d) {
  if (d.shape != net.input)
    throw Error("data set " + d.name + " has " + std::to_string(d.shape.c) + "x" + std::to_string(d.shape.h) + "x" +
                std::to_string(d.shape.w) + " images, network " + net.name + " expects " + std::to_string(net.input.c) +
                "x" + std::to_string(net.input.h) + "x" + std::to_string(net.input.w));
  QuantizedInputs q;
  q.count = d.size();
  q.size = static_cast<int>(d.shape.size());
  q.labels = d.labels;
  q.values.reserve(static_cast<std::size_t>(q.count) * q.size);
  for (int i = 0; i < d.size(); ++i) {
    const Tensor t = quantize_input(net, d.image(i));
    q.values.insert(q.values.end(), t.begin(), t.end());
  }
  return q;
}

namespace {

// Dot product of 16-bit operands into 32 bits; n is a multiple of 16 so the loop vectorises into
// multiply-add-pairs without a scalar tail.
inline std::int32_t dot16(const std::int16_t* __restrict a, const std::int16_t* __restrict b, int n) {
  std::int32_t s = 0;
  for (int i = 0; i < n; ++i) s += static_cast<std::int32_t>(a[i]) * static_cast<std::int32_t>(b[i]);
  return s;
}

}  // namespace

IntEngine::IntEngine(Network net) : net_(std::move(net)) {
  net_.validate();
  fast_ = net_.width <= 15 && net_.acc_width <= 32;
  for (const Layer& L : net_.layers) {
    decoded_.push_back(L.decoded_weights());
    const int fan = L.fan_in();
    const int fp = (fan + 15) / 16 * 16;
    fan_padded_.push_back(fp);
    const Shape3 cs = L.conv_shape();
    const int positions = cs.h * cs.w;
    std::vector<std::int32_t> idx(static_cast<std::size_t>(positions) * fp, -1);
    for (int pos = 0; pos < positions; ++pos) {
      const int oy = pos / cs.w, ox = pos % cs.w;
      for (int t = 0; t < fan; ++t) {
        int src = -1;
        if (L.kind == LayerKind::linear) {
          src = t;
        } else {
          const int k = L.kernel;
          const int c = t / (k * k), ky = (t / k) % k, kx = t % k;
          const int iy = oy * L.stride - L.pad + ky, ix = ox * L.stride - L.pad + kx;
          if (iy >= 0 && iy < L.in.h && ix >= 0 && ix < L.in.w) src = (c * L.in.h + iy) * L.in.w + ix;
        }
        idx[static_cast<std::size_t>(pos) * fp + t] = src;
      }
    }
    im2col_.push_back(std::move(idx));
  }
}

const std::vector<std::int16_t>& IntEngine::weights16(int layer, Quality q) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto key = std::make_pair(layer, std::make_pair(q.q, q.p));
  auto it = w16_.find(key);
  if (it != w16_.end()) return it->second;
  const Layer& L = net_.layers[static_cast<std::size_t>(layer)];
  const int fan = L.fan_in(), fp = fan_padded_[static_cast<std::size_t>(layer)];
  std::vector<std::int16_t> w(static_cast<std::size_t>(L.out_channels) * fp, 0);
  const auto& d = decoded_[static_cast<std::size_t>(layer)];
  for (int f = 0; f < L.out_channels; ++f)
    for (int t = 0; t < fan; ++t)
      w[static_cast<std::size_t>(f) * fp + t] = static_cast<std::int16_t>(qs_weight(d[static_cast<std::size_t>(f) * fan + t], q));
  return w16_.emplace(key, std::move(w)).first->second;
}

const std::vector<std::int32_t>& IntEngine::weights32(int layer, Quality q) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto key = std::make_pair(layer, std::make_pair(q.q, q.p));
  auto it = w32_.find(key);
  if (it != w32_.end()) return it->second;
  const Layer& L = net_.layers[static_cast<std::size_t>(layer)];
  const int fan = L.fan_in(), fp = fan_padded_[static_cast<std::size_t>(layer)];
  std::vector<std::int32_t> w(static_cast<std::size_t>(L.out_channels) * fp, 0);
  const auto& d = decoded_[static_cast<std::size_t>(layer)];
  for (int f = 0; f < L.out_channels; ++f)
    for (int t = 0; t < fan; ++t) w[static_cast<std::size_t>(f) * fp + t] = qs_weight(d[static_cast<std::size_t>(f) * fan + t], q);
  return w32_.emplace(key, std::move(w)).first->second;
}

std::vector<Quality> IntEngine::resolve(std::span<const Quality> per_layer) const {
  const std::size_t n = net_.layers.size();
  if (per_layer.size() != 1 && per_layer.size() != n)
    throw Error("quality list has " + std::to_string(per_layer.size()) + " entries for " + std::to_string(n) + " layers");
  std::vector<Quality> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Quality& q = per_layer.size() == 1 ? per_layer[0] : per_layer[i];
    validate_quality(q, net_.width);
    out[i] = resolve_quality(q, net_.width);
  }
  return out;
}

void IntEngine::run_layer(int i, Quality q, const std::vector<std::int32_t>& in, const std::vector<std::int32_t>* second,
                          std::vector<std::int32_t>& out, std::vector<std::int16_t>& col16,
                          std::vector<std::int32_t>& pre) const {
  const Layer& L = net_.layers[static_cast<std::size_t>(i)];
  if (L.kind == LayerKind::add) {
    out = forward_add(L, in, *second, net_.width);
    return;
  }
  if (L.kind == LayerKind::avgpool) {
    out = forward_truncated(L, {}, in, net_.width, net_.acc_width);
    return;
  }
  const int F = L.out_channels, fp = fan_padded_[static_cast<std::size_t>(i)];
  const Shape3 cs = L.conv_shape();
  const int P = cs.h * cs.w;
  const auto& idx = im2col_[static_cast<std::size_t>(i)];
  pre.resize(static_cast<std::size_t>(F) * P);
  const bool raw = !L.requant.enabled;
  if (L.kind == LayerKind::depthwise) {
    // Filter f reads channel f: the im2col row of channel 0 shifted by f planes.
    const auto& w = weights32(i, q);
    const std::size_t plane = static_cast<std::size_t>(L.in.h) * L.in.w;
    for (int f = 0; f < F; ++f) {
      const std::int32_t* wf = w.data() + static_cast<std::size_t>(f) * fp;
      const std::int32_t* src = in.data() + static_cast<std::size_t>(f) * plane;
      for (int pos = 0; pos < P; ++pos) {
        std::int64_t s = L.bias[static_cast<std::size_t>(f)];
        const std::int32_t* ix = idx.data() + static_cast<std::size_t>(pos) * fp;
        for (int t = 0; t < fp; ++t)
          if (ix[t] >= 0) s += static_cast<std::int64_t>(src[ix[t]]) * wf[t];
        const std::int64_t acc = wrap_acc(s, net_.acc_width);
        pre[static_cast<std::size_t>(f) * P + pos] = raw ? static_cast<std::int32_t>(acc) : requantize(acc, L.requant, net_.width);
      }
    }
  } else if (fast_) {
    const auto& w = weights16(i, q);
    col16.resize(idx.size());
    for (std::size_t k = 0; k < idx.size(); ++k) col16[k] = idx[k] < 0 ? 0 : static_cast<std::int16_t>(in[static_cast<std::size_t>(idx[k])]);
    for (int f = 0; f < F; ++f) {
      const std::int16_t* wf = w.data() + static_cast<std::size_t>(f) * fp;
      const std::int32_t b = L.bias[static_cast<std::size_t>(f)];
      std::int32_t* dst = pre.data() + static_cast<std::size_t>(f) * P;
      for (int pos = 0; pos < P; ++pos) {
        const std::int32_t acc = b + dot16(wf, col16.data() + static_cast<std::size_t>(pos) * fp, fp);
        dst[pos] = raw ? acc : requantize(acc, L.requant, net_.width);
      }
    }
  } else {
    const auto& w = weights32(i, q);
    for (int f = 0; f < F; ++f) {
      const std::int32_t* wf = w.data() + static_cast<std::size_t>(f) * fp;
      for (int pos = 0; pos < P; ++pos) {
        std::int64_t s = L.bias[static_cast<std::size_t>(f)];
        const std::int32_t* ix = idx.data() + static_cast<std::size_t>(pos) * fp;
        for (int t = 0; t < fp; ++t)
          if (ix[t] >= 0) s += static_cast<std::int64_t>(in[static_cast<std::size_t>(ix[t])]) * wf[t];
        const std::int64_t acc = wrap_acc(s, net_.acc_width);
        pre[static_cast<std::size_t>(f) * P + pos] = raw ? static_cast<std::int32_t>(acc) : requantize(acc, L.requant, net_.width);
      }
    }
  }
  if (L.pool.kernel == 0) {
    out.swap(pre);
    return;
  }
  const Shape3 os = L.out_shape();
  out.resize(static_cast<std::size_t>(os.size()));
  for (int c = 0; c < os.c; ++c)
    for (int oy = 0; oy < os.h; ++oy)
      for (int ox = 0; ox < os.w; ++ox) {
        std::int32_t m = pre[(static_cast<std::size_t>(c) * cs.h + oy * L.pool.stride) * cs.w + ox * L.pool.stride];
        for (int dy = 0; dy < L.pool.kernel; ++dy)
          for (int dx = 0; dx < L.pool.kernel; ++dx)
            m = std::max(m, pre[(static_cast<std::size_t>(c) * cs.h + oy * L.pool.stride + dy) * cs.w + ox * L.pool.stride + dx]);
        out[(static_cast<std::size_t>(c) * os.h + oy) * os.w + ox] = m;
      }
}

std::vector<Tensor> IntEngine::activations(std::span<const std::int32_t> x, std::span<const Quality> per_layer) const {
  const std::vector<Quality> qs = resolve(per_layer);
  if (static_cast<std::int64_t>(x.size()) != net_.input.size())
    throw Error("input has " + std::to_string(x.size()) + " values, network expects " + std::to_string(net_.input.size()));
  std::vector<Tensor> acts;
  acts.emplace_back(x.begin(), x.end());
  std::vector<std::int16_t> col16;
  std::vector<std::int32_t> pre;
  for (std::size_t i = 0; i < net_.layers.size(); ++i) {
    Tensor out;
    const int j = net_.layers[i].second_input;  // acts[j + 1] is layer j's output, acts[0] the input
    const Tensor* second = net_.layers[i].kind == LayerKind::add ? &acts[static_cast<std::size_t>(j + 1)] : nullptr;
    run_layer(static_cast<int>(i), qs[i], acts.back(), second, out, col16, pre);
    acts.push_back(std::move(out));
  }
  return acts;
}

Tensor IntEngine::forward(std::span<const std::int32_t> x, std::span<const Quality> per_layer) const {
  return activations(x, per_layer).back();
}

int IntEngine::correct(const QuantizedInputs& x, std::span<const Quality> per_layer, int threads) const {
  const std::vector<Quality> qs = resolve(per_layer);
  if (x.size != net_.input.size()) throw Error("inputs do not match the network's input size");
  threads = std::clamp(threads, 1, 64);
  std::vector<int> hits(static_cast<std::size_t>(threads), 0);
  auto work = [&](int tid) {
    std::vector<std::int16_t> col16;
    std::vector<std::int32_t> pre;
    // acts[0] the image, acts[i + 1] layer i's output; the buffers are reused from image to image.
    std::vector<std::vector<std::int32_t>> acts(net_.layers.size() + 1);
    for (int img = tid; img < x.count; img += threads) {
      const auto in = x.image(img);
      acts[0].assign(in.begin(), in.end());
      for (std::size_t i = 0; i < net_.layers.size(); ++i) {
        const Layer& L = net_.layers[i];
        const auto* second = L.kind == LayerKind::add ? &acts[static_cast<std::size_t>(L.second_input + 1)] : nullptr;
        run_layer(static_cast<int>(i), qs[i], acts[i], second, acts[i + 1], col16, pre);
      }
      if (argmax(acts.back()) == x.labels[static_cast<std::size_t>(img)]) ++hits[static_cast<std::size_t>(tid)];
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& t : pool) t.join();
  int n = 0;
  for (int h : hits) n += h;
  return n;
}

double IntEngine::accuracy(const QuantizedInputs& x, std::span<const Quality> per_layer, int threads) const {
  if (x.count == 0) return 0.0;
  return static_cast<double>(correct(x, per_layer, threads)) / x.count;
}

}  // namespace qsq::net
