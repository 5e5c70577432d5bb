// Description: write_network / read_network on disk: round trip, no temporary files left
// behind, an existing file preserved when the network is invalid, the target cannot be
// replaced, or a write fails half-way (RLIMIT_FSIZE); oversized and missing files refused.
// Usage: ctest -L unit -R FileIo
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "qsq/container.hpp"
#include "random_layer.hpp"
#include "random_network.hpp"

namespace fs = std::filesystem;

namespace {

class FileIo : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("qsq_format_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir_);
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> v;
    for (const auto& e : fs::directory_iterator(dir_)) v.push_back(e.path().filename().string());
    std::sort(v.begin(), v.end());
    return v;
  }
  static std::vector<std::uint8_t> slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  static qsq::Network net(std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    return qsq_test::random_network(rng);
  }
  fs::path dir_;
};

TEST_F(FileIo, RoundTripLeavesOnlyTheTarget) {
  const auto a = net(1), b = net(2);
  const auto path = (dir_ / "m.qsq").string();
  qsq::write_network(a, path);
  EXPECT_EQ(qsq_test::first_difference(qsq::read_network(path), a), "");
  qsq::write_network(b, path);  // replace
  EXPECT_EQ(qsq_test::first_difference(qsq::read_network(path), b), "");
  EXPECT_EQ(entries(), std::vector<std::string>{"m.qsq"});
  EXPECT_EQ(slurp(path), qsq::serialize(b));
}

TEST_F(FileIo, InvalidNetworkLeavesTheOldFile) {
  const auto path = (dir_ / "m.qsq").string();
  qsq::write_network(net(3), path);
  const auto before = slurp(path);
  auto bad = net(4);
  bad.layers[0].bias.push_back(1);  // one bias too many
  EXPECT_THROW(qsq::write_network(bad, path), qsq::FormatError);
  EXPECT_EQ(slurp(path), before);
  EXPECT_EQ(entries(), std::vector<std::string>{"m.qsq"});
}

TEST_F(FileIo, UnreplaceableTargetLeavesNoTempFile) {
  fs::create_directories(dir_ / "m.qsq" / "inside");  // rename over a non-empty directory fails
  EXPECT_THROW(qsq::write_network(net(5), (dir_ / "m.qsq").string()), qsq::FormatError);
  EXPECT_EQ(entries(), std::vector<std::string>{"m.qsq"});
  EXPECT_TRUE(fs::is_directory(dir_ / "m.qsq" / "inside"));
  EXPECT_THROW(qsq::write_network(net(5), (dir_ / "missing" / "m.qsq").string()), qsq::FormatError);
}

TEST_F(FileIo, UnwritableDirectoryLeavesTheOldFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions (the half-way write test covers this)";
  const auto path = (dir_ / "m.qsq").string();
  qsq::write_network(net(6), path);
  const auto before = slurp(path);
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_THROW(qsq::write_network(net(7), path), qsq::FormatError);
  fs::permissions(dir_, fs::perms::owner_all);
  EXPECT_EQ(slurp(path), before);
  EXPECT_EQ(entries(), std::vector<std::string>{"m.qsq"});
}

TEST_F(FileIo, HalfWayWriteFailureLeavesTheOldFile) {
  const auto path = (dir_ / "m.qsq").string();
  const auto small = net(8);
  qsq::write_network(small, path);
  const auto before = slurp(path);
  // A network larger than the file size limit set below, so the write fails part-way.
  qsq::Network big;
  big.input = {100, 1, 1};
  qsq::Layer l = qsq_test::plain_linear("", 100, 100, [](int i) { return i % 255 - 127; });
  l.bias.assign(100, 0);
  l.requant.enabled = false;
  big.layers = {l};
  ASSERT_GT(qsq::serialize(big).size(), 8192u);
  struct rlimit old {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);  // the write then fails with EFBIG
  struct rlimit lim = old;
  lim.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &lim), 0);
  EXPECT_THROW(qsq::write_network(big, path), qsq::FormatError);
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(slurp(path), before);
  EXPECT_EQ(entries(), std::vector<std::string>{"m.qsq"});
}

TEST_F(FileIo, OversizedMissingAndDirectoryInputsAreRefused) {
  const auto path = dir_ / "huge.qsq";
  {
    std::ofstream(path).put('x');
  }
  fs::resize_file(path, qsq::kMaxFileBytes + 1);  // sparse: no disk space used
  try {
    (void)qsq::read_network(path.string());
    ADD_FAILURE() << "accepted";
  } catch (const qsq::FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("limit"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)qsq::read_network((dir_ / "nope.qsq").string()), qsq::FormatError);
  EXPECT_THROW((void)qsq::read_network(dir_.string()), qsq::FormatError);
}

}  // namespace
