// Description: TorchScript model files <-> FloatNet (see torch_bridge.hpp). One of the two
// translation units that include libtorch.
#include <torch/script.h>
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <unistd.h>

#include "qsq/flow/atomic_file.hpp"
#include "qsq/error.hpp"
#include "qsq/net/torch_bridge.hpp"

namespace qsq::net {
namespace {

namespace tj = torch::jit;

std::string type_name(const tj::Module& m) {
  const auto& qn = m.type()->name();
  return qn ? qn->name() : std::string("?");
}

// A hyper-parameter of a scripted torch.nn module: a class constant (names in __constants__) or an attribute.
c10::optional<c10::IValue> hyper(const tj::Module& m, const std::string& name) {
  if (auto c = m.type()->findConstant(name)) return c;
  if (m.hasattr(name)) return m.attr(name);
  return c10::nullopt;
}

[[noreturn]] void bad(const std::string& layer, const std::string& type, const std::string& what) {
  throw Error("model layer '" + layer + "' (" + type + "): " + what);
}

// An int or a pair of equal ints (PyTorch's _pair); rejects unequal pairs (qsq's kernels are square).
int square_int(const tj::Module& m, const std::string& layer, const std::string& name, int fallback, bool required) {
  auto v = hyper(m, name);
  if (!v || v->isNone()) {
    if (required) bad(layer, type_name(m), "has no '" + name + "'");
    return fallback;
  }
  if (v->isInt()) return static_cast<int>(v->toInt());
  std::vector<int64_t> xs;
  if (v->isTuple()) {
    for (const auto& e : v->toTupleRef().elements()) {
      if (!e.isInt()) bad(layer, type_name(m), "'" + name + "' is not a tuple of ints");
      xs.push_back(e.toInt());
    }
  } else if (v->isIntList()) {
    xs = v->toIntVector();
  } else {
    bad(layer, type_name(m), "'" + name + "' has an unsupported value (" + v->tagKind() + ")");
  }
  if (xs.empty()) bad(layer, type_name(m), "'" + name + "' is empty");
  for (auto x : xs)
    if (x != xs[0]) bad(layer, type_name(m), "non-square '" + name + "' is not supported");
  return static_cast<int>(xs[0]);
}

std::vector<float> tensor_values(const torch::Tensor& t) {
  torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

std::vector<float> param(const tj::Module& m, const std::string& layer, const std::string& name, bool optional) {
  if (!m.hasattr(name)) {
    if (optional) return {};
    bad(layer, type_name(m), "has no '" + name + "'");
  }
  auto v = m.attr(name);
  if (v.isNone()) {
    if (optional) return {};
    bad(layer, type_name(m), "'" + name + "' is None");
  }
  if (!v.isTensor()) bad(layer, type_name(m), "'" + name + "' is not a tensor");
  return tensor_values(v.toTensor());
}

void collect(const tj::Module& parent, const std::string& prefix, std::vector<RawOp>& ops) {
  for (const auto& child : parent.named_children()) {
    const std::string name = prefix.empty() ? child.name : prefix + "." + child.name;
    const tj::Module& m = child.value;
    const std::string type = type_name(m);
    RawOp op;
    op.name = name;
    if (type == "Sequential") {
      collect(m, name, ops);
      continue;
    } else if (type == "Conv2d") {
      op.kind = OpKind::conv2d;
      op.weight = param(m, name, "weight", false);
      op.bias = param(m, name, "bias", true);
      auto w = m.attr("weight").toTensor();
      if (w.dim() != 4) bad(name, type, "weight is not 4-dimensional");
      op.out = static_cast<int>(w.size(0));
      op.in = static_cast<int>(w.size(1));
      if (w.size(2) != w.size(3)) bad(name, type, "non-square kernel is not supported");
      op.kernel = static_cast<int>(w.size(2));
      op.stride = square_int(m, name, "stride", 1, false);
      if (auto p = hyper(m, "padding"); p && p->isString()) bad(name, type, "string padding '" + p->toStringRef() + "' is not supported");
      op.pad = square_int(m, name, "padding", 0, false);
      if (square_int(m, name, "dilation", 1, false) != 1) bad(name, type, "dilation other than 1 is not supported");
      if (auto g = hyper(m, "groups"); g && g->isInt() && g->toInt() != 1) bad(name, type, "groups other than 1 are not supported");
      if (auto pm = hyper(m, "padding_mode"); pm && pm->isString() && pm->toStringRef() != "zeros")
        bad(name, type, "padding_mode '" + pm->toStringRef() + "' is not supported (zeros only)");
    } else if (type == "Linear") {
      op.kind = OpKind::linear;
      op.weight = param(m, name, "weight", false);
      op.bias = param(m, name, "bias", true);
      auto w = m.attr("weight").toTensor();
      if (w.dim() != 2) bad(name, type, "weight is not 2-dimensional");
      op.out = static_cast<int>(w.size(0));
      op.in = static_cast<int>(w.size(1));
    } else if (type == "ReLU") {
      op.kind = OpKind::relu;
    } else if (type == "MaxPool2d") {
      op.kind = OpKind::maxpool;
      op.kernel = square_int(m, name, "kernel_size", 0, true);
      op.stride = square_int(m, name, "stride", op.kernel, false);
      op.pad = square_int(m, name, "padding", 0, false);
      if (square_int(m, name, "dilation", 1, false) != 1) bad(name, type, "dilation other than 1 is not supported");
      if (auto c = hyper(m, "ceil_mode"); c && c->isBool() && c->toBool()) bad(name, type, "ceil_mode is not supported");
    } else if (type == "Flatten") {
      op.kind = OpKind::flatten;
      auto s = hyper(m, "start_dim");
      auto e = hyper(m, "end_dim");
      if ((s && s->isInt() && s->toInt() != 1) || (e && e->isInt() && e->toInt() != -1))
        bad(name, type, "only Flatten(start_dim=1, end_dim=-1) is supported");
    } else if (type == "BatchNorm2d") {
      op.kind = OpKind::batchnorm;
      op.mean = param(m, name, "running_mean", true);
      op.var = param(m, name, "running_var", true);
      if (op.mean.empty() || op.var.empty()) bad(name, type, "has no running statistics (track_running_stats=False)");
      op.in = static_cast<int>(op.mean.size());
      op.weight = param(m, name, "weight", true);
      op.bias = param(m, name, "bias", true);
      if (op.weight.empty()) op.weight.assign(op.mean.size(), 1.0f);
      if (op.bias.empty()) op.bias.assign(op.mean.size(), 0.0f);
      if (auto e = hyper(m, "eps"); e && e->isDouble()) op.eps = e->toDouble();
    } else {
      bad(name, type,
          "unsupported layer type; qsq supports Conv2d, Linear, ReLU, MaxPool2d, Flatten and BatchNorm2d (folded)");
    }
    ops.push_back(std::move(op));
  }
}

torch::Tensor net_forward(const FloatNet& net, torch::Tensor x) {
  for (const auto& l : net.layers) {
    auto w = torch::from_blob(const_cast<float*>(l.weight.data()), {static_cast<long>(l.weight.size())}, torch::kFloat32);
    auto b = torch::from_blob(const_cast<float*>(l.bias.data()), {static_cast<long>(l.bias.size())}, torch::kFloat32);
    if (l.kind == LayerKind::conv2d) {
      x = torch::conv2d(x, w.view({l.out_channels, l.in.c, l.kernel, l.kernel}), b, l.stride, l.pad);
    } else {
      x = torch::linear(x.flatten(1), w.view({l.out_channels, l.in.c}), b);
    }
    if (l.relu) x = torch::relu(x);
    if (l.pool.kernel > 0) x = torch::max_pool2d(x, l.pool.kernel, l.pool.stride);
  }
  return x;
}

std::string ints(int a) { return "[" + std::to_string(a) + ", " + std::to_string(a) + "]"; }

c10::IValue pair(int a) { return c10::ivalue::Tuple::create({c10::IValue(int64_t{a}), c10::IValue(int64_t{a})}); }

torch::Tensor to_tensor(const std::vector<float>& v, std::vector<int64_t> shape) {
  return torch::from_blob(const_cast<float*>(v.data()), shape, torch::kFloat32).clone();
}

}  // namespace

LoadedModel load_model(const std::string& path, Shape3 input) {
  if (!std::filesystem::exists(path)) throw Error("model file " + path + " not found");
  tj::Module module;
  tj::ExtraFilesMap extra{{"qsq_model.json", ""}};
  try {
    module = tj::load(path, torch::kCPU, extra);
  } catch (const c10::Error& e) {
    std::string what = e.what_without_backtrace();
    if (auto nl = what.find('\n'); nl != std::string::npos) what = what.substr(0, nl);
    throw Error("cannot load " + path + " as a TorchScript module with libtorch " + TORCH_VERSION + ": " + what);
  }
  module.eval();
  std::vector<RawOp> ops;
  collect(module, "", ops);
  if (ops.empty()) throw Error("model " + path + " (" + type_name(module) + ") has no child layers qsq can read");
  LoadedModel out;
  out.path = path;
  out.metadata = extra["qsq_model.json"];
  out.net = fuse(ops, input);
  out.net.name = std::filesystem::path(path).stem().string();
  // The children were read in registration order; check that the module's forward agrees.
  torch::NoGradGuard no_grad;
  torch::manual_seed(12345);
  auto x = torch::rand({4, input.c, input.h, input.w});
  torch::Tensor ref;
  try {
    ref = module.forward({x}).toTensor();
  } catch (const c10::Error& e) {
    std::string what = e.what_without_backtrace();
    if (auto nl = what.find('\n'); nl != std::string::npos) what = what.substr(0, nl);
    throw Error("model " + path + ": its forward fails on a " + std::to_string(input.c) + "x" + std::to_string(input.h) +
                "x" + std::to_string(input.w) + " input: " + what);
  }
  auto mine = net_forward(out.net, x);
  if (!ref.sizes().equals(mine.sizes()) ||
      !torch::allclose(ref, mine, 1e-3, 1e-3 * (ref.abs().max().item<float>() + 1e-6)))
    throw Error("model " + path + ": its forward does not run its layers in registration order as a plain chain "
                "(qsq reads the children as a sequence)");
  return out;
}

void save_model(const std::string& path, const FloatNet& net, const std::string& metadata_json) {
  // qsq's TorchScript files are Sequentials; residual adds, depthwise convolutions, average
  // pooling and ReLU6 come from ONNX models and go back out as ONNX (qsq export --onnx).
  for (const auto& l : net.layers)
    if ((l.kind != LayerKind::conv2d && l.kind != LayerKind::linear) || l.clip > 0)
      throw Error("cannot save " + path + " as TorchScript: layer '" + l.name + "' is " +
                  (l.clip > 0 ? std::string("a ReLU6") : std::string("an ") + layer_kind_name(l.kind) + " layer") +
                  " (qsq writes conv/linear Sequentials only; export the .qsq with --onnx instead)");
  auto cu = std::make_shared<tj::CompilationUnit>();
  tj::Module top(c10::QualifiedName("__torch__.torch.nn.modules.container.Sequential"), cu, true);
  std::ostringstream fwd;
  fwd << "def forward(self, input: Tensor) -> Tensor:\n";
  for (const RawOp& op : unfuse(net)) {
    std::string body;
    tj::Module m;
    switch (op.kind) {
      case OpKind::conv2d:
        m = tj::Module(c10::QualifiedName("__torch__.torch.nn.modules.conv.Conv2d"), cu, true);
        m.register_parameter("weight", to_tensor(op.weight, {op.out, op.in, op.kernel, op.kernel}), false);
        m.register_parameter("bias", to_tensor(op.bias, {op.out}), false);
        m.type()->addConstant("in_channels", c10::IValue(int64_t{op.in}));
        m.type()->addConstant("out_channels", c10::IValue(int64_t{op.out}));
        m.type()->addConstant("kernel_size", pair(op.kernel));
        m.type()->addConstant("stride", pair(op.stride));
        m.type()->addConstant("padding", pair(op.pad));
        m.type()->addConstant("dilation", pair(1));
        m.type()->addConstant("groups", c10::IValue(int64_t{1}));
        m.type()->addConstant("padding_mode", c10::IValue(std::string("zeros")));
        body = "torch.conv2d(input, self.weight, self.bias, " + ints(op.stride) + ", " + ints(op.pad) + ", [1, 1], 1)";
        break;
      case OpKind::linear:
        m = tj::Module(c10::QualifiedName("__torch__.torch.nn.modules.linear.Linear"), cu, true);
        m.register_parameter("weight", to_tensor(op.weight, {op.out, op.in}), false);
        m.register_parameter("bias", to_tensor(op.bias, {op.out}), false);
        m.type()->addConstant("in_features", c10::IValue(int64_t{op.in}));
        m.type()->addConstant("out_features", c10::IValue(int64_t{op.out}));
        body = "torch.linear(input, self.weight, self.bias)";
        break;
      case OpKind::relu:
        m = tj::Module(c10::QualifiedName("__torch__.torch.nn.modules.activation.ReLU"), cu, true);
        m.type()->addConstant("inplace", c10::IValue(false));
        body = "torch.relu(input)";
        break;
      case OpKind::maxpool:
        m = tj::Module(c10::QualifiedName("__torch__.torch.nn.modules.pooling.MaxPool2d"), cu, true);
        m.type()->addConstant("kernel_size", c10::IValue(int64_t{op.kernel}));
        m.type()->addConstant("stride", c10::IValue(int64_t{op.stride}));
        m.type()->addConstant("padding", c10::IValue(int64_t{0}));
        m.type()->addConstant("dilation", c10::IValue(int64_t{1}));
        m.type()->addConstant("ceil_mode", c10::IValue(false));
        m.type()->addConstant("return_indices", c10::IValue(false));
        body = "torch.max_pool2d(input, " + ints(op.kernel) + ", " + ints(op.stride) + ", [0, 0], [1, 1], False)";
        break;
      case OpKind::flatten:
        m = tj::Module(c10::QualifiedName("__torch__.torch.nn.modules.flatten.Flatten"), cu, true);
        m.type()->addConstant("start_dim", c10::IValue(int64_t{1}));
        m.type()->addConstant("end_dim", c10::IValue(int64_t{-1}));
        body = "torch.flatten(input, 1, -1)";
        break;
      case OpKind::batchnorm:
        throw Error("save_model: BatchNorm is folded before saving");
      case OpKind::relu6:
      case OpKind::avgpool:
      case OpKind::add:
        throw Error("save_model: " + op_kind_name(op.kind) + " is not written as TorchScript");  // refused above
    }
    m.define("def forward(self, input: Tensor) -> Tensor:\n    return " + body + "\n");
    top.register_module(op.name, m);
    fwd << "    input = self." << op.name << ".forward(input)\n";
  }
  fwd << "    return input\n";
  top.define(fwd.str());
  // libtorch writes the file itself: into a temporary sibling, published by the flow library's rename.
  const std::string tmp = flow::temp_sibling(path).string();
  try {
    top.save(tmp, {{"qsq_model.json", metadata_json}});
    flow::publish(tmp, path);
  } catch (const c10::Error& e) {
    std::remove(tmp.c_str());
    throw Error("cannot write model " + path + ": " + e.what_without_backtrace());
  } catch (const Error&) {
    std::remove(tmp.c_str());
    throw;
  }
}

}  // namespace qsq::net
