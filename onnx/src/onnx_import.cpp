// Description: ONNX graph -> chain of RawOps -> fuse() (see qsq/onnx/onnx_import.hpp).
#include "qsq/onnx/onnx_import.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>

#include "onnx_tensor.hpp"
#include "qonnx_quant.hpp"
#include "shape_chain.hpp"
#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"

namespace qsq::onnx_io {
namespace {

using net::OpKind;
using net::RawOp;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

class Reader {
 public:
  Reader(const onnx::ModelProto& m, std::string label) : model_(m), label_(std::move(label)) {}

  net::FloatNet run(std::optional<Shape3> given);

 private:
  const onnx::ModelProto& model_;
  std::string label_;
  std::map<std::string, Const> consts_;
  std::string data_;            // the tensor the chain has reached
  std::vector<RawOp> ops_;
  // The op whose output each computed tensor is (-1: the network input; -2: a tensor inside a
  // layer, such as a convolution's output before its bias Add): a residual Add names its second
  // operand this way.
  std::map<std::string, int> produced_;
  ShapeChains shapes_;
  int opset_ = 13;
  // Index in ops_ of a Conv/Gemm/MatMul whose output is data_ itself: a constant Add right after
  // it is its bias.
  int affine_ = -1;
  std::string where_;           // "file: node 'n' (Op)" of the node being read

  [[noreturn]] void fail(const std::string& what) const { throw Error(where_ + ": " + what); }

  bool is_const(const std::string& name) const { return consts_.count(name) > 0; }
  const Const& constant(const onnx::NodeProto& n, int i, const char* role) const;
  const Const* optional_constant(const onnx::NodeProto& n, int i, const char* role) const;
  void only_attributes(const onnx::NodeProto& n, std::initializer_list<const char*> known) const;
  const onnx::AttributeProto* attr(const onnx::NodeProto& n, const char* name, onnx::AttributeProto::AttributeType t) const;
  std::int64_t attr_int(const onnx::NodeProto& n, const char* name, std::int64_t fallback) const;
  double attr_float(const onnx::NodeProto& n, const char* name, double fallback) const;
  std::string attr_string(const onnx::NodeProto& n, const char* name, const std::string& fallback) const;
  std::vector<std::int64_t> attr_ints(const onnx::NodeProto& n, const char* name) const;
  int square(const std::vector<std::int64_t>& v, const char* name, int fallback) const;
  void nonempty(const Const& w) const {
    for (auto d : w.dims)
      if (d < 1) fail("weight has an empty dimension");
  }

