// Unit tests of the idx reader: round trip, gzip, and every malformed-file error (label unit).
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "qsq/net/dataset.hpp"
#include "qsq/net/idx.hpp"

namespace qn = qsq::net;

namespace {

std::string tmp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("qsq_idx_test_" + std::to_string(::getpid()) + "_" + name)).string();
}

void write_bytes(const std::string& path, const std::vector<unsigned char>& b) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

// Header bytes written by hand (big-endian sizes), independent of write_idx.
std::vector<unsigned char> header(unsigned char type, std::vector<std::uint32_t> dims) {
  std::vector<unsigned char> b = {0, 0, type, static_cast<unsigned char>(dims.size())};
  for (auto d : dims) {
    b.push_back(static_cast<unsigned char>(d >> 24));
    b.push_back(static_cast<unsigned char>(d >> 16));
    b.push_back(static_cast<unsigned char>(d >> 8));
    b.push_back(static_cast<unsigned char>(d));
  }
  return b;
}

void expect_error(const std::string& path, const std::string& fragment) {
  try {
    qn::read_idx(path);
    FAIL() << "no error for " << path;
  } catch (const qn::IdxError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << "message should name the file: " << e.what();
  }
}

}  // namespace

TEST(Idx, ReadsHandWrittenFile) {
  auto b = header(0x08, {2, 3});
  for (unsigned char v : {1, 2, 3, 4, 5, 255}) b.push_back(v);
  const auto p = tmp_path("ok");
  write_bytes(p, b);
  const auto a = qn::read_idx(p);
  ASSERT_EQ(a.dims, (std::vector<std::uint32_t>{2, 3}));
  EXPECT_EQ(a.data, (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 255}));
  std::remove(p.c_str());
}

TEST(Idx, WriteThenReadRoundTrips) {
  qn::IdxArray a;
  a.dims = {3, 2, 2};
  for (int i = 0; i < 12; ++i) a.data.push_back(static_cast<std::uint8_t>(i * 20));
  const auto p = tmp_path("rt");
  qn::write_idx(p, a);
  const auto b = qn::read_idx(p);
  EXPECT_EQ(b.dims, a.dims);
  EXPECT_EQ(b.data, a.data);
  std::remove(p.c_str());
}

TEST(Idx, ReadsGzip) {
  auto b = header(0x08, {4});
  for (unsigned char v : {9, 8, 7, 6}) b.push_back(v);
  const auto p = tmp_path("gz.gz");
  gzFile f = gzopen(p.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  gzwrite(f, b.data(), static_cast<unsigned>(b.size()));
  gzclose(f);
  const auto a = qn::read_idx(p);
  EXPECT_EQ(a.data, (std::vector<std::uint8_t>{9, 8, 7, 6}));
  std::remove(p.c_str());
}

TEST(Idx, RejectsMalformedFiles) {
  const auto p = tmp_path("bad");
  write_bytes(p, {0, 0});
  expect_error(p, "truncated header");
  write_bytes(p, {1, 0, 8, 1, 0, 0, 0, 1, 5});
  expect_error(p, "bad magic");
  write_bytes(p, {0, 0, 0x0d, 1, 0, 0, 0, 1, 5});
  expect_error(p, "element type");
  write_bytes(p, {0, 0, 8, 0});
  expect_error(p, "dimension count");
  write_bytes(p, {0, 0, 8, 9});
  expect_error(p, "dimension count");
  write_bytes(p, {0, 0, 8, 2, 0, 0, 0, 2});
  expect_error(p, "truncated header");
  auto b = header(0x08, {2, 2});
  b.insert(b.end(), {1, 2, 3});
  write_bytes(p, b);
  expect_error(p, "truncated");
  b.insert(b.end(), {4, 5});
  write_bytes(p, b);
  expect_error(p, "trailing");
  write_bytes(p, header(0x08, {0}));
  expect_error(p, "is 0");
  write_bytes(p, header(0x08, {0xffffffffu, 0xffffffffu}));
  expect_error(p, "limit");
  expect_error(tmp_path("does_not_exist"), "cannot open");
  std::remove(p.c_str());
}

TEST(Idx, DatasetChecksImagesAgainstLabels) {
  const auto img = tmp_path("img");
  const auto lab = tmp_path("lab");
  qn::IdxArray images{{2, 28, 28}, std::vector<std::uint8_t>(2 * 784, 255)};
  images.data[784] = 0;
  qn::write_idx(img, images);
  qn::write_idx(lab, {{2}, {3, 9}});
  const auto d = qn::dataset_from_idx("test", img, lab);
  ASSERT_EQ(d.size(), 2);
  EXPECT_FLOAT_EQ(d.image(0)[0], 1.0f);
  EXPECT_FLOAT_EQ(d.image(1)[0], 0.0f);
  EXPECT_EQ(d.labels[1], 9);
  qn::write_idx(lab, {{3}, {1, 2, 3}});
  EXPECT_THROW(qn::dataset_from_idx("test", img, lab), qn::IdxError);  // 2 images, 3 labels
  // Any image size and labels 0..255 are a user's data set (--data DIR); the 28x28 and 0..9
  // checks belong to the MNIST and Fashion-MNIST shortcuts (load_dataset).
  qn::write_idx(lab, {{2}, {1, 10}});
  EXPECT_EQ(qn::dataset_from_idx("test", img, lab).labels[1], 10);
  qn::write_idx(img, {{1, 27, 28}, std::vector<std::uint8_t>(27 * 28, 0)});
  qn::write_idx(lab, {{1}, {1}});
  EXPECT_EQ(qn::dataset_from_idx("test", img, lab).shape, (qsq::Shape3{1, 27, 28}));
  std::remove(img.c_str());
  std::remove(lab.c_str());
}

TEST(Idx, MissingDataSetIsAnErrorNotASkip) {
  const auto dir = tmp_path("empty_dir");
  std::filesystem::create_directories(dir);
  ::setenv("QSQ_MNIST_DIR", dir.c_str(), 1);
  try {
    qn::load_dataset("mnist", qn::Split::test);
    FAIL() << "missing MNIST did not throw";
  } catch (const qsq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("fetch-data.sh"), std::string::npos) << e.what();
  }
  ::unsetenv("QSQ_MNIST_DIR");
  std::filesystem::remove_all(dir);
  EXPECT_THROW(qn::load_dataset("cifar", qn::Split::test), qsq::Error);
}
