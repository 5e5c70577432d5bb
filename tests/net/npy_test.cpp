// Description: the .npy reader: files laid out by hand as NumPy writes them, round trips of every
// dtype, and one clear error for each malformed input (magic, version, header dict, dtype,
// fortran order, truncation, trailing bytes, a huge declared shape that must not allocate).
// Usage: ctest -R Npy
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "qsq/net/npy.hpp"

namespace {

using qsq::net::NpyArray;
using qsq::net::NpyError;
using qsq::net::NpyType;

// A version 1.0 file with the given header dict text and data, laid out as the format document
// says (magic, version, u16 header length, header padded with spaces to a multiple of 64 and
// ended by '\n', data): written here byte by byte, independently of npy_bytes.
std::vector<std::uint8_t> file_with(std::string dict, const std::vector<std::uint8_t>& data, int major = 1) {
  const std::size_t pre = major == 1 ? 10 : 12;
  while ((pre + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  std::vector<std::uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<std::uint8_t>(major), 0};
  out.push_back(static_cast<std::uint8_t>(dict.size() & 0xFF));
  out.push_back(static_cast<std::uint8_t>(dict.size() >> 8));
  if (major != 1) {
    out.push_back(0);
    out.push_back(0);
  }
  out.insert(out.end(), dict.begin(), dict.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::string error_of(const std::vector<std::uint8_t>& b) {
  try {
    (void)qsq::net::parse_npy(b, "x.npy");
  } catch (const NpyError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(Npy, ReadsWhatNumPyWrites) {
  // np.save of np.arange(6, dtype=np.uint8).reshape(2, 3)
  const auto b = file_with("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", {0, 1, 2, 3, 4, 5});
  ASSERT_EQ(b.size(), 128u + 6u);  // NumPy's own file for this array is 134 bytes too
  const NpyArray a = qsq::net::parse_npy(b, "x.npy");
  EXPECT_EQ(a.dtype, NpyType::u8);
  EXPECT_EQ(a.shape, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(a.as_int(5), 5);
  EXPECT_EQ(a.shape_text(), "(2, 3)");
  // float32 little-endian, a 1-D shape written "(2,)", version 2.0
  std::vector<std::uint8_t> data(8);
  const float f[2] = {1.5f, -2.25f};
  std::memcpy(data.data(), f, 8);  // the test host is little-endian (x86-64)
  const NpyArray g = qsq::net::parse_npy(file_with("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data, 2), "g");
  EXPECT_EQ(g.shape_text(), "(2,)");
  EXPECT_EQ(g.as_float(0), 1.5f);
  EXPECT_EQ(g.as_float(1), -2.25f);
  // signed 16-bit, keys in another order, double quotes
  const NpyArray h = qsq::net::parse_npy(
      file_with("{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"<i2\"}", {0xFE, 0xFF, 0x07, 0x00}), "h");
  EXPECT_EQ(h.as_int(0), -2);
  EXPECT_EQ(h.as_int(1), 7);
}

TEST(Npy, RoundTripsEveryDtype) {
  for (NpyType t : {NpyType::u8, NpyType::i8, NpyType::u16, NpyType::i16, NpyType::u32, NpyType::i32, NpyType::u64,
                    NpyType::i64, NpyType::f32}) {
    NpyArray a;
    a.dtype = t;
    a.shape = {3, 2};
    a.data.resize(6 * static_cast<std::size_t>(qsq::net::npy_type_bytes(t)));
    for (std::size_t i = 0; i < a.data.size(); ++i) a.data[i] = static_cast<std::uint8_t>(i * 37 + 1);
    if (t == NpyType::u64)
      for (std::size_t i = 7; i < a.data.size(); i += 8) a.data[i] &= 0x7F;  // stay below 2^63 for as_int
    const auto bytes = qsq::net::npy_bytes(a);
    EXPECT_EQ(bytes.size() % 64, a.data.size() % 64) << "data starts on a 64-byte boundary";
    const NpyArray b = qsq::net::parse_npy(bytes, "r");
    EXPECT_EQ(b.dtype, t) << qsq::net::npy_type_name(t);
    EXPECT_EQ(b.shape, a.shape);
    EXPECT_EQ(b.data, a.data);
  }
  NpyArray scalar;
  scalar.dtype = NpyType::u8;
  scalar.data = {9};
  EXPECT_EQ(qsq::net::parse_npy(qsq::net::npy_bytes(scalar), "s").count(), 1u);
}

TEST(Npy, RefusesMalformedFilesWithOneLine) {
  const std::string ok = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }";
  const std::vector<std::uint8_t> six(6, 1);
  struct Case {
    std::vector<std::uint8_t> bytes;
    std::string expect;
  };
  auto v4 = file_with(ok, six);
  v4[6] = 4;
  auto cut_header = file_with(ok, six);
  cut_header.resize(30);
  const std::vector<Case> cases = {
      {{'N', 'U', 'M', 'P', 'Y'}, "not a .npy file"},
      {v4, "unsupported .npy version 4.0"},
      {cut_header, "truncated: the header needs"},
      {file_with("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", six), "fortran_order is True"},
      {file_with("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", {0, 0, 0, 0, 0, 0, 0, 0}), "big-endian dtype"},
      {file_with("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", std::vector<std::uint8_t>(8)), "unsupported dtype '<f8'"},
      {file_with("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", std::vector<std::uint8_t>(12)), "unsupported dtype"},
      {file_with(ok, {1, 2, 3}), "truncated: shape (2, 3) of uint8 needs 6 data bytes, 3 present"},
      {file_with(ok, std::vector<std::uint8_t>(7)), "1 trailing bytes after the data"},
      {file_with("{'descr': '|u1', 'shape': (2, 3), }", six), "lacks 'descr', 'fortran_order' or 'shape'"},
      {file_with("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", six), "unexpected or repeated key 'x'"},
      {file_with("{'descr': '|u1', 'fortran_order': False, 'shape': (2, -3), }", six), "expected a non-negative integer"},
      {file_with("{'descr': '|u1', 'fortran_order': Maybe, 'shape': (2, 3), }", six), "expected True or False"},
      {file_with("{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", six), "exceeds the limit"},
      {file_with("{'descr': '|u1', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1), }", six), "more than 8 dimensions"},
      {file_with("[1, 2]", six), "expected '{'"},
  };
  for (const auto& c : cases) {
    const std::string e = error_of(c.bytes);
    EXPECT_EQ(e.rfind("npy file x.npy: ", 0), 0u) << e;
    EXPECT_NE(e.find(c.expect), std::string::npos) << "expected '" << c.expect << "' in: " << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << "one line: " << e;
  }
}

TEST(Npy, EveryTruncationIsRefused) {
  const auto b = file_with("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", std::vector<std::uint8_t>(12, 7));
  for (std::size_t n = 0; n < b.size(); ++n) {
    const std::vector<std::uint8_t> cut(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_NE(error_of(cut), "(accepted)") << n << " bytes";
  }
  EXPECT_EQ(error_of(b), "(accepted)");
}

TEST(Npy, MissingFileNamesIt) {
  try {
    (void)qsq::net::read_npy("/nonexistent/dir/a.npy");
    FAIL();
  } catch (const NpyError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("npy file /nonexistent/dir/a.npy: cannot open", 0), 0u) << e.what();
  }
}

}  // namespace