  void fold(const onnx::NodeProto& n);
  void layer(const onnx::NodeProto& n, const std::string& name);
  void conv(const onnx::NodeProto& n, RawOp& op);
  void gemm(const onnx::NodeProto& n, RawOp& op);
  void matmul(const onnx::NodeProto& n, RawOp& op);
  void add(const onnx::NodeProto& n, RawOp& op);
  void clip(const onnx::NodeProto& n, RawOp& op);
  void avgpool(const onnx::NodeProto& n, RawOp& op);
  void pad(const onnx::NodeProto& n);
  void maxpool(const onnx::NodeProto& n, RawOp& op);
  void reshape(const onnx::NodeProto& n);
  void batchnorm(const onnx::NodeProto& n, RawOp& op);
  Shape3 input_shape(std::optional<Shape3> given, bool& flat_input);
};

const Const& Reader::constant(const onnx::NodeProto& n, int i, const char* role) const {
  if (i >= n.input_size() || n.input(i).empty()) fail(std::string("has no ") + role + " input");
  auto it = consts_.find(n.input(i));
  if (it == consts_.end()) fail(std::string(role) + " '" + n.input(i) + "' is not a constant (an initializer or a folded Constant)");
  return it->second;
}

const Const* Reader::optional_constant(const onnx::NodeProto& n, int i, const char* role) const {
  if (i >= n.input_size() || n.input(i).empty()) return nullptr;
  return &constant(n, i, role);
}

void Reader::only_attributes(const onnx::NodeProto& n, std::initializer_list<const char*> known) const {
  for (const auto& a : n.attribute()) {
    bool ok = false;
    for (const char* k : known) ok = ok || a.name() == k;
    if (!ok) fail("attribute '" + a.name() + "' is not supported");
  }
}

const onnx::AttributeProto* Reader::attr(const onnx::NodeProto& n, const char* name, onnx::AttributeProto::AttributeType t) const {
  for (const auto& a : n.attribute())
    if (a.name() == name) {
      // Old exporters leave `type` unset; trust the field that holds a value then.
      if (a.has_type() && a.type() != t) fail(std::string("attribute '") + name + "' has the wrong type");
      return &a;
    }
  return nullptr;
}
std::int64_t Reader::attr_int(const onnx::NodeProto& n, const char* name, std::int64_t fallback) const {
  const auto* a = attr(n, name, onnx::AttributeProto::INT);
  return a ? a->i() : fallback;
}
double Reader::attr_float(const onnx::NodeProto& n, const char* name, double fallback) const {
  const auto* a = attr(n, name, onnx::AttributeProto::FLOAT);
  return a ? a->f() : fallback;
}
std::string Reader::attr_string(const onnx::NodeProto& n, const char* name, const std::string& fallback) const {
  const auto* a = attr(n, name, onnx::AttributeProto::STRING);
  return a ? a->s() : fallback;
}
std::vector<std::int64_t> Reader::attr_ints(const onnx::NodeProto& n, const char* name) const {
  const auto* a = attr(n, name, onnx::AttributeProto::INTS);
  return a ? std::vector<std::int64_t>(a->ints().begin(), a->ints().end()) : std::vector<std::int64_t>{};
}

// qsq's kernels, strides and paddings are one number for both axes.
int Reader::square(const std::vector<std::int64_t>& v, const char* name, int fallback) const {
  if (v.empty()) return fallback;
  for (auto x : v)
    if (x != v[0]) fail(std::string("non-square '") + name + "' is not supported (qsq's layers use one value for both axes)");
  if (v[0] < 0 || v[0] > 4096) fail(std::string("'") + name + "' " + std::to_string(v[0]) + " is out of range");
  return static_cast<int>(v[0]);
}

// Constant-only nodes become constants themselves.
void Reader::fold(const onnx::NodeProto& n) {
  const std::string& op = n.op_type();
  if (n.output_size() < 1) fail("has no output");
  Const out;
  if (op == "Constant") {
    if (n.attribute_size() != 1) fail("needs exactly one value attribute");
    const auto& a = n.attribute(0);
    if (a.name() == "value") {
      out = decode(a.t(), where_ + " value");
    } else if (a.name() == "value_float") {
      out.values = {a.f()};
    } else if (a.name() == "value_floats") {
      out.values.assign(a.floats().begin(), a.floats().end());
      out.dims = {static_cast<std::int64_t>(out.values.size())};
    } else if (a.name() == "value_int") {
      out.values = {static_cast<double>(a.i())};
    } else if (a.name() == "value_ints") {
      out.values.assign(a.ints().begin(), a.ints().end());
      out.dims = {static_cast<std::int64_t>(out.values.size())};
    } else {
      fail("value attribute '" + a.name() + "' is not supported");
    }
  } else if (op == "Identity") {
    out = constant(n, 0, "input");
  } else {  // a QONNX Quant of a constant
    QuantAttrs qa;
    only_attributes(n, {"signed", "narrow", "rounding_mode"});
    qa.is_signed = attr_int(n, "signed", 1) != 0;
    qa.narrow = attr_int(n, "narrow", 0) != 0;
    qa.rounding = attr_string(n, "rounding_mode", "ROUND");
    out = apply_quant(constant(n, 0, "x"), constant(n, 1, "scale"), constant(n, 2, "zero point"),
                      constant(n, 3, "bit width"), qa, where_);
  }
  consts_[n.output(0)] = std::move(out);
}

Shape3 Reader::input_shape(std::optional<Shape3> given, bool& flat_input) {
  const auto& g = model_.graph();
  std::set<std::string> inits;
  for (const auto& t : g.initializer()) inits.insert(t.name());
  const onnx::ValueInfoProto* in = nullptr;
  for (const auto& v : g.input()) {
    if (inits.count(v.name())) continue;  // older exporters list the weights as inputs too
    if (in) throw Error(label_ + ": graph has more than one data input ('" + in->name() + "', '" + v.name() + "')");
    in = &v;
  }
  if (!in) throw Error(label_ + ": graph has no data input");
  data_ = in->name();
  produced_[data_] = -1;
  if (!in->type().has_tensor_type()) throw Error(label_ + ": input '" + in->name() + "' is not a tensor");
  const auto& tt = in->type().tensor_type();
  if (tt.elem_type() != onnx::TensorProto::FLOAT) throw Error(label_ + ": input '" + in->name() + "' is not float32");
  std::vector<std::int64_t> dims;  // -1: symbolic
  for (const auto& d : tt.shape().dim()) dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
  for (std::size_t i = 1; i < dims.size(); ++i)
    if (dims[i] == 0 || dims[i] > (1 << 20)) throw Error(label_ + ": input '" + in->name() + "' has dimension " + std::to_string(dims[i]));
  std::int64_t elements = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) elements *= std::max<std::int64_t>(dims[i], 1);
  if (elements > (std::int64_t{1} << 28)) throw Error(label_ + ": input '" + in->name() + "' has more than 2^28 values per image");
  const Shape3 fallback = given.value_or(Shape3{1, 28, 28});
  flat_input = false;
  if (dims.size() == 4) {
    if (dims[1] < 0 || dims[2] < 0 || dims[3] < 0) return fallback;
    const Shape3 s{static_cast<int>(dims[1]), static_cast<int>(dims[2]), static_cast<int>(dims[3])};
    if (given && !(*given == s))
      throw Error(label_ + ": input '" + in->name() + "' is " + std::to_string(s.c) + "x" + std::to_string(s.h) + "x" +
                  std::to_string(s.w) + ", the data is " + std::to_string(given->c) + "x" + std::to_string(given->h) + "x" +
                  std::to_string(given->w));
    return s;
  }
  if (dims.size() == 2) {
    // A model of flattened images: the images keep their shape and are flattened first.
    flat_input = true;
    if (dims[1] < 0 || fallback.size() == dims[1]) return fallback;
    return Shape3{static_cast<int>(dims[1]), 1, 1};
  }
  if (dims.empty()) return fallback;  // no shape recorded
  throw Error(label_ + ": input '" + in->name() + "' has rank " + std::to_string(dims.size()) + " (qsq reads NCHW or N x features)");
}

net::FloatNet Reader::run(std::optional<Shape3> given) {
  where_ = label_;
  for (const auto& o : model_.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") opset_ = static_cast<int>(o.version());
  const auto& g = model_.graph();
  for (const auto& t : g.initializer()) consts_[t.name()] = decode(t, label_ + ": initializer '" + t.name() + "'");
  bool flat_input = false;
  const Shape3 input = input_shape(given, flat_input);
  if (flat_input) {
    RawOp f;
    f.kind = OpKind::flatten;
    f.name = "input_flatten";
    ops_.push_back(f);
  }
  for (int i = 0; i < g.node_size(); ++i) {
    const auto& n = g.node(i);
    // An unnamed node is named by its index and first output (appended piecewise: GCC 12's
    // -Wrestrict misfires on "#" + std::to_string(i)).
    std::string name = n.name();
    if (name.empty()) {
      name = '#';
      name += std::to_string(i);
      if (n.output_size()) name += " -> " + n.output(0);
    }
    where_ = label_ + ": node '" + name + "' (" + n.op_type() + ")";
    const bool std_domain = n.domain().empty() || n.domain() == "ai.onnx";
    const bool quant = is_qonnx_domain(n.domain()) && n.op_type() == "Quant";
    if (!std_domain && !quant) fail("domain '" + n.domain() + "' is not supported");
    bool all_const = true;
    for (const auto& in : n.input()) all_const = all_const && (in.empty() || is_const(in));
    if (n.op_type() == "Constant" || ((n.op_type() == "Identity" || quant) && n.input_size() > 0 && all_const)) {
      fold(n);
      continue;
    }
    if (quant) fail("Quant of a computed tensor or with computed parameters is not supported (qsq calibrates its own activation quantization; only weights may carry Quant)");
    if (shapes_.take(n, consts_, [this](const std::string& what) { fail(what); })) continue;
    layer(n, name);
  }
  where_ = label_;
  if (g.output_size() != 1) throw Error(label_ + ": graph has " + std::to_string(g.output_size()) + " outputs (qsq reads one)");
  if (g.output(0).name() != data_)
    throw Error(label_ + ": graph output '" + g.output(0).name() + "' is not the end of the chain ('" + data_ + "')");
  try {
    net::FloatNet net = net::fuse(ops_, input);
    return net;
  } catch (const Error& e) {
    throw Error(label_ + ": " + e.what());
  }
}

void Reader::layer(const onnx::NodeProto& n, const std::string& name) {
  const std::string& t = n.op_type();
  // The chain: the node reads the tensor the previous layer wrote (any operand of an Add; the
  // other operand of a residual Add is an earlier tensor of the chain).
  bool reads_data = n.input_size() > 0 && n.input(0) == data_;
  if (t == "Add" && n.input_size() == 2 && n.input(1) == data_) reads_data = true;
  if (!reads_data)
    fail("does not read the previous node's output '" + data_ +
         "' (qsq reads a chain of nodes whose only branches are the identity shortcuts of residual Adds)");
  if (n.output_size() < 1 || n.output(0).empty()) fail("has no output");
  for (int i = 1; i < n.output_size(); ++i)
    if (!n.output(i).empty() && t != "Dropout") fail("a second output ('" + n.output(i) + "') is not supported");
  RawOp op;
  op.name = name;
  int affine = -1;
  if (t == "Conv") {
    conv(n, op);
  } else if (t == "Gemm") {
    gemm(n, op);
  } else if (t == "MatMul") {
    matmul(n, op);
  } else if (t == "Add") {
    add(n, op);
  } else if (t == "Relu") {
    only_attributes(n, {});
    op.kind = OpKind::relu;
  } else if (t == "Clip") {
    clip(n, op);
  } else if (t == "MaxPool") {
    maxpool(n, op);
  } else if (t == "Flatten") {
    only_attributes(n, {"axis"});
    if (attr_int(n, "axis", 1) != 1) fail("only axis 1 is supported (N x features)");
    op.kind = OpKind::flatten;
  } else if (t == "Reshape") {
    reshape(n);
    op.kind = OpKind::flatten;
  } else if (t == "BatchNormalization") {
    batchnorm(n, op);
  } else if (t == "Identity" || t == "Dropout") {
    // Inference: both pass their input through.
    produced_[n.output(0)] = produced_.count(data_) ? produced_[data_] : -2;
    data_ = n.output(0);
    return;
  } else if (t == "Pad") {
    pad(n);  // a zero padding (torch writes one before every AveragePool): passes its input through
    produced_[n.output(0)] = produced_.count(data_) ? produced_[data_] : -2;
    data_ = n.output(0);
    return;
  } else if (t == "AveragePool" || t == "GlobalAveragePool") {
    avgpool(n, op);
  } else {
    fail("unsupported op (qsq reads Conv (group 1 or depthwise), Gemm, MatMul, Add (a constant bias or a residual), "
         "Relu, Clip(0, inf) and Clip(0, max), MaxPool, AveragePool, GlobalAveragePool, Flatten, Reshape to 2-D, "
         "BatchNormalization, Identity, Dropout, Pad of zeros, Constant and QONNX Quant of weights)");
  }
  if (op.kind == OpKind::add && op.second == -3) {
    // A bias Add: the op before it now ends at this output; its own output is inside the layer.
    produced_[data_] = -2;
    produced_[n.output(0)] = affine_;
    data_ = n.output(0);
    return;
  }
  if (op.kind == OpKind::conv2d || op.kind == OpKind::linear) affine = static_cast<int>(ops_.size());
  produced_[n.output(0)] = static_cast<int>(ops_.size());
  ops_.push_back(std::move(op));
  affine_ = affine;
  data_ = n.output(0);
}

void Reader::conv(const onnx::NodeProto& n, RawOp& op) {
  only_attributes(n, {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  if (n.input_size() > 3) fail("has more than 3 inputs");
  const Const& w = constant(n, 1, "weight");
  if (w.dims.size() != 4) fail("weight is not 4-dimensional (qsq reads 2-D convolutions)");
  nonempty(w);
  const std::int64_t group = attr_int(n, "group", 1);
  // Depthwise: one K x K filter per channel (weight [C, 1, K, K], group C); no other grouping.
  if (group != 1 && !(group == w.dims[0] && w.dims[1] == 1))
    fail("group " + std::to_string(group) + " is not supported (1, or depthwise: group = input channels = output channels, weight [C, 1, k, k])");
  if (w.dims[2] != w.dims[3]) fail("non-square kernel is not supported");
  const auto ks = attr_ints(n, "kernel_shape");
  if (!ks.empty() && (ks.size() != 2 || ks[0] != w.dims[2] || ks[1] != w.dims[3])) fail("kernel_shape does not match the weight");
  for (auto d : attr_ints(n, "dilations"))
    if (d != 1) fail("dilations other than 1 are not supported");
  const std::string ap = attr_string(n, "auto_pad", "NOTSET");
  if (ap != "NOTSET" && ap != "VALID") fail("auto_pad '" + ap + "' is not supported (NOTSET or VALID)");
  op.kind = OpKind::conv2d;
  op.out = static_cast<int>(w.dims[0]);
  op.in = static_cast<int>(group == 1 ? w.dims[1] : group);
  op.group = static_cast<int>(group);
  op.kernel = static_cast<int>(w.dims[2]);
  op.stride = square(attr_ints(n, "strides"), "strides", 1);
  op.pad = square(attr_ints(n, "pads"), "pads", 0);
  if (ap == "VALID" && op.pad != 0) fail("auto_pad VALID with pads");
  op.weight = w.floats();
  if (const Const* b = optional_constant(n, 2, "bias")) {
    if (b->size() != op.out) fail("bias has " + std::to_string(b->size()) + " values for " + std::to_string(op.out) + " filters");
    op.bias = b->floats();
  }
}

void Reader::gemm(const onnx::NodeProto& n, RawOp& op) {
  only_attributes(n, {"alpha", "beta", "transA", "transB"});
  if (attr_int(n, "transA", 0) != 0) fail("transA is not supported (the data is N x features)");
  const Const& b = constant(n, 1, "weight");
  if (b.dims.size() != 2) fail("weight is not 2-dimensional");
  nonempty(b);
  const bool tb = attr_int(n, "transB", 0) != 0;
  const auto rows = b.dims[0], cols = b.dims[1];
  op.kind = OpKind::linear;
  op.out = static_cast<int>(tb ? rows : cols);
  op.in = static_cast<int>(tb ? cols : rows);
  const double alpha = attr_float(n, "alpha", 1.0), beta = attr_float(n, "beta", 1.0);
  op.weight.resize(b.values.size());
  // qsq holds [out][in]; Gemm without transB holds [in][out].
  for (std::int64_t o = 0; o < op.out; ++o)
    for (std::int64_t i = 0; i < op.in; ++i)
      op.weight[static_cast<std::size_t>(o * op.in + i)] =
          static_cast<float>(alpha * b.values[static_cast<std::size_t>(tb ? o * cols + i : i * cols + o)]);
  if (const Const* c = optional_constant(n, 2, "bias")) {
    if (c->size() != op.out && c->size() != 1)
      fail("bias has " + std::to_string(c->size()) + " values for " + std::to_string(op.out) + " outputs");
    op.bias.resize(static_cast<std::size_t>(op.out));
    for (std::int64_t o = 0; o < op.out; ++o)
      op.bias[static_cast<std::size_t>(o)] = static_cast<float>(beta * c->values[static_cast<std::size_t>(c->size() == 1 ? 0 : o)]);
  }
}

void Reader::matmul(const onnx::NodeProto& n, RawOp& op) {
  only_attributes(n, {});
  const Const& b = constant(n, 1, "weight");
  if (b.dims.size() != 2) fail("weight is not 2-dimensional");
  nonempty(b);
  op.kind = OpKind::linear;
  op.in = static_cast<int>(b.dims[0]);
  op.out = static_cast<int>(b.dims[1]);
  op.weight.resize(b.values.size());
  for (std::int64_t o = 0; o < op.out; ++o)
    for (std::int64_t i = 0; i < op.in; ++i)
      op.weight[static_cast<std::size_t>(o * op.in + i)] = static_cast<float>(b.values[static_cast<std::size_t>(i * op.out + o)]);
}

// A constant added right after a Conv/Gemm/MatMul is its bias (MatMul + Add is how exporters
// write a linear layer whose input is not 2-D, and how some write every linear layer); marked by
// op.second = -3. Two computed tensors make a residual Add: the chain's tensor plus an earlier one.
void Reader::add(const onnx::NodeProto& n, RawOp& op) {
  only_attributes(n, {});
  if (n.input_size() != 2) fail("needs two inputs");
  const std::string& other = n.input(0) == data_ ? n.input(1) : n.input(0);
  auto it = consts_.find(other);
  if (it == consts_.end()) {
    const auto p = produced_.find(other);
    if (p == produced_.end())
      fail("adds '" + other + "', which is neither the network input nor an earlier node's output");
    if (p->second == -2)
      fail("adds '" + other + "', a tensor inside a layer (a convolution's output before its bias or BatchNorm); "
           "qsq keeps only each layer's output");
    op.kind = OpKind::add;
    op.second = p->second;
    return;
  }
  op.kind = OpKind::add;
  op.second = -3;
  if (affine_ < 0) fail("adds a constant that is not the bias of the Conv/Gemm/MatMul right before it");
  RawOp& a = ops_[static_cast<std::size_t>(affine_)];
  const Const& c = it->second;
  const auto out = static_cast<std::int64_t>(a.out);
  // Accepted shapes: one value, or one per output (linear: [out], [1, out]; conv: [out, 1, 1], [1, out, 1, 1]).
  std::vector<std::int64_t> d = c.dims;
  while (d.size() > 1 && d[0] == 1) d.erase(d.begin());
  const bool ok = c.size() == 1 || (a.kind == OpKind::linear && d == std::vector<std::int64_t>{out}) ||
                  (a.kind == OpKind::conv2d && d == std::vector<std::int64_t>{out, 1, 1});
  if (!ok) fail("the constant's shape does not broadcast per output channel of the layer before it");
  if (a.bias.empty()) a.bias.assign(static_cast<std::size_t>(out), 0.0f);
  for (std::int64_t o = 0; o < out; ++o)
    a.bias[static_cast<std::size_t>(o)] =
        static_cast<float>(static_cast<double>(a.bias[static_cast<std::size_t>(o)]) + c.values[static_cast<std::size_t>(c.size() == 1 ? 0 : o)]);
}

void Reader::clip(const onnx::NodeProto& n, RawOp& op) {
  double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  if (opset_ < 11) {
    only_attributes(n, {"min", "max"});
    lo = attr_float(n, "min", lo);
    hi = attr_float(n, "max", hi);
  } else {
    only_attributes(n, {});
    if (const Const* c = optional_constant(n, 1, "min")) lo = c->values.empty() ? lo : c->values[0];
    if (const Const* c = optional_constant(n, 2, "max")) hi = c->values.empty() ? hi : c->values[0];
  }
  op.kind = OpKind::relu;
  if (lo == 0 && std::isinf(hi) && hi > 0) return;  // Clip(0, inf) is a ReLU
  if (lo == 0 && std::isfinite(hi) && hi > 0 && hi <= 1e30) {
    op.kind = OpKind::relu6;  // Clip(0, 6) is ReLU6; any positive bound clamps the same way
    op.clip = static_cast<float>(hi);
    return;
  }
  fail("Clip(" + std::to_string(lo) + ", " + std::to_string(hi) +
       ") is not supported: qsq's layers end in a ReLU, Clip(0, inf), or a clipped ReLU, Clip(0, max) with max > 0 "
       "(ReLU6)");
}

void Reader::avgpool(const onnx::NodeProto& n, RawOp& op) {
  op.kind = OpKind::avgpool;
  if (n.op_type() == "GlobalAveragePool") {
    only_attributes(n, {});
    op.kernel = 0;  // the whole plane
    op.stride = 0;
    return;
  }
  only_attributes(n, {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
  const auto ks = attr_ints(n, "kernel_shape");
  if (ks.size() != 2) fail("kernel_shape must have 2 values");
  const std::string ap = attr_string(n, "auto_pad", "NOTSET");
  if (ap != "NOTSET" && ap != "VALID") fail("auto_pad '" + ap + "' is not supported (NOTSET or VALID)");
  if (attr_int(n, "ceil_mode", 0) != 0) fail("ceil_mode is not supported");
  op.kernel = square(ks, "kernel_shape", 1);
  if (op.kernel < 1) fail("kernel_shape must be at least 1");
  op.stride = square(attr_ints(n, "strides"), "strides", 1);
  op.pad = square(attr_ints(n, "pads"), "pads", 0);
  if (op.pad != 0) fail("pads other than 0 are not supported (count_include_pad would change the divisor)");
}

// torch writes AvgPool2d as Pad + AveragePool even without padding: a Pad of zeros is nothing.
void Reader::pad(const onnx::NodeProto& n) {
  only_attributes(n, {"mode", "pads", "value"});
  if (attr_string(n, "mode", "constant") != "constant") fail("only constant padding is supported");
  std::vector<std::int64_t> pads = attr_ints(n, "pads");  // opset < 11
  if (const Const* c = optional_constant(n, 1, "pads")) {
    const auto ints = c->integers();
    if (!ints) fail("the pads input must hold integers");
    pads.insert(pads.end(), ints->begin(), ints->end());
  }
  for (auto p : pads)
    if (p != 0) fail("a Pad other than all zeros is not supported (qsq pads only inside convolutions)");
}

void Reader::maxpool(const onnx::NodeProto& n, RawOp& op) {
  only_attributes(n, {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
  const auto ks = attr_ints(n, "kernel_shape");
  if (ks.size() != 2) fail("kernel_shape must have 2 values");
  const std::string ap = attr_string(n, "auto_pad", "NOTSET");
  if (ap != "NOTSET" && ap != "VALID") fail("auto_pad '" + ap + "' is not supported (NOTSET or VALID)");
  if (attr_int(n, "ceil_mode", 0) != 0) fail("ceil_mode is not supported");
  for (auto d : attr_ints(n, "dilations"))
    if (d != 1) fail("dilations other than 1 are not supported");
  op.kind = OpKind::maxpool;
  op.kernel = square(ks, "kernel_shape", 1);
  op.stride = square(attr_ints(n, "strides"), "strides", 1);  // ONNX's default stride is 1, not the kernel
  op.pad = square(attr_ints(n, "pads"), "pads", 0);
}

void Reader::reshape(const onnx::NodeProto& n) {
  only_attributes(n, {"allowzero"});
  if (n.input_size() > 1) {
    // x.view(x.size(0), -1): a shape computed at run time from the batch size.
    if (const SymShape* sym = shapes_.find(n.input(1))) {
      if (!ShapeChains::is_flatten(*sym)) fail("only a reshape to 2-D (N x features) is supported");
      return;
    }
  }
  const Const& s = constant(n, 1, "shape");
  // Only the flatten a classifier does before its first linear layer: N x features.
  const bool ok = s.size() == 2 && (s.values[1] == -1 || s.values[1] > 0) &&
                  (s.values[0] == -1 || s.values[0] == 0 || s.values[0] == 1 || s.values[1] == -1);
  if (!ok) fail("only a reshape to 2-D (N x features) is supported");
}

void Reader::batchnorm(const onnx::NodeProto& n, RawOp& op) {
  only_attributes(n, {"epsilon", "momentum", "training_mode", "spatial", "is_test", "consumed_inputs"});
  if (attr_int(n, "training_mode", 0) != 0) fail("training_mode is not supported (export the model in eval mode)");
  if (attr_int(n, "spatial", 1) != 1) fail("spatial 0 is not supported");
  op.kind = OpKind::batchnorm;
  const Const& scale = constant(n, 1, "scale");
  const Const& bias = constant(n, 2, "B");
  const Const& mean = constant(n, 3, "mean");
  const Const& var = constant(n, 4, "var");
  op.in = static_cast<int>(mean.size());
  op.weight = scale.floats();
  op.bias = bias.floats();
  op.mean = mean.floats();
  op.var = var.floats();
  op.eps = attr_float(n, "epsilon", 1e-5);
  for (float v : op.var)
    if (!(v + op.eps > 0)) fail("variance + epsilon is not positive");
}

}  // namespace

net::FloatNet parse_onnx(std::string_view bytes, const std::string& label, std::optional<Shape3> input) {
  onnx::ModelProto m;
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw Error(label + ": larger than 2 GiB (protobuf's limit)");
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    throw Error(label + ": not a valid ONNX model (the protobuf does not parse; truncated or not ONNX)");
  if (!m.has_graph()) throw Error(label + ": ONNX model has no graph");
  Reader r(m, label);
  return r.run(input);
}

net::FloatNet read_onnx(const std::string& path, std::optional<Shape3> input) {
  net::FloatNet net = parse_onnx(flow::read_file(path), path, input);
  return net;
}

bool looks_like_onnx(const std::string& path) {
  const std::string ext = lower(std::filesystem::path(path).extension().string());
  if (ext == ".onnx") return true;
  std::ifstream f(path, std::ios::binary);
  char head[2] = {0, 0};
  if (!f.read(head, 2)) return false;
  if (head[0] == 'P' && head[1] == 'K') return false;  // a zip: TorchScript
  return head[0] == 0x08;  // field 1 (ir_version), varint
}

}  // namespace qsq::onnx_io
