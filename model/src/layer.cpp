#include "qsq/layer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "qsq/codebook.hpp"
#include "qsq/csd.hpp"

namespace qsq {

const char* layer_kind_name(LayerKind k) {
  switch (k) {
    case LayerKind::conv2d: return "conv2d";
    case LayerKind::linear: return "linear";
    case LayerKind::depthwise: return "depthwise";
    case LayerKind::avgpool: return "avgpool";
    case LayerKind::add: return "add";
  }
  return "unknown";
}

Shape3 conv_output_shape(LayerKind kind, const Shape3& in, int out_channels, int kernel, int stride, int pad) {
  if (kind == LayerKind::linear) return {out_channels, 1, 1};
  if (kind == LayerKind::add) return in;
  if (kind == LayerKind::avgpool && kernel == 0) return {in.c, 1, 1};
  return {out_channels, (in.h + 2 * pad - kernel) / stride + 1, (in.w + 2 * pad - kernel) / stride + 1};
}

Shape3 pooled_shape(const Shape3& conv, const Pool& pool) {
  Shape3 s = conv;
  if (pool.kernel > 0) {
    s.h = (s.h - pool.kernel) / pool.stride + 1;
    s.w = (s.w - pool.kernel) / pool.stride + 1;
  }
  return s;
}

int Layer::fan_in() const {
  switch (kind) {
    case LayerKind::conv2d: return in.c * kernel * kernel;
    case LayerKind::linear: return in.c;
    case LayerKind::depthwise: return kernel * kernel;
    default: return 0;
  }
}

Shape3 Layer::conv_shape() const { return conv_output_shape(kind, in, out_channels, kernel, stride, pad); }
Shape3 Layer::out_shape() const { return pooled_shape(conv_shape(), pool); }

std::vector<std::int32_t> Layer::decoded_weights() const {
  if (format == WeightFormat::plain) return plain;
  if (format == WeightFormat::none) return {};
  const Codebook& cb = qsq::codebook(codebook, code_bits);
  std::vector<std::int32_t> out(codes.size());
  const std::size_t per = static_cast<std::size_t>(fan_in());
  for (std::size_t i = 0; i < codes.size(); ++i) out[i] = cb.decode(codes[i], scales[i / per]);
  return out;
}

namespace {
[[noreturn]] void bad(const Layer& l, const std::string& what) {
  throw Error("layer '" + l.name + "': " + what);
}
void range(const Layer& l, const char* what, long long v, long long lo, long long hi) {
  if (v < lo || v > hi)
    bad(l, std::string(what) + " = " + std::to_string(v) + " is out of range [" + std::to_string(lo) + ", " +
               std::to_string(hi) + "]");
}

// The rules of layers without weights (avgpool, add): shapes, and every weight, bias and
// weight-format field empty or zero, so that a file stores each such layer one way only.
void validate_weightless(const Layer& l) {
  using namespace layer_limits;
  if (l.out_channels != l.in.c) bad(l, std::string("an ") + layer_kind_name(l.kind) + " layer keeps its channels (out_channels = in.c)");
  if (l.pad != 0 || l.pool.kernel != 0 || l.pool.stride != 0) bad(l, std::string("an ") + layer_kind_name(l.kind) + " layer has no padding and no max pooling");
  if (l.format != WeightFormat::none || l.code_bits != 0 || l.codebook != CodebookId::pow2 || l.exponent != 0 ||
      !l.codes.empty() || !l.scales.empty() || !l.plain.empty() || !l.bias.empty())
    bad(l, std::string("an ") + layer_kind_name(l.kind) + " layer has no weights, biases or weight format");
  if (l.kind == LayerKind::avgpool) {
    range(l, "average pool kernel", l.kernel, 0, kMaxAvgKernel);
    if (l.kernel == 0) {
      if (l.stride != 0) bad(l, "a global average pooling (kernel 0) has stride 0");
    } else {
      range(l, "average pool stride", l.stride, 1, kMaxStride);
      if (l.in.h < l.kernel || l.in.w < l.kernel) bad(l, "average pool kernel larger than its input");
    }
    const Requant& r = l.requant;
    if (r.enabled || r.relu || r.multiplier != 1 || r.shift != 0 || r.clip != 0 || r.multiplier_b != 0)
      bad(l, "an avgpool layer does not requantize (requant disabled, multiplier 1, shift 0, no ReLU or clip)");
    if (l.second_input != -1) bad(l, "only an add layer has a second input");
  } else {
    if (l.kernel != 1 || l.stride != 1) bad(l, "an add layer needs kernel 1, stride 1");
    if (!l.requant.enabled) bad(l, "an add layer always requantizes");
    range(l, "second input multiplier", l.requant.multiplier_b, 1, INT32_MAX);
  }
}

}  // namespace

void Layer::validate(int width) const {
  require_range("width", width, limits::kWidthMin, limits::kWidthMax);
  using namespace layer_limits;
  constexpr long long kDim = kMaxDim;  // the container stores dimensions as u16
  range(*this, "kind", static_cast<int>(kind), 1, 5);
  range(*this, "input channels", in.c, 1, kDim);
  range(*this, "input height", in.h, 1, kDim);
  range(*this, "input width", in.w, 1, kDim);
  range(*this, "output channels", out_channels, 1, kDim);
  if (requant.enabled) {
    range(*this, "requant multiplier", requant.multiplier, 1, INT32_MAX);
    range(*this, "requant shift", requant.shift, 0, kMaxShift);
    if (requant.clip != 0) {
      range(*this, "clip", requant.clip, 1, max_value(width));
      if (!requant.relu) bad(*this, "a clip (ReLU6) needs the ReLU's lower bound 0");
    }
  } else if (requant.clip != 0) {
    bad(*this, "a clip needs requantization");
  }
  if (kind != LayerKind::add && requant.multiplier_b != 0) bad(*this, "only an add layer has a second multiplier");
  if (kind != LayerKind::add && second_input != -1) bad(*this, "only an add layer has a second input");
  if (!is_mac(kind)) return validate_weightless(*this);
  if (kind == LayerKind::linear) {
    if (in.h != 1 || in.w != 1) bad(*this, "a linear layer's input shape must be {K, 1, 1}");
    if (kernel != 1 || stride != 1 || pad != 0) bad(*this, "a linear layer needs kernel 1, stride 1, pad 0");
  } else {
    range(*this, "kernel", kernel, 1, kMaxKernel);
    range(*this, "stride", stride, 1, kMaxStride);
    range(*this, "pad", pad, 0, kernel - 1);
    if (in.h + 2 * pad < kernel || in.w + 2 * pad < kernel) bad(*this, "kernel larger than the padded input");
    if (kind == LayerKind::depthwise && out_channels != in.c)
      bad(*this, "a depthwise layer has one filter per input channel (out_channels " + std::to_string(out_channels) +
                     " != in.c " + std::to_string(in.c) + ")");
  }
  if (std::int64_t{in.c} * kernel * kernel > kMaxFanIn) bad(*this, "fan-in above 2^24");
  if (num_weights() > kMaxWeights) bad(*this, "more than 2^28 weights");
  if (pool.kernel != 0) {
    range(*this, "pool kernel", pool.kernel, 1, kMaxPool);
    range(*this, "pool stride", pool.stride, 1, kMaxPool);
    const Shape3 c = conv_shape();
    if (c.h < pool.kernel || c.w < pool.kernel) bad(*this, "pool kernel larger than its input");
  } else if (pool.stride != 0) {
    bad(*this, "pool stride set without a pool kernel");
  }
  const auto n = static_cast<std::size_t>(num_weights());
  if (bias.size() != static_cast<std::size_t>(out_channels))
    bad(*this, "has " + std::to_string(bias.size()) + " biases for " + std::to_string(out_channels) + " filters");
  if (format == WeightFormat::coded) {
    range(*this, "code bits", code_bits, limits::kCodeBitsMin, limits::kCodeBitsMax);
    range(*this, "codebook", static_cast<int>(codebook), 0, kNumCodebooks - 1);
    if (codes.size() != n) bad(*this, "has " + std::to_string(codes.size()) + " codes for " + std::to_string(n) + " weights");
    if (scales.size() != static_cast<std::size_t>(out_channels)) bad(*this, "needs one scale per filter");
    if (!plain.empty()) bad(*this, "a coded layer carries no plain weights");
    for (auto c : codes) range(*this, "code", c, 0, (1 << code_bits) - 1);
    for (auto s : scales) range(*this, "scale", s, 0, max_scale(width));
  } else if (format == WeightFormat::plain) {
    if (plain.size() != n) bad(*this, "has " + std::to_string(plain.size()) + " weights for " + std::to_string(n));
    if (!codes.empty() || !scales.empty()) bad(*this, "a plain layer carries no codes or scales");
    for (auto w : plain) range(*this, "plain weight", w, min_value(width), max_value(width));
  } else {
    bad(*this, "unknown weight format " + std::to_string(static_cast<int>(format)));
  }
  range(*this, "exponent", exponent, kMinExponent, kMaxExponent);
}

std::int64_t Layer::worst_case_acc(int width) const {
  if (!is_mac(kind)) return 0;  // no accumulator: avgpool and add sum exactly in 64 bits
  const auto w = decoded_weights();
  const int qmax = max_digits(width);
  std::int64_t worst_bias = 0;
  for (auto b : bias) worst_bias = std::max<std::int64_t>(worst_bias, std::llabs(b));
  // |-2^(W-1)|, whatever the previous layer's ReLU: see layer.hpp.
  const std::int64_t amax = -static_cast<std::int64_t>(min_value(width));
  std::int64_t worst = 0;
  const std::size_t per = static_cast<std::size_t>(fan_in());
  // Largest truncated magnitude over every (q, p), memoised per weight value: a layer has far
  // more weights than there are W-bit values.
  std::vector<std::int32_t> memo(std::size_t{1} << width, -1);
  auto largest = [&](std::int32_t v) {
    if (v < min_value(width) || v > max_value(width)) throw Error("layer '" + name + "': weight out of the W-bit range");
    std::int32_t& m = memo[static_cast<std::size_t>(v - min_value(width))];
    if (m < 0) {
      m = 0;
      for (int q = 1; q <= qmax; ++q)
        for (int p = 0; p < width; ++p) m = std::max(m, std::abs(qs_weight(v, {q, p})));
    }
    return static_cast<std::int64_t>(m);
  };
  for (std::size_t f = 0; f < static_cast<std::size_t>(out_channels); ++f) {
    std::int64_t sum = 0;
    for (std::size_t t = 0; t < per; ++t) sum += largest(w[f * per + t]) * amax;
    worst = std::max<std::int64_t>(worst, sum + std::llabs(bias[f]));
  }
  return std::max(worst, worst_bias);
}

std::int32_t clamp_activation(std::int64_t y, const Requant& r, int width) {
  const std::int64_t lo = r.relu ? 0 : min_value(width);
  const std::int64_t hi = r.clip > 0 ? std::min<std::int64_t>(r.clip, max_value(width)) : max_value(width);
  return static_cast<std::int32_t>(std::clamp(y, lo, hi));
}

std::int32_t requantize(std::int64_t acc, const Requant& r, int width) {
  if (!r.enabled) return static_cast<std::int32_t>(acc);
  // acc < 2^47 and multiplier < 2^31 keep the product inside 64 bits (AccW <= 48).
  const std::int64_t prod = acc * r.multiplier;
  const std::int64_t y = r.shift == 0 ? prod : (prod + (std::int64_t{1} << (r.shift - 1))) >> r.shift;
  return clamp_activation(y, r, width);
}

std::int32_t average_rounded(std::int64_t sum, std::int64_t n) {
  // Floor division (C++ truncates towards zero): the mean rounded half up, for negative sums too.
  const std::int64_t num = 2 * sum + n, den = 2 * n;
  std::int64_t q = num / den;
  if ((num % den != 0) && ((num < 0) != (den < 0))) --q;
  return static_cast<std::int32_t>(q);
}

Tensor forward_add(const Layer& l, std::span<const std::int32_t> a, std::span<const std::int32_t> b, int width) {
  if (l.kind != LayerKind::add) throw Error("layer '" + l.name + "': forward_add of a " + layer_kind_name(l.kind) + " layer");
  const auto n = static_cast<std::size_t>(l.in.size());
  if (a.size() != n || b.size() != n)
    throw Error("layer '" + l.name + "': add inputs have " + std::to_string(a.size()) + " and " + std::to_string(b.size()) +
                " values, expected " + std::to_string(n));
  const Requant& r = l.requant;
  Tensor out(n);
  for (std::size_t i = 0; i < n; ++i) {
    // |a|, |b| <= 2^15 and multipliers < 2^31: the sum stays below 2^47.
    const std::int64_t s = std::int64_t{a[i]} * r.multiplier + std::int64_t{b[i]} * r.multiplier_b;
    const std::int64_t y = r.shift == 0 ? s : (s + (std::int64_t{1} << (r.shift - 1))) >> r.shift;
    out[i] = clamp_activation(y, r, width);
  }
  return out;
}

std::int32_t gather(const Layer& l, std::span<const std::int32_t> input, int pos, int t) {
  if (l.kind == LayerKind::depthwise) throw Error("layer '" + l.name + "': a depthwise gather needs the filter");
  return gather(l, input, 0, pos, t);
}

std::int32_t gather(const Layer& l, std::span<const std::int32_t> input, int filter, int pos, int t) {
  if (l.kind == LayerKind::linear) return input[static_cast<std::size_t>(t)];
  const int k2 = l.kernel * l.kernel;
  const int c = l.kind == LayerKind::depthwise ? filter : t / k2, ky = (t % k2) / l.kernel, kx = t % l.kernel;
  const int ow = l.conv_shape().w;
  const int y = (pos / ow) * l.stride - l.pad + ky, x = (pos % ow) * l.stride - l.pad + kx;
  if (y < 0 || x < 0 || y >= l.in.h || x >= l.in.w) return 0;
  return input[(static_cast<std::size_t>(c) * l.in.h + y) * l.in.w + x];
}

namespace {

// The average pooling layer: window sums over K x K (the whole plane for K = 0), each rounded by
// average_rounded.
Tensor average_pool(const Layer& l, std::span<const std::int32_t> input, const Shape3& os) {
  const int kh = l.kernel == 0 ? l.in.h : l.kernel, kw = l.kernel == 0 ? l.in.w : l.kernel;
  const int stride = l.kernel == 0 ? 1 : l.stride;
  const std::int64_t n = std::int64_t{kh} * kw;
  Tensor out(static_cast<std::size_t>(os.size()));
  for (int c = 0; c < os.c; ++c)
    for (int oy = 0; oy < os.h; ++oy)
      for (int ox = 0; ox < os.w; ++ox) {
        std::int64_t sum = 0;
        for (int y = 0; y < kh; ++y)
          for (int x = 0; x < kw; ++x)
            sum += input[(static_cast<std::size_t>(c) * l.in.h + oy * stride + y) * l.in.w + ox * stride + x];
        out[(static_cast<std::size_t>(c) * os.h + oy) * os.w + ox] = average_rounded(sum, n);
      }
  return out;
}

}  // namespace

Tensor forward_truncated(const Layer& l, std::span<const std::int32_t> tw, std::span<const std::int32_t> input,
                         int width, int acc_width) {
  if (input.size() != static_cast<std::size_t>(l.in.size()))
    throw Error("layer '" + l.name + "': input has " + std::to_string(input.size()) + " values, expected " +
                std::to_string(l.in.size()));
  const Shape3 cs = l.conv_shape();
  if (l.kind == LayerKind::add) throw Error("layer '" + l.name + "': an add layer needs its second input (forward_add)");
  if (l.kind == LayerKind::avgpool) return average_pool(l, input, cs);
  const int fan = l.fan_in();
  Tensor conv(static_cast<std::size_t>(cs.size()));
  for (int f = 0; f < l.out_channels; ++f) {
    const std::int32_t* wf = tw.data() + static_cast<std::size_t>(f) * fan;
    for (int oy = 0; oy < cs.h; ++oy) {
      for (int ox = 0; ox < cs.w; ++ox) {
        std::int64_t acc = l.bias[f];
        if (l.kind == LayerKind::linear) {
          for (int t = 0; t < fan; ++t) acc += static_cast<std::int64_t>(input[t]) * wf[t];
        } else {
          // A depthwise filter f reads channel f with weights [ky][kx]; a conv filter every channel.
          const bool dw = l.kind == LayerKind::depthwise;
          for (int c = dw ? f : 0; c < (dw ? f + 1 : l.in.c); ++c) {
            for (int ky = 0; ky < l.kernel; ++ky) {
              const int y = oy * l.stride - l.pad + ky;
              if (y < 0 || y >= l.in.h) continue;
              const std::int32_t* row = input.data() + (static_cast<std::size_t>(c) * l.in.h + y) * l.in.w;
              const std::int32_t* wr = wf + ((dw ? 0 : c) * l.kernel + ky) * l.kernel;
              for (int kx = 0; kx < l.kernel; ++kx) {
                const int x = ox * l.stride - l.pad + kx;
                if (x >= 0 && x < l.in.w) acc += static_cast<std::int64_t>(row[x]) * wr[kx];
              }
            }
          }
        }
        conv[(static_cast<std::size_t>(f) * cs.h + oy) * cs.w + ox] =
            requantize(wrap_acc(acc, acc_width), l.requant, width);
      }
    }
  }
  if (l.pool.kernel == 0) return conv;
  const Shape3 os = l.out_shape();
  Tensor out(static_cast<std::size_t>(os.size()));
  for (int c = 0; c < os.c; ++c)
    for (int oy = 0; oy < os.h; ++oy)
      for (int ox = 0; ox < os.w; ++ox) {
        std::int32_t m = INT32_MIN;
        for (int py = 0; py < l.pool.kernel; ++py)
          for (int px = 0; px < l.pool.kernel; ++px)
            m = std::max(m, conv[(static_cast<std::size_t>(c) * cs.h + oy * l.pool.stride + py) * cs.w +
                                 ox * l.pool.stride + px]);
        out[(static_cast<std::size_t>(c) * os.h + oy) * os.w + ox] = m;
      }
  return out;
}

std::vector<std::int32_t> truncate_weights(std::span<const std::int32_t> decoded, Quality q) {
  std::vector<std::int32_t> tw(decoded.size());
  for (std::size_t i = 0; i < decoded.size(); ++i) tw[i] = qs_weight(decoded[i], q);
  return tw;
}

Tensor forward_layer(const Layer& l, std::span<const std::int32_t> weights, std::span<const std::int32_t> input,
                     int width, int acc_width, Quality q) {
  q = resolve_quality(q, width);
  const auto tw = truncate_weights(weights, q);
  return forward_truncated(l, tw, input, width, acc_width);
}

Tensor forward_layer(const Layer& l, std::span<const std::int32_t> input, int width, int acc_width, Quality q) {
  const auto w = l.decoded_weights();
  return forward_layer(l, w, input, width, acc_width, q);
}

}  // namespace qsq

namespace qsq {

Requant requant_for_ratio(double ratio, bool relu) {
  if (!(ratio > 0) || !std::isfinite(ratio)) throw Error("requantization ratio must be finite and positive");
  int shift = 14;
  double m = ratio * std::ldexp(1.0, shift);
  while (m < 16384.0 && shift < 62) m = ratio * std::ldexp(1.0, ++shift);
  while (m >= 32767.5 && shift > 0) m = ratio * std::ldexp(1.0, --shift);
  Requant r;
  r.enabled = true;
  r.relu = relu;
  r.shift = shift;
  r.multiplier = static_cast<std::int32_t>(std::clamp(std::nearbyint(m), 1.0, 2147483647.0));
  return r;
}

}  // namespace qsq
