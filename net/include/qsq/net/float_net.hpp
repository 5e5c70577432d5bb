// Description: the float networks, torch-free. A model file (TorchScript or ONNX) is read as a chain of
// RawOps (Conv2d, Linear, ReLU, MaxPool2d, Flatten, BatchNorm2d, and from ONNX also depthwise
// Conv2d, ReLU6, AvgPool2d and residual Add, in execution order); fuse() folds every BatchNorm
// into the convolution (or linear layer) before it and groups each conv/linear/add with the
// ReLU(6) and max pooling that follow it into one FloatLayer, the float counterpart of one
// integer qsq::Layer. An Add names the op whose output it adds (or the network input); that op
// must end a layer, so the second operand is an activation the integer network holds.
// architecture() defines the two built-in networks:
//   lenet5  : 1x28x28 -> conv 6@5x5 pad 2, ReLU, maxpool 2 -> conv 16@5x5, ReLU, maxpool 2
//             -> fc 400-120, ReLU -> fc 120-84, ReLU -> fc 84-10      (61 706 parameters, 416 520 MACs)
//   convnet : 1x28x28 -> conv 16@3x3 pad 1, ReLU, maxpool 2 -> conv 32@3x3 pad 1, ReLU, maxpool 2
//             -> fc 1568-128, ReLU -> fc 128-10                      (1 218 048 MACs)
// Usage:
//   qsq::net::FloatNet net = qsq::net::fuse(ops, {1, 28, 28});   // throws Error naming a bad op
//   qsq::net::FloatNet arch = qsq::net::architecture("lenet5");  // weights empty
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "qsq/layer.hpp"

namespace qsq::net {

enum class OpKind { conv2d, linear, relu, maxpool, flatten, batchnorm, relu6, avgpool, add };
std::string op_kind_name(OpKind k);

// One module of a sequential float model, with the hyper-parameters qsq supports.
struct RawOp {
  OpKind kind = OpKind::relu;
  std::string name;            // module name in the file, for error messages
  int in = 0, out = 0;         // conv: channels; linear: features; batchnorm: channels (in)
  int kernel = 1, stride = 1, pad = 0;  // conv / maxpool / avgpool (square; avgpool kernel 0 = global)
  std::vector<float> weight;   // conv [out][in][k][k]; linear [out][in]; batchnorm gamma
  std::vector<float> bias;     // conv/linear (may be empty: no bias); batchnorm beta
  std::vector<float> mean, var;  // batchnorm running statistics
  double eps = 1e-5;
  int group = 1;               // conv: 1, or in == out (depthwise: weight [out][1][k][k])
  int second = -1;             // add: index in the op list of the op whose output it adds; -1: the network input
  float clip = 6.0f;           // relu6: the upper bound
};

// A conv, depthwise or linear layer with BatchNorm folded in, or an add, followed by an
// optional ReLU (or ReLU6: relu and clip) and max pooling; or an average pooling.
struct FloatLayer {
  std::string name;
  LayerKind kind = LayerKind::conv2d;
  Shape3 in;                  // linear: {features, 1, 1}
  int out_channels = 0;
  int kernel = 1, stride = 1, pad = 0;  // avgpool: kernel 0 = global (stride 0)
  bool relu = false;
  float clip = 0.0f;          // > 0: the upper clamp after the ReLU (6 for ReLU6)
  int second_input = -1;      // add: the layer whose output it adds; -1: the network input
  Pool pool;
  std::vector<float> weight;  // [f][c][ky][kx] / [out][in] / depthwise [f][ky][kx]; empty for avgpool, add
  std::vector<float> bias;    // one per filter (zeros if the model had none); empty for avgpool, add

  int fan_in() const;
  Shape3 conv_shape() const;
  Shape3 out_shape() const;
  std::int64_t macs() const { return conv_shape().size() * fan_in(); }
};

struct FloatNet {
  std::string name;
  Shape3 input{1, 28, 28};
  std::vector<FloatLayer> layers;

  std::int64_t macs() const;
  std::int64_t num_weights() const;
  std::int64_t num_biases() const;
};

// Folds and groups a sequential chain. Throws Error naming the op and the problem for anything
// qsq cannot map onto its integer layers (e.g. a pooling before any conv, a shape mismatch,
// padding on a max pool, two ReLUs in a row are accepted as one).
FloatNet fuse(const std::vector<RawOp>& ops, Shape3 input);
// The inverse, for saving: conv/linear, ReLU, MaxPool2d, and a Flatten before the first linear
// (and the ops of the new kinds: depthwise conv, ReLU6, AvgPool2d, Add).
std::vector<RawOp> unfuse(const FloatNet& net);

// Built-in architectures ("lenet5", "convnet"), weights and biases sized and zero.
FloatNet architecture(const std::string& name);
std::vector<std::string> architecture_names();

// FNV-1a 64-bit hash of every weight and bias (as float bit patterns), 16 hex digits: the
// determinism check of training.
std::string weights_hash(const FloatNet& net);

}  // namespace qsq::net
