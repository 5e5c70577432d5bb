// Description: a user's data set from a directory of .npy or idx files, normalisation, and the
// shape checks against a network (see dataset.hpp). Every refusal is one line naming the file.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "qsq/net/dataset.hpp"
#include "qsq/net/idx.hpp"
#include "qsq/net/npy.hpp"

namespace qsq::net {
namespace {

namespace fs = std::filesystem;

std::string shape_str(const Shape3& s) {
  return std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

void normalise(Dataset& d, const DataOptions& o) {
  if (!(o.std > 0) || !std::isfinite(o.std) || !std::isfinite(o.mean))
    throw Error("--std must be a finite number > 0 and --mean finite");
  if (o.mean == 0.0f && o.std == 1.0f) return;  // bit-identical to the unnormalised data
  for (float& v : d.pixels) v = (v - o.mean) / o.std;
}

// The validation split of a user's data: 5 000 images like the shortcuts, but at most a tenth
// of a smaller training set (so small data sets still have a train-fit split).
int validation_images_for(const Dataset& d) {
  const int tenth = d.size() / 10;
  return std::max(1, std::min(kValidationImages, tenth));
}

}  // namespace

ImageLayout parse_layout(const std::string& text) {
  if (text == "auto") return ImageLayout::automatic;
  if (text == "nchw") return ImageLayout::nchw;
  if (text == "nhwc") return ImageLayout::nhwc;
  throw Error("--layout '" + text + "': expected auto, nchw or nhwc");
}

bool is_named_dataset(const std::string& spec) { return spec == "mnist" || spec == "fashion"; }

std::string data_dir_help() {
  return "a directory with train_images.npy, train_labels.npy, test_images.npy, test_labels.npy (images N x C x H x W "
         "or N x H x W x C or N x H x W, uint8 or float32; labels N integers) or with the idx files "
         "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (optionally .gz)";
}

Dataset dataset_from_npy(const std::string& name, const std::string& images_path, const std::string& labels_path,
                         const DataOptions& o) {
  const NpyArray im = read_npy(images_path);
  const NpyArray lb = read_npy(labels_path);
  const auto bad = [](const std::string& path, const std::string& what) { throw Error(path + ": " + what); };
  if (im.dtype != NpyType::u8 && im.dtype != NpyType::f32)
    bad(images_path, std::string("images must be uint8 or float32, found ") + npy_type_name(im.dtype));
  if (im.shape.size() != 3 && im.shape.size() != 4)
    bad(images_path, "images need 3 (N x H x W) or 4 (N x C x H x W or N x H x W x C) dimensions, found shape " +
                         im.shape_text());
  if (!lb.is_integer()) bad(labels_path, std::string("labels must be integers, found ") + npy_type_name(lb.dtype));
  if (lb.shape.size() != 1) bad(labels_path, "labels must be a vector (1 dimension), found shape " + lb.shape_text());
  const std::uint64_t n = im.shape[0];
  if (n == 0) bad(images_path, "holds no images (shape " + im.shape_text() + ")");
  if (lb.shape[0] != n)
    bad(labels_path, "holds " + std::to_string(lb.shape[0]) + " labels but " + images_path + " holds " + std::to_string(n) +
                         " images");
  // Channels, height, width, and where the channel index sits.
  bool nhwc = false;
  std::uint64_t c = 1, h = 0, w = 0;
  if (im.shape.size() == 3) {
    h = im.shape[1];
    w = im.shape[2];
  } else {
    const auto d1 = im.shape[1], d3 = im.shape[3];
    nhwc = o.layout == ImageLayout::nhwc ||
           (o.layout == ImageLayout::automatic && (d3 == 1 || d3 == 3 || d3 == 4) && !(d1 == 1 || d1 == 3 || d1 == 4));
    c = nhwc ? d3 : d1;
    h = nhwc ? im.shape[1] : im.shape[2];
    w = nhwc ? im.shape[2] : im.shape[3];
  }
  if (c < 1 || h < 1 || w < 1 || c > 65535 || h > 65535 || w > 65535)
    bad(images_path, "image dimensions of shape " + im.shape_text() + " must each be 1..65535");
  Dataset d;
  d.name = name;
  d.images_file = images_path;
  d.shape = {static_cast<int>(c), static_cast<int>(h), static_cast<int>(w)};
  d.labels.resize(static_cast<std::size_t>(n));
  for (std::uint64_t i = 0; i < n; ++i) {
    std::int64_t v = 0;
    try {
      v = lb.as_int(i);
    } catch (const NpyError& e) {  // a uint64 above 2^63: name the file
      bad(labels_path, e.what());
    }
    if (v < 0 || v > 255)
      bad(labels_path, "label " + std::to_string(v) + " of item " + std::to_string(i) + " is outside 0..255");
    d.labels[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v);
  }
  const std::uint64_t px = c * h * w;
  d.pixels.resize(static_cast<std::size_t>(n * px));
  const bool bytes = im.dtype == NpyType::u8;
  for (std::uint64_t i = 0; i < n; ++i)
    for (std::uint64_t ch = 0; ch < c; ++ch)
      for (std::uint64_t y = 0; y < h; ++y)
        for (std::uint64_t x = 0; x < w; ++x) {
          const std::uint64_t src = nhwc ? ((i * h + y) * w + x) * c + ch : ((i * c + ch) * h + y) * w + x;
          const float v = bytes ? static_cast<float>(im.data[static_cast<std::size_t>(src)]) / 255.0f : im.as_float(src);
          if (!std::isfinite(v)) bad(images_path, "value of image " + std::to_string(i) + " is not finite");
          d.pixels[static_cast<std::size_t>(((i * c + ch) * h + y) * w + x)] = v;
        }
  normalise(d, o);
  return d;
}

Dataset load_data(const std::string& spec, Split split, const DataOptions& o) {
  if (!(o.std > 0) || !std::isfinite(o.std) || !std::isfinite(o.mean))
    throw Error("--std must be a finite number > 0 and --mean finite");  // before any file is read
  if (is_named_dataset(spec)) {
    Dataset d = load_dataset(spec, split);
    normalise(d, o);
    return d;
  }
  if (!fs::is_directory(spec))
    throw Error("--data " + spec + ": neither mnist, fashion nor a directory (expected " + data_dir_help() + ")");
  const bool test = split == Split::test;
  const std::string npy_images = spec + "/" + (test ? "test" : "train") + "_images.npy";
  const std::string npy_labels = spec + "/" + (test ? "test" : "train") + "_labels.npy";
  Dataset d;
  if (fs::exists(npy_images) || fs::exists(npy_labels)) {
    for (const auto& p : {npy_images, npy_labels})
      if (!fs::exists(p)) throw Error(p + ": not found (expected " + data_dir_help() + ")");
    d = dataset_from_npy(spec, npy_images, npy_labels, o);
  } else {
    const std::string prefix = spec + "/" + (test ? "t10k" : "train");
    std::string images = prefix + "-images-idx3-ubyte", labels = prefix + "-labels-idx1-ubyte";
    if (!fs::exists(images) && fs::exists(images + ".gz")) images += ".gz";
    if (!fs::exists(labels) && fs::exists(labels + ".gz")) labels += ".gz";
    if (!fs::exists(images) || !fs::exists(labels))
      throw Error("--data " + spec + ": no " + (test ? "test" : "training") + " data: " + npy_images + " not found (expected " +
                  data_dir_help() + ")");
    d = dataset_from_idx(spec, images, labels);
    normalise(d, o);
  }
  d.source = spec;
  split_off_validation(d, split, test ? 0 : validation_images_for(d));
  return d;
}

void require_shape(const Dataset& d, const Shape3& shape, const std::string& what) {
  if (d.shape == shape) return;
  throw Error((d.images_file.empty() ? d.name : d.images_file) + ": images are " + shape_str(d.shape) + " (C x H x W), " +
              what + " takes " + shape_str(shape) + (d.shape.c != shape.c ? " (the channels do not match)" : ""));
}

float max_abs_value(const Dataset& d) {
  float m = 0.0f;
  for (float v : d.pixels) m = std::max(m, std::fabs(v));
  return m;
}

}  // namespace qsq::net
