// Description: symbolic evaluation of PyTorch's shape chains (see shape_chain.hpp).
#include "shape_chain.hpp"

namespace qsq::onnx_io {
namespace {

// The constant values of input i (a scalar or a 1-D tensor of integers).
std::vector<std::int64_t> ints_of(const onnx::NodeProto& n, int i, const std::map<std::string, Const>& consts,
                                  const ShapeChains::Fail& fail) {
  const auto it = i < n.input_size() ? consts.find(n.input(i)) : consts.end();
  if (it == consts.end()) fail("input " + std::to_string(i) + " must be a constant in a shape computation");
  auto out = it->second.integers();
  if (!out) fail("input " + std::to_string(i) + " of a shape computation must hold integers");
  return *out;
}

std::int64_t attr_int(const onnx::NodeProto& n, const char* name, std::int64_t fallback) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.i();
  return fallback;
}

}  // namespace

const SymShape* ShapeChains::find(const std::string& name) const {
  const auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

bool ShapeChains::is_flatten(const SymShape& s) {
  if (s.size() != 2) return false;
  auto is_const = [](const SymDim& d, std::int64_t v) { return d.kind == SymDim::Kind::constant && d.value == v; };
  const bool first = s[0].kind == SymDim::Kind::batch || is_const(s[0], 0) || is_const(s[0], 1) || is_const(s[0], -1);
  const bool second = is_const(s[1], -1) || (s[1].kind == SymDim::Kind::constant && s[1].value > 0);
  return first && second && !(is_const(s[0], -1) && is_const(s[1], -1));
}

bool ShapeChains::take(const onnx::NodeProto& n, const std::map<std::string, Const>& consts, const Fail& fail) {
  const std::string& op = n.op_type();
  if (n.output_size() < 1 || n.input_size() < 1) return false;
  if (op == "Shape") {
    if (consts.count(n.input(0))) return false;  // the shape of a constant: not a run-time chain
    for (const auto& a : n.attribute())
      fail("attribute '" + a.name() + "' is not supported in a shape computation");
    // Dimension 0 is the batch; the others are fixed by the image shape but unknown here.
    values_[n.output(0)] = SymShape{SymDim{SymDim::Kind::batch, 0}, SymDim{}, SymDim{}, SymDim{}};
    return true;
  }
  const SymShape* in = find(n.input(0));
  if (op == "Concat") {
    bool any = false;
    for (const auto& i : n.input()) any = any || find(i) != nullptr;
    if (!any) return false;
    if (attr_int(n, "axis", 0) != 0) fail("a Concat of shapes must have axis 0");
    SymShape out;
    for (int i = 0; i < n.input_size(); ++i) {
      if (const SymShape* s = find(n.input(i))) {
        out.insert(out.end(), s->begin(), s->end());
      } else {
        for (std::int64_t v : ints_of(n, i, consts, fail)) out.push_back(SymDim{SymDim::Kind::constant, v});
      }
    }
    values_[n.output(0)] = out;
    return true;
  }
  if (!in) return false;
  if (op == "Gather") {
    if (attr_int(n, "axis", 0) != 0) fail("a Gather of a shape must have axis 0");
    SymShape out;
    for (std::int64_t k : ints_of(n, 1, consts, fail)) {
      const auto size = static_cast<std::int64_t>(in->size());
      if (k < -size || k >= size) fail("gathers index " + std::to_string(k) + " of a " + std::to_string(size) + "-element shape");
      out.push_back((*in)[static_cast<std::size_t>(k < 0 ? k + size : k)]);
    }
    values_[n.output(0)] = out;
    return true;
  }
  if (op == "Unsqueeze" || op == "Squeeze" || op == "Cast") {
    // Scalars and 1-element vectors are the same list of dimensions here.
    values_[n.output(0)] = *in;
    return true;
  }
  fail("a computation on a tensor's shape other than Shape, Gather, Unsqueeze, Squeeze, Cast and Concat is not supported");
  return false;
}

}  // namespace qsq::onnx_io
