// Description: a user's data directory (--data DIR): .npy images in N x C x H x W, N x H x W x C
// and N x H x W, uint8 and float32, idx files, normalisation, the validation split, and the
// one-line errors naming the file for every mismatch (rank, dtype, label count, fortran order,
// truncation, channels against the network).
// Usage: ctest -R DataDir
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "qsq/net/dataset.hpp"
#include "qsq/net/idx.hpp"
#include "qsq/net/npy.hpp"

namespace {

namespace fs = std::filesystem;
using qsq::net::NpyArray;
using qsq::net::NpyType;
using qsq::net::Split;

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("qsq_data_dir_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                        "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& n) const { return (path / n).string(); }
};

void save(const std::string& path, const NpyArray& a) {
  const auto b = qsq::net::npy_bytes(a);
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

NpyArray u8_array(std::vector<std::uint64_t> shape, int salt) {
  NpyArray a;
  a.dtype = NpyType::u8;
  a.shape = std::move(shape);
  a.data.resize(static_cast<std::size_t>(a.count()));
  for (std::size_t i = 0; i < a.data.size(); ++i) a.data[i] = static_cast<std::uint8_t>((i * 7 + static_cast<std::size_t>(salt)) % 256);
  return a;
}

NpyArray labels(std::size_t n, NpyType t = NpyType::i64) {
  NpyArray a;
  a.dtype = t;
  a.shape = {n};
  a.data.resize(n * static_cast<std::size_t>(qsq::net::npy_type_bytes(t)));
  for (std::size_t i = 0; i < n; ++i) a.data[i * static_cast<std::size_t>(qsq::net::npy_type_bytes(t))] = static_cast<std::uint8_t>(i % 10);
  return a;
}

std::string error_of(const std::string& dir, Split s, qsq::net::DataOptions o = {}) {
  try {
    (void)qsq::net::load_data(dir, s, o);
  } catch (const qsq::Error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(DataDir, NchwAndNhwcGiveTheSameImages) {
  TempDir a, b;
  // N=4, C=3, H=2, W=5 in NCHW; the same values transposed to NHWC.
  const NpyArray nchw = u8_array({4, 3, 2, 5}, 1);
  NpyArray nhwc = nchw;
  nhwc.shape = {4, 2, 5, 3};
  for (std::size_t n = 0; n < 4; ++n)
    for (std::size_t c = 0; c < 3; ++c)
      for (std::size_t y = 0; y < 2; ++y)
        for (std::size_t x = 0; x < 5; ++x)
          nhwc.data[((n * 2 + y) * 5 + x) * 3 + c] = nchw.data[((n * 3 + c) * 2 + y) * 5 + x];
  save(a.file("test_images.npy"), nchw);
  save(a.file("test_labels.npy"), labels(4));
  save(b.file("test_images.npy"), nhwc);
  save(b.file("test_labels.npy"), labels(4, NpyType::u8));
  const auto da = qsq::net::load_data(a.path.string(), Split::test);
  const auto db = qsq::net::load_data(b.path.string(), Split::test);
  EXPECT_EQ(da.shape, (qsq::Shape3{3, 2, 5}));
  EXPECT_EQ(db.shape, da.shape);
  EXPECT_EQ(da.pixels, db.pixels);
  EXPECT_EQ(da.labels, db.labels);
  EXPECT_FLOAT_EQ(da.pixels[1], static_cast<float>(nchw.data[1]) / 255.0f);
  // --layout nhwc forces the reading; nchw on NHWC data gives 5 channels of 2x3... refused by shape later.
  qsq::net::DataOptions o;
  o.layout = qsq::net::ImageLayout::nchw;
  EXPECT_EQ(qsq::net::load_data(b.path.string(), Split::test, o).shape, (qsq::Shape3{2, 5, 3}));
}

TEST(DataDir, Float32NormalisedAndThreeDimensionalImages) {
  TempDir d;
  NpyArray im;
  im.dtype = NpyType::f32;
  im.shape = {20, 2, 2};
  std::vector<float> v(80);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i) * 0.5f;
  im.data.resize(320);
  std::memcpy(im.data.data(), v.data(), 320);
  save(d.file("train_images.npy"), im);
  save(d.file("train_labels.npy"), labels(20, NpyType::i32));
  qsq::net::DataOptions o;
  o.mean = 1.0f;
  o.std = 2.0f;
  const auto all = qsq::net::load_data(d.path.string(), Split::train, o);
  EXPECT_EQ(all.shape, (qsq::Shape3{1, 2, 2}));
  ASSERT_EQ(all.pixels.size(), 80u);
  EXPECT_FLOAT_EQ(all.pixels[3], (1.5f - 1.0f) / 2.0f);
  EXPECT_FLOAT_EQ(qsq::net::max_abs_value(all), (39.5f - 1.0f) / 2.0f);
  // A small training set keeps a tenth for validation.
  EXPECT_EQ(qsq::net::load_data(d.path.string(), Split::validation, o).size(), 2);
  EXPECT_EQ(qsq::net::load_data(d.path.string(), Split::train_fit, o).size(), 18);
  EXPECT_NE(error_of(d.path.string(), Split::test).find("no test data"), std::string::npos) << error_of(d.path.string(), Split::test);
}

TEST(DataDir, IdxFilesInADirectory) {
  TempDir d;
  qsq::net::IdxArray im{{3, 4, 4}, std::vector<std::uint8_t>(48, 255)};
  qsq::net::IdxArray lb{{3}, {1, 2, 3}};
  qsq::net::write_idx(d.file("t10k-images-idx3-ubyte"), im);
  qsq::net::write_idx(d.file("t10k-labels-idx1-ubyte"), lb);
  qsq::net::DataOptions o;
  o.mean = 0.5f;
  o.std = 0.25f;
  const auto t = qsq::net::load_data(d.path.string(), Split::test, o);
  EXPECT_EQ(t.shape, (qsq::Shape3{1, 4, 4}));
  EXPECT_EQ(t.labels, (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_FLOAT_EQ(t.pixels[0], 2.0f);
}

TEST(DataDir, MismatchesGiveOneLineNamingTheFile) {
  TempDir d;
  const std::string dir = d.path.string();
  const std::string images = d.file("test_images.npy"), lbl = d.file("test_labels.npy");
  auto check = [&](const std::string& expect_file, const std::string& expect) {
    const std::string e = error_of(dir, Split::test);
    EXPECT_NE(e.find(expect_file), std::string::npos) << e;
    EXPECT_NE(e.find(expect), std::string::npos) << "expected '" << expect << "' in: " << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  };
  save(images, u8_array({4, 1, 3, 3}, 0));
  save(lbl, labels(5));
  check(lbl, "holds 5 labels but " + images + " holds 4 images");
  save(lbl, labels(4));
  save(images, u8_array({4, 9}, 0));
  check(images, "images need 3 (N x H x W) or 4");
  NpyArray i64 = labels(4);
  i64.shape = {4, 1, 1};
  save(images, i64);
  check(images, "images must be uint8 or float32, found int64");
  save(images, u8_array({4, 1, 3, 3}, 0));
  NpyArray fl;
  fl.dtype = NpyType::f32;
  fl.shape = {4};
  fl.data.resize(16);
  save(lbl, fl);
  check(lbl, "labels must be integers, found float32");
  save(lbl, u8_array({4, 1}, 0));
  check(lbl, "labels must be a vector");
  NpyArray neg = labels(4, NpyType::i8);
  neg.data[2] = 0xFF;
  save(lbl, neg);
  check(lbl, "label -1 of item 2 is outside 0..255");
  save(lbl, labels(4));
  // Fortran order and truncation come from the reader, naming the file too.
  {
    auto b = qsq::net::npy_bytes(u8_array({4, 1, 3, 3}, 0));
    const std::string text(b.begin(), b.begin() + 64);
    const auto at = text.find("False");
    std::memcpy(&b[at], "True ", 5);
    std::ofstream(images, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    check(images, "fortran_order is True");
    b = qsq::net::npy_bytes(u8_array({4, 1, 3, 3}, 0));
    b.resize(b.size() - 5);
    std::ofstream(images, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    check(images, "truncated");
  }
  // Channels against the network.
  save(images, u8_array({4, 3, 3, 3}, 0));
  const auto t = qsq::net::load_data(dir, Split::test);
  try {
    qsq::net::require_shape(t, {1, 3, 3}, "the network in m.qsq");
    FAIL();
  } catch (const qsq::Error& e) {
    EXPECT_EQ(std::string(e.what()), images + ": images are 3x3x3 (C x H x W), the network in m.qsq takes 1x3x3 (the channels do not match)");
  }
  // A missing half of a pair, and neither a name nor a directory.
  fs::remove(lbl);
  check(lbl, "not found");
  EXPECT_NE(error_of("/nonexistent/qsq", Split::test).find("neither mnist, fashion nor a directory"), std::string::npos);
  qsq::net::DataOptions bad;
  bad.std = 0;
  EXPECT_NE(error_of("mnist", Split::test, bad).find("--std"), std::string::npos);
}

}  // namespace
