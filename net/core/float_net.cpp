// Description: folding, grouping and the built-in architectures (see float_net.hpp).
#include "qsq/net/float_net.hpp"

#include <algorithm>
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
    case OpKind::relu6: return "ReLU6";
    case OpKind::avgpool: return "AvgPool2d";
    case OpKind::add: return "Add";
  }
  return "?";
}

int FloatLayer::fan_in() const {
  Layer probe;  // the integer layer's one definition of the terms per dot product
  probe.kind = kind;
  probe.in = in;
  probe.kernel = kernel;
  return probe.fan_in();
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
  // The layer each op ended up in (-1: none yet), and the last op of each layer: an Add may read
  // an op's output only where that op ends its layer (the integer network holds nothing else).
  std::vector<int> op_layer(ops.size(), -1);
  std::vector<int> last_op;
  auto joins = [&](std::size_t k) {
    op_layer[k] = static_cast<int>(net.layers.size()) - 1;
    if (op_layer[k] >= 0) last_op[static_cast<std::size_t>(op_layer[k])] = static_cast<int>(k);
  };
  auto start_layer = [&](FloatLayer l, std::size_t k) {
    net.layers.push_back(std::move(l));
    last_op.push_back(static_cast<int>(k));
    joins(k);
  };
  for (std::size_t k = 0; k < ops.size(); ++k) {
    const RawOp& op = ops[k];
    FloatLayer* last = net.layers.empty() ? nullptr : &net.layers.back();
    switch (op.kind) {
      case OpKind::conv2d: {
        if (flattened) reject(op, "a convolution after Flatten is not supported");
        if (op.in != cur.c) reject(op, "expects " + std::to_string(op.in) + " input channels, gets " + shape_str(cur));
        if (op.kernel < 1 || op.stride < 1 || op.pad < 0) reject(op, "bad kernel/stride/padding");
        const bool depthwise = op.group != 1;
        if (depthwise && !(op.group == op.in && op.out == op.in))
          reject(op, "group " + std::to_string(op.group) + " is not supported (1, or depthwise: group = in = out channels)");
        const std::size_t per = static_cast<std::size_t>(depthwise ? 1 : op.in) * op.kernel * op.kernel;
        if (op.weight.size() != static_cast<std::size_t>(op.out) * per) reject(op, "weight size does not match its shape");
        FloatLayer l;
        l.name = op.name;
        l.kind = depthwise ? LayerKind::depthwise : LayerKind::conv2d;
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
        start_layer(std::move(l), k);
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
        start_layer(std::move(l), k);
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
        joins(k);
        bn_allowed = false;
        break;
      }
      case OpKind::relu:
      case OpKind::relu6:
        if (!last) reject(op, "a ReLU before the first Conv2d/Linear is not supported");
        if (last->kind == LayerKind::avgpool) reject(op, "a ReLU after average pooling is not supported");
        if (op.kind == OpKind::relu6) {
          if (!(op.clip > 0) || !std::isfinite(op.clip)) reject(op, "the upper bound must be finite and > 0");
          last->clip = last->clip > 0 ? std::min(last->clip, op.clip) : op.clip;
        }
        last->relu = true;  // ReLU(6) commutes with max pooling, and a second ReLU changes nothing
        joins(k);
        bn_allowed = false;
        break;
      case OpKind::maxpool: {
        if (!last || flattened) reject(op, "max pooling must follow a Conv2d");
        if (last->kind != LayerKind::conv2d && last->kind != LayerKind::depthwise) reject(op, "max pooling must follow a Conv2d");
        if (last->pool.kernel > 0) reject(op, "two poolings after one convolution are not supported");
        if (op.pad != 0) reject(op, "padding " + std::to_string(op.pad) + " is not supported (0 only)");
        if (op.kernel < 1 || op.stride < 1) reject(op, "bad kernel/stride");
        if (op.kernel > cur.h || op.kernel > cur.w) reject(op, "kernel larger than its input " + shape_str(cur));
        last->pool = {op.kernel, op.stride};
        cur = last->out_shape();
        joins(k);
        bn_allowed = false;
        break;
      }
      case OpKind::avgpool: {
        if (flattened) reject(op, "average pooling after Flatten is not supported");
        if (op.pad != 0) reject(op, "padding " + std::to_string(op.pad) + " is not supported (0 only)");
        if (op.kernel != 0 && (op.kernel < 1 || op.stride < 1)) reject(op, "bad kernel/stride");
        if (op.kernel > cur.h || op.kernel > cur.w) reject(op, "kernel larger than its input " + shape_str(cur));
        FloatLayer l;
        l.name = op.name;
        l.kind = LayerKind::avgpool;
        l.in = cur;
        l.out_channels = cur.c;
        l.kernel = op.kernel;
        l.stride = op.kernel == 0 ? 0 : op.stride;
        cur = l.out_shape();
        start_layer(std::move(l), k);
        bn_allowed = false;
        break;
      }
      case OpKind::add: {
        if (!last) reject(op, "an Add before the first Conv2d/Linear is not supported");
        if (flattened) reject(op, "an Add after Flatten is not supported");
        if (op.second < -1 || op.second >= static_cast<int>(k)) reject(op, "adds an operand that is not computed before it");
        int source = -1;
        Shape3 other = input;
        if (op.second >= 0) {
          source = op_layer[static_cast<std::size_t>(op.second)];
          const RawOp& src = ops[static_cast<std::size_t>(op.second)];
          if (source < 0 || last_op[static_cast<std::size_t>(source)] != op.second)
            reject(op, "adds the output of '" + src.name + "' (" + op_kind_name(src.kind) +
                           "), which is not the end of a layer (qsq keeps only each layer's output after its ReLU and pooling)");
          other = net.layers[static_cast<std::size_t>(source)].out_shape();
        }
        if (!(other == cur)) reject(op, "adds tensors of shapes " + shape_str(cur) + " and " + shape_str(other));
        FloatLayer l;
        l.name = op.name;
        l.kind = LayerKind::add;
        l.in = cur;
        l.out_channels = cur.c;
        l.second_input = source;
        start_layer(std::move(l), k);
        bn_allowed = false;
        break;
      }
      case OpKind::flatten:
        flattened = true;
        joins(k);
        break;
    }
  }
  if (net.layers.empty()) throw Error("model has no Conv2d or Linear layer");
  if (net.layers.back().relu)
    throw Error("model's last layer '" + net.layers.back().name + "' ends in a ReLU; qsq expects raw logits");
  if (!is_mac(net.layers.back().kind))
    throw Error("model's last layer '" + net.layers.back().name + "' is an " + layer_kind_name(net.layers.back().kind) +
                "; qsq expects a Conv2d or Linear layer's raw logits at the end");
  return net;
}

