// Description: Python bindings of the network tooling (net/): data (a named set or a --data DIR,
// and qsq's own .npy reader), the bit-exact integer evaluation of a network on NumPy images
// (qsq::net::IntEngine, the engine `qsq eval` uses), and, when built with libtorch
// (QSQ_WITH_TORCH), quantization of a TorchScript model calibrated on NumPy images (the path of
// `qsq quantize`). Images are float32 arrays N x C x H x W (or C x H x W for one image).
// Usage: internal to python/src; see docs/python.md.
#include <algorithm>

#include "bindings.hpp"
#include "qsq/net/dataset.hpp"
#include "qsq/net/int_engine.hpp"
#include "qsq/net/npy.hpp"
#ifdef QSQ_PY_TORCH
#include "qsq/net/build.hpp"
#include "qsq/net/torch_bridge.hpp"
#include "qsq/quantize.hpp"
#endif

namespace qsq::py {
namespace {

net::Split parse_split(const std::string& s) {
  using net::Split;
  if (s == "train") return Split::train;
  if (s == "test") return Split::test;
  if (s == "train-fit") return Split::train_fit;
  if (s == "validation") return Split::validation;
  throw Error("split '" + s + "': expected train, test, train-fit or validation");
}

// Images N x C x H x W (a single C x H x W image becomes N = 1) with labels (or zeros).
net::Dataset dataset_of(const Array<float>& images, const pyb::object& labels) {
  if (images.ndim() != 3 && images.ndim() != 4)
    throw Error("images must be N x C x H x W (or C x H x W for one image), got " + std::to_string(images.ndim()) + " dimensions");
  const bool one = images.ndim() == 3;
  const int off = one ? 0 : 1;
  net::Dataset d;
  d.name = "numpy";
  d.source = "NumPy arrays";
  d.images_file = "images";
  d.shape = {static_cast<int>(images.shape(off)), static_cast<int>(images.shape(off + 1)), static_cast<int>(images.shape(off + 2))};
  const std::size_t n = one ? 1 : static_cast<std::size_t>(images.shape(0));
  d.pixels = to_vector(images);
  d.labels.assign(n, 0);
  if (!labels.is_none()) {
    const auto lb = to_vector(Array<std::int64_t>::ensure(labels));
    if (lb.size() != n) throw Error("labels: " + std::to_string(lb.size()) + " labels for " + std::to_string(n) + " images");
    for (std::size_t i = 0; i < n; ++i) {
      if (lb[i] < 0 || lb[i] > 255) throw Error("labels: label " + std::to_string(lb[i]) + " of item " + std::to_string(i) + " is outside 0..255");
      d.labels[i] = static_cast<std::uint8_t>(lb[i]);
    }
  }
  return d;
}

// One level for every layer, or one per layer.
std::vector<Quality> per_layer(const pyb::object& quality) {
  if (pyb::isinstance<pyb::int_>(quality)) return {Quality{quality.cast<int>(), 0}};
  std::vector<Quality> out;
  for (auto q : quality.cast<std::vector<int>>()) out.push_back({q, 0});
  return out;
}

pyb::tuple load(const std::string& spec, const std::string& split, float mean, float std, const std::string& layout) {
  net::DataOptions o;
  o.mean = mean;
  o.std = std;
  o.layout = net::parse_layout(layout);
  const net::Dataset d = net::load_data(spec, parse_split(split), o);
  auto images = to_array(d.pixels, {d.size(), d.shape.c, d.shape.h, d.shape.w});
  auto labels = to_array(d.labels, {d.size()});
  return pyb::make_tuple(images, labels);
}

pyb::array read_npy_array(const std::string& path) {
  const net::NpyArray a = net::read_npy(path);
  std::vector<pyb::ssize_t> shape(a.shape.begin(), a.shape.end());
  const char* dtype = a.dtype == net::NpyType::f32 ? "<f4" : nullptr;
  std::string descr;
  if (!dtype) {
    const bool s = a.dtype == net::NpyType::i8 || a.dtype == net::NpyType::i16 || a.dtype == net::NpyType::i32 ||
                   a.dtype == net::NpyType::i64;
    descr = std::string("<") + (s ? "i" : "u") + std::to_string(net::npy_type_bytes(a.dtype));
    dtype = descr.c_str();
  }
  pyb::array out(pyb::dtype(dtype), shape);
  std::copy(a.data.begin(), a.data.end(), static_cast<std::uint8_t*>(out.mutable_data()));
  return out;
}

Array<std::int32_t> quantize_images(const pyb::dict& netd, const Array<float>& images) {
  const Network net = network_from_dict(netd);
  const net::Dataset d = dataset_of(images, pyb::none());
  net::require_shape(d, net.input, "the network");
  const net::QuantizedInputs x = net::quantize_inputs(net, d);
  std::vector<pyb::ssize_t> shape = shape_of(images);
  return to_array(x.values, shape);
}

Array<std::int32_t> forward(const pyb::dict& netd, const Array<float>& images, const pyb::object& quality) {
  const net::IntEngine eng(network_from_dict(netd));
  const net::Dataset d = dataset_of(images, pyb::none());
  net::require_shape(d, eng.network().input, "the network");
  const net::QuantizedInputs x = net::quantize_inputs(eng.network(), d);
  const auto levels = per_layer(quality);
  std::vector<std::int32_t> out;
  pyb::ssize_t classes = 0;
  for (int i = 0; i < x.count; ++i) {
    const Tensor t = eng.forward(x.image(i), levels);
    classes = static_cast<pyb::ssize_t>(t.size());
    out.insert(out.end(), t.begin(), t.end());
  }
  if (images.ndim() == 3) return to_array(out, {classes});
  return to_array(out, {static_cast<pyb::ssize_t>(x.count), classes});
}

pyb::dict evaluate(const pyb::dict& netd, const Array<float>& images, const pyb::object& labels, std::vector<int> levels,
                   int threads) {
  const net::IntEngine eng(network_from_dict(netd));
  const net::Dataset d = dataset_of(images, labels);
  net::require_shape(d, eng.network().input, "the network");
  const net::QuantizedInputs x = net::quantize_inputs(eng.network(), d);
  if (levels.empty())
    for (int q = 1; q <= max_digits(eng.network().width); ++q) levels.push_back(q);
  pyb::dict out;
  for (int q : levels) {
    validate_quality({q, 0}, eng.network().width);
    const std::vector<Quality> lv = {Quality{q, 0}};
    out[pyb::int_(q)] = eng.accuracy(x, lv, threads);
  }
  return out;
}

#ifdef QSQ_PY_TORCH
pyb::dict quantize(const std::string& model, const Array<float>& images, const std::string& codebook, int bits,
                   const std::string& scale, bool keep_ends, int width, int acc_width, int calib, int threads) {
  const net::Dataset d = dataset_of(images, pyb::none()).head(calib);
  net::LoadedModel m;
  try {
    m = net::load_model(model, d.shape);
  } catch (const Error& e) {  // name the data as the CLI does (a channel mismatch surfaces here)
    throw Error("images are " + std::to_string(d.shape.c) + "x" + std::to_string(d.shape.h) + "x" + std::to_string(d.shape.w) +
                " and model " + model + " does not take them: " + e.what());
  }
  net::QuantizeOptions o;
  o.codebook = parse_codebook(codebook);
  o.code_bits = bits;
  o.scale = parse_scale_method(scale);
  o.keep_ends = keep_ends;
  o.width = width;
  o.acc_width = acc_width;
  // As `qsq quantize`: the input range covers the calibration images (1 for pixels in [0, 1]).
  o.input_max = std::max(1.0f, net::max_abs_value(d));
  const auto act_max = net::calibrate(m.net, d, d.size(), threads);
  return network_to_dict(net::build_network(m.net, act_max, o));
}
#endif

}  // namespace

void bind_net(pyb::module_& m) {
  using namespace pybind11::literals;
  m.def("load_data", &load, "spec"_a, "split"_a = "test", "mean"_a = 0.0f, "std"_a = 1.0f, "layout"_a = "auto",
        "A named data set (mnist, fashion) or a directory (as qsq --data DIR): (images float32 N x C x H x W, labels uint8).");
  m.def("read_npy", &read_npy_array, "path"_a, "qsq's own .npy reader (the one --data DIR uses), as a NumPy array.");
  m.def("quantize_input", &quantize_images, "network"_a, "images"_a, "The network's input quantization (int32, same shape).");
  m.def("forward", &forward, "network"_a, "images"_a, "quality"_a = 0,
        "Bit-exact integer logits (N x classes) at a quality level (0 = exact) or a list with one level per layer.");
  m.def("evaluate", &evaluate, "network"_a, "images"_a, "labels"_a, "levels"_a = std::vector<int>{}, "threads"_a = 2,
        "Top-1 accuracy per quality level {q: fraction}, bit-exact (the engine of qsq eval).");
#ifdef QSQ_PY_TORCH
  m.def("quantize", &quantize, "model"_a, "images"_a, "codebook"_a = "pow2", "bits"_a = 3, "scale"_a = "search",
        "keep_ends"_a = false, "width"_a = 8, "acc_width"_a = 32, "calib"_a = 2000, "threads"_a = 2,
        "Quantizes a TorchScript model (as qsq quantize) with activation ranges calibrated on the images.");
#endif
}

}  // namespace qsq::py
