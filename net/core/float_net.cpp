// Description: folding, grouping and the built-in architectures (see float_net.hpp).
#include "qsq/net/float_net.hpp"

#include <cmath>
#include <cstring>
#include <cstdio>

#include "qsq/error.hpp"

namespace qsq::net {

std::string op_kind_name(OpKind k) {
  switch (k) {
    case OpKind::conv2d: return "Conv2d";
    case OpKind::linear: return "Linear";
    case OpKind::relu: return "ReLU";
    case OpKind::maxpool: return "MaxPool2d";
    case OpKind::flatten: return "Flatten";
    case OpKind::batchnorm: return "BatchNorm2d";
  }
  return "?";
}

Shape3 FloatLayer::conv_shape() const { return conv_output_shape(kind, in, out_channels, kernel, stride, pad); }
Shape3 FloatLayer::out_shape() const { return pooled_shape(conv_shape(), pool); }

std::int64_t FloatNet::macs() const {
  std::int64_t n = 0;
  for (const auto& l : layers) n += l.macs();
  return n;
}
std::int64_t FloatNet::num_weights() const {
  std::int64_t n = 0;
  for (const auto& l : layers) n += static_cast<std::int64_t>(l.weight.size());
  return n;
}
std::int64_t FloatNet::num_biases() const {
  std::int64_t n = 0;
  for (const auto& l : layers) n += static_cast<std::int64_t>(l.bias.size());
  return n;
}

namespace {

[[noreturn]] void reject(const RawOp& op, const std::string& what) {
  throw Error("model layer '" + op.name + "' (" + op_kind_name(op.kind) + "): " + what);
}

std::string shape_str(Shape3 s) {
  return std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

}  // namespace

FloatNet fuse(const std::vector<RawOp>& ops, Shape3 input) {
  FloatNet net;
  net.input = input;
  Shape3 cur = input;
  bool flattened = false;
  // Whether the last layer may still take a BatchNorm (nothing but the conv itself so far).
  bool bn_allowed = false;
  for (const RawOp& op : ops) {
    FloatLayer* last = net.layers.empty() ? nullptr : &net.layers.back();
    switch (op.kind) {
      case OpKind::conv2d: {
        if (flattened) reject(op, "a convolution after Flatten is not supported");
        if (op.in != cur.c) reject(op, "expects " + std::to_string(op.in) + " input channels, gets " + shape_str(cur));
        if (op.kernel < 1 || op.stride < 1 || op.pad < 0) reject(op, "bad kernel/stride/padding");
        if (op.weight.size() != static_cast<std::size_t>(op.out) * op.in * op.kernel * op.kernel)
          reject(op, "weight size does not match its shape");
        FloatLayer l;
        l.name = op.name;
        l.kind = LayerKind::conv2d;
        l.in = cur;
        l.out_channels = op.out;
        l.kernel = op.kernel;
        l.stride = op.stride;
        l.pad = op.pad;
        l.weight = op.weight;
        l.bias = op.bias.empty() ? std::vector<float>(static_cast<std::size_t>(op.out), 0.0f) : op.bias;
        if (l.bias.size() != static_cast<std::size_t>(op.out)) reject(op, "bias size does not match its shape");
        const Shape3 cs = l.conv_shape();
        if (cs.h < 1 || cs.w < 1) reject(op, "input " + shape_str(cur) + " is smaller than the kernel");
        net.layers.push_back(std::move(l));
        cur = cs;
        bn_allowed = true;
        break;
      }
      case OpKind::linear: {
        if (op.in != cur.size())
          reject(op, "expects " + std::to_string(op.in) + " input features, gets " + shape_str(cur) + " = " +
                         std::to_string(cur.size()));
        if (!flattened && (cur.h != 1 || cur.w != 1)) reject(op, "needs a Flatten before it");
        if (op.weight.size() != static_cast<std::size_t>(op.out) * op.in) reject(op, "weight size does not match its shape");
        FloatLayer l;
        l.name = op.name;
        l.kind = LayerKind::linear;
        l.in = {op.in, 1, 1};
        l.out_channels = op.out;
        l.weight = op.weight;
        l.bias = op.bias.empty() ? std::vector<float>(static_cast<std::size_t>(op.out), 0.0f) : op.bias;
        if (l.bias.size() != static_cast<std::size_t>(op.out)) reject(op, "bias size does not match its shape");
        net.layers.push_back(std::move(l));
        cur = {op.out, 1, 1};
        bn_allowed = true;  // BatchNorm1d (an ONNX BatchNormalization on N x features) folds the same way
        break;
      }
      case OpKind::batchnorm: {
        if (!last || !bn_allowed) reject(op, "BatchNorm is folded only directly after a Conv2d or Linear");
        const auto n = static_cast<std::size_t>(last->out_channels);
        if (static_cast<std::size_t>(op.in) != n || op.weight.size() != n || op.bias.size() != n || op.mean.size() != n ||
            op.var.size() != n)
          reject(op, "has " + std::to_string(op.in) + " channels, the conv before it " + std::to_string(n));
        const std::size_t per = static_cast<std::size_t>(last->fan_in());
        for (std::size_t f = 0; f < n; ++f) {
          const double g = op.weight[f] / std::sqrt(static_cast<double>(op.var[f]) + op.eps);
          for (std::size_t t = 0; t < per; ++t) last->weight[f * per + t] = static_cast<float>(last->weight[f * per + t] * g);
          last->bias[f] = static_cast<float>((last->bias[f] - op.mean[f]) * g + op.bias[f]);
        }
        bn_allowed = false;
        break;
      }
      case OpKind::relu:
        if (!last) reject(op, "a ReLU before the first Conv2d/Linear is not supported");
        last->relu = true;  // ReLU commutes with max pooling, and a second ReLU changes nothing
        bn_allowed = false;
        break;
      case OpKind::maxpool: {
        if (!last || flattened) reject(op, "max pooling must follow a Conv2d");
        if (last->kind != LayerKind::conv2d) reject(op, "max pooling must follow a Conv2d");
        if (last->pool.kernel > 0) reject(op, "two poolings after one convolution are not supported");
        if (op.pad != 0) reject(op, "padding " + std::to_string(op.pad) + " is not supported (0 only)");
        if (op.kernel < 1 || op.stride < 1) reject(op, "bad kernel/stride");
        if (op.kernel > cur.h || op.kernel > cur.w) reject(op, "kernel larger than its input " + shape_str(cur));
        last->pool = {op.kernel, op.stride};
        cur = last->out_shape();
        bn_allowed = false;
        break;
      }
      case OpKind::flatten:
        flattened = true;
        break;
    }
  }
  if (net.layers.empty()) throw Error("model has no Conv2d or Linear layer");
  if (net.layers.back().relu)
    throw Error("model's last layer '" + net.layers.back().name + "' ends in a ReLU; qsq expects raw logits");
  return net;
}

std::vector<RawOp> unfuse(const FloatNet& net) {
  std::vector<RawOp> ops;
  bool flattened = false;
  for (const auto& l : net.layers) {
    RawOp op;
    op.name = l.name;
    op.weight = l.weight;
    op.bias = l.bias;
    op.out = l.out_channels;
    if (l.kind == LayerKind::conv2d) {
      op.kind = OpKind::conv2d;
      op.in = l.in.c;
      op.kernel = l.kernel;
      op.stride = l.stride;
      op.pad = l.pad;
    } else {
      if (!flattened) {
        RawOp f;
        f.kind = OpKind::flatten;
        f.name = "flatten";
        ops.push_back(f);
        flattened = true;
      }
      op.kind = OpKind::linear;
      op.in = l.in.c;
    }
    ops.push_back(op);
    if (l.relu) {
      RawOp r;
      r.kind = OpKind::relu;
      r.name = l.name + "_relu";
      ops.push_back(r);
    }
    if (l.pool.kernel > 0) {
      RawOp p;
      p.kind = OpKind::maxpool;
      p.name = l.name + "_pool";
      p.kernel = l.pool.kernel;
      p.stride = l.pool.stride;
      ops.push_back(p);
    }
  }
  return ops;
}

namespace {

RawOp conv(const std::string& name, int in, int out, int k, int pad) {
  RawOp op;
  op.kind = OpKind::conv2d;
  op.name = name;
  op.in = in;
  op.out = out;
  op.kernel = k;
  op.pad = pad;
  op.weight.assign(static_cast<std::size_t>(out) * in * k * k, 0.0f);
  op.bias.assign(static_cast<std::size_t>(out), 0.0f);
  return op;
}
RawOp linear(const std::string& name, int in, int out) {
  RawOp op;
  op.kind = OpKind::linear;
  op.name = name;
  op.in = in;
  op.out = out;
  op.weight.assign(static_cast<std::size_t>(out) * in, 0.0f);
  op.bias.assign(static_cast<std::size_t>(out), 0.0f);
  return op;
}
RawOp simple(OpKind k, const std::string& name, int kernel = 1) {
  RawOp op;
  op.kind = k;
  op.name = name;
  op.kernel = kernel;
  op.stride = kernel;
  return op;
}

}  // namespace

std::vector<std::string> architecture_names() { return {"lenet5", "convnet"}; }

FloatNet architecture(const std::string& name) {
  std::vector<RawOp> ops;
  if (name == "lenet5") {
    ops = {conv("conv1", 1, 6, 5, 2),     simple(OpKind::relu, "relu1"), simple(OpKind::maxpool, "pool1", 2),
           conv("conv2", 6, 16, 5, 0),    simple(OpKind::relu, "relu2"), simple(OpKind::maxpool, "pool2", 2),
           simple(OpKind::flatten, "flatten"),
           linear("fc1", 400, 120),       simple(OpKind::relu, "relu3"),
           linear("fc2", 120, 84),        simple(OpKind::relu, "relu4"),
           linear("fc3", 84, 10)};
  } else if (name == "convnet") {
    ops = {conv("conv1", 1, 16, 3, 1),    simple(OpKind::relu, "relu1"), simple(OpKind::maxpool, "pool1", 2),
           conv("conv2", 16, 32, 3, 1),   simple(OpKind::relu, "relu2"), simple(OpKind::maxpool, "pool2", 2),
           simple(OpKind::flatten, "flatten"),
           linear("fc1", 32 * 7 * 7, 128), simple(OpKind::relu, "relu3"),
           linear("fc2", 128, 10)};
  } else {
    throw Error("unknown network '" + name + "' (expected lenet5 or convnet)");
  }
  FloatNet net = fuse(ops, {1, 28, 28});
  net.name = name;
  return net;
}

std::string weights_hash(const FloatNet& net) {
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](const std::vector<float>& v) {
    for (float f : v) {
      std::uint32_t bits;
      std::memcpy(&bits, &f, sizeof bits);
      for (int i = 0; i < 4; ++i) {
        h ^= (bits >> (8 * i)) & 0xffu;
        h *= 1099511628211ull;
      }
    }
  };
  for (const auto& l : net.layers) {
    mix(l.weight);
    mix(l.bias);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace qsq::net
