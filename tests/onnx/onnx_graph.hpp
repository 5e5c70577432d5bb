// Description: builds small ONNX models in the tests with libonnx's protobuf classes, so every
// test states its graph (nodes, attributes, initializers) in a few lines.
// Usage:
//   qsq::test::Graph g({1, 1, 6, 6});
//   g.init("w", {2, 1, 3, 3}, w);
//   g.node("Conv", {"input", "w"}, "c").ints("pads", {1, 1, 1, 1});
//   std::string bytes = g.bytes("c");
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace qsq::test {

class Node {
 public:
  explicit Node(onnx::NodeProto* n) : n_(n) {}
  Node& ints(const std::string& name, std::vector<std::int64_t> v);
  Node& i(const std::string& name, std::int64_t v);
  Node& f(const std::string& name, float v);
  Node& s(const std::string& name, const std::string& v);
  Node& domain(const std::string& d);
  onnx::NodeProto* proto() { return n_; }

 private:
  onnx::NodeProto* n_;
};

class Graph {
 public:
  // input_dims: N C H W (or N F); dimension 0 is written as the symbol "N".
  explicit Graph(std::vector<std::int64_t> input_dims, int opset = 13);
  void init(const std::string& name, std::vector<std::int64_t> dims, const std::vector<float>& values);
  void init_i64(const std::string& name, std::vector<std::int64_t> dims, const std::vector<std::int64_t>& values);
  Node node(const std::string& op, std::vector<std::string> inputs, const std::string& output, const std::string& name = "");
  std::string bytes(const std::string& output);
  onnx::ModelProto& model() { return m_; }

 private:
  onnx::ModelProto m_;
  int count_ = 0;
};

std::vector<float> ramp(std::size_t n, float scale, float offset = 0.0f);  // deterministic weights

}  // namespace qsq::test