std::vector<RawOp> unfuse(const FloatNet& net) {
  std::vector<RawOp> ops;
  std::vector<int> last_op;  // per layer: the index of its last op, which an Add names
  bool flattened = false;
  for (const auto& l : net.layers) {
    RawOp op;
    op.name = l.name;
    op.weight = l.weight;
    op.bias = l.bias;
    op.out = l.out_channels;
    if (l.kind == LayerKind::conv2d || l.kind == LayerKind::depthwise) {
      op.kind = OpKind::conv2d;
      op.in = l.in.c;
      op.kernel = l.kernel;
      op.stride = l.stride;
      op.pad = l.pad;
      op.group = l.kind == LayerKind::depthwise ? l.in.c : 1;
    } else if (l.kind == LayerKind::avgpool) {
      op.kind = OpKind::avgpool;
      op.in = l.in.c;
      op.kernel = l.kernel;
      op.stride = l.stride;
    } else if (l.kind == LayerKind::add) {
      op.kind = OpKind::add;
      op.in = l.in.c;
      op.second = l.second_input < 0 ? -1 : last_op[static_cast<std::size_t>(l.second_input)];
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
      r.kind = l.clip > 0 ? OpKind::relu6 : OpKind::relu;
      r.clip = l.clip > 0 ? l.clip : r.clip;
      r.name = l.name + (l.clip > 0 ? "_relu6" : "_relu");
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
    last_op.push_back(static_cast<int>(ops.size()) - 1);
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
