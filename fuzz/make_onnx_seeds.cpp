// Description: writes the seed corpus of fuzz_onnx_importer: small valid ONNX models covering
// every op the importer maps (Conv, BatchNormalization, Relu, Clip, MaxPool, Flatten, Reshape,
// Gemm, MatMul + Add, Identity, Constant, QONNX Quant; and a residual network: depthwise Conv,
// Clip(0, 6), residual Add, Pad, AveragePool, GlobalAveragePool, the Shape -> Gather ->
// Unsqueeze -> Concat -> Reshape view), built with the tests' graph builder.
// Usage: fuzz_make_onnx_seeds DIR
#include <fstream>
#include <iostream>

#include "onnx_graph.hpp"

namespace {

void save(const std::string& dir, const std::string& name, const std::string& bytes, int& written) {
  std::ofstream(dir + "/" + name + ".onnx", std::ios::binary) << bytes;
  ++written;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_onnx_seeds DIR\n";
    return 2;
  }
  using qsq::test::Graph;
  using qsq::test::ramp;
  const std::string dir = argv[1];
  int written = 0;
  {
    Graph g({1, 1, 6, 6});
    g.init("wc", {2, 1, 3, 3}, ramp(18, 0.5f));
    g.init("bc", {2}, {0.1f, -0.2f});
    g.init("gamma", {2}, {1.5f, 0.5f});
    g.init("beta", {2}, {0.1f, 0.2f});
    g.init("mean", {2}, {0.05f, -0.1f});
    g.init("var", {2}, {0.9f, 1.2f});
    g.init("wg", {18, 3}, ramp(54, 0.3f));
    g.init("bg", {3}, {0.01f, 0.02f, -0.03f});
    g.node("Conv", {"input", "wc", "bc"}, "c").ints("pads", {1, 1, 1, 1}).ints("kernel_shape", {3, 3}).ints("strides", {1, 1});
    g.node("BatchNormalization", {"c", "gamma", "beta", "mean", "var"}, "b").f("epsilon", 1e-5f);
    g.node("Relu", {"b"}, "r");
    g.node("MaxPool", {"r"}, "p").ints("kernel_shape", {2, 2}).ints("strides", {2, 2});
    g.node("Flatten", {"p"}, "f").i("axis", 1);
    g.node("Gemm", {"f", "wg", "bg"}, "y");
    save(dir, "conv_bn_gemm", g.bytes("y"), written);
  }
  {
    Graph g({1, 4});
    g.init("w", {4, 3}, ramp(12, 0.5f));
    g.init("b", {3}, {1.0f, -1.0f, 0.5f});
    g.init("s", {}, {0.25f});
    g.init("z", {}, {0.0f});
    g.init("bits", {}, {4.0f});
    g.node("Quant", {"w", "s", "z", "bits"}, "wq").domain("qonnx.custom_op.general").i("signed", 1);
    g.node("MatMul", {"input", "wq"}, "m");
    g.node("Add", {"m", "b"}, "y");
    save(dir, "qonnx_matmul_add", g.bytes("y"), written);
  }
  {
    Graph g({1, 1, 4, 4});
    g.init("w", {2, 1, 2, 2}, ramp(8, 1.0f));
    g.init("wl", {3, 18}, ramp(54, 0.1f));
    g.init_i64("shape", {2}, {-1, 18});
    g.init("zero", {}, {0.0f});
    g.node("Identity", {"w"}, "w_id");
    g.node("Conv", {"input", "w_id"}, "c");
    g.node("Clip", {"c", "zero"}, "r");
    g.node("Reshape", {"r", "shape"}, "f");
    g.node("Gemm", {"f", "wl"}, "y").i("transB", 1);
    save(dir, "clip_reshape", g.bytes("y"), written);
  }
  {
    Graph g({1, 2, 4, 4});
    g.init("wc", {3, 2, 3, 3}, ramp(54, 0.6f));
    g.init("wd", {3, 1, 3, 3}, ramp(27, 2.0f, 0.1f));
    g.init("lo", {}, {0.0f});
    g.init("hi", {}, {6.0f});
    g.init_i64("pads", {8}, {0, 0, 0, 0, 0, 0, 0, 0});
    g.init_i64("zero", {}, {0});
    g.init_i64("axes", {1}, {0});
    g.init_i64("minus1", {1}, {-1});
    g.init("wg", {2, 3}, ramp(6, 1.0f));
    g.node("Conv", {"input", "wc"}, "c").ints("pads", {1, 1, 1, 1});
    g.node("Relu", {"c"}, "r1");
    g.node("Conv", {"r1", "wd"}, "d").ints("pads", {1, 1, 1, 1}).i("group", 3);
    g.node("Clip", {"d", "lo", "hi"}, "d6");
    g.node("Add", {"d6", "r1"}, "s");
    g.node("Pad", {"s", "pads"}, "sp");
    g.node("AveragePool", {"sp"}, "a").ints("kernel_shape", {2, 2}).ints("strides", {2, 2});
    g.node("GlobalAveragePool", {"a"}, "gp");
    g.node("Shape", {"gp"}, "shape");
    g.node("Gather", {"shape", "zero"}, "n").i("axis", 0);
    g.node("Unsqueeze", {"n", "axes"}, "n1");
    g.node("Concat", {"n1", "minus1"}, "target").i("axis", 0);
    g.node("Reshape", {"gp", "target"}, "f");
    g.node("Gemm", {"f", "wg"}, "y").i("transB", 1);
    save(dir, "residual", g.bytes("y"), written);
  }
  std::cout << "wrote " << written << " seeds to " << dir << "\n";
  return 0;
}
