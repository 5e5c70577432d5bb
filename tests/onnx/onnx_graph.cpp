// Description: test graph builder (see onnx_graph.hpp).
#include "onnx_graph.hpp"

#include <cmath>

namespace qsq::test {

Node& Node::ints(const std::string& name, std::vector<std::int64_t> v) {
  auto* a = n_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (auto x : v) a->add_ints(x);
  return *this;
}
Node& Node::i(const std::string& name, std::int64_t v) {
  auto* a = n_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
  return *this;
}
Node& Node::f(const std::string& name, float v) {
  auto* a = n_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
  return *this;
}
Node& Node::s(const std::string& name, const std::string& v) {
  auto* a = n_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
  return *this;
}
Node& Node::domain(const std::string& d) {
  n_->set_domain(d);
  return *this;
}

Graph::Graph(std::vector<std::int64_t> input_dims, int opset) {
  m_.set_ir_version(8);
  auto* o = m_.add_opset_import();
  o->set_domain("");
  o->set_version(opset);
  auto* in = m_.mutable_graph()->add_input();
  in->set_name("input");
  auto* tt = in->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (std::size_t k = 0; k < input_dims.size(); ++k) {
    if (k == 0) tt->mutable_shape()->add_dim()->set_dim_param("N");
    else tt->mutable_shape()->add_dim()->set_dim_value(input_dims[k]);
  }
}

void Graph::init(const std::string& name, std::vector<std::int64_t> dims, const std::vector<float>& values) {
  auto* t = m_.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (auto d : dims) t->add_dims(d);
  for (float v : values) t->add_float_data(v);  // the typed field: the exporter test covers raw_data
}

void Graph::init_i64(const std::string& name, std::vector<std::int64_t> dims, const std::vector<std::int64_t>& values) {
  auto* t = m_.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  for (auto d : dims) t->add_dims(d);
  for (auto v : values) t->add_int64_data(v);
}

Node Graph::node(const std::string& op, std::vector<std::string> inputs, const std::string& output, const std::string& name) {
  auto* n = m_.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name(name.empty() ? op + "_" + std::to_string(count_++) : name);
  for (auto& i : inputs) n->add_input(i);
  n->add_output(output);
  return Node(n);
}

std::string Graph::bytes(const std::string& output) {
  auto* g = m_.mutable_graph();
  g->clear_output();
  auto* o = g->add_output();
  o->set_name(output);
  o->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  std::string s;
  m_.SerializeToString(&s);
  return s;
}

std::vector<float> ramp(std::size_t n, float scale, float offset) {
  std::vector<float> v(n);
  for (std::size_t k = 0; k < n; ++k) v[k] = offset + scale * std::sin(0.7f * static_cast<float>(k) + 0.3f);
  return v;
}

}  // namespace qsq::test
