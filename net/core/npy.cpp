// Description: the .npy reader and writer (see npy.hpp). The header dict is parsed by a small
// recursive-descent parser of the Python literal subset NumPy writes (strings, True/False, tuples
// of integers), not by anything that evaluates it.
#include "qsq/net/npy.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

namespace qsq::net {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicBytes = 6;

[[noreturn]] void fail(const std::string& name, const std::string& what) { throw NpyError("npy file " + name + ": " + what); }

// Shows header text in a message safely: one line, printable ASCII, at most 40 characters.
std::string excerpt(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return s.size() > 40 ? out + "..." : out;
}

struct HeaderParser {
  std::string_view text;
  const std::string& name;
  std::size_t pos = 0;

  void skip_ws() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r')) ++pos;
  }
  [[noreturn]] void bad(const std::string& what) const {
    fail(name, "bad header dict at character " + std::to_string(pos) + ": " + what + " (header: " + excerpt(text) + ")");
  }
  bool peek(char c) {
    skip_ws();
    return pos < text.size() && text[pos] == c;
  }
  void expect(char c) {
    if (!peek(c)) bad(std::string("expected '") + c + "'");
    ++pos;
  }
  std::string string_lit() {
    skip_ws();
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"')) bad("expected a quoted string");
    const char q = text[pos++];
    const std::size_t end = text.find(q, pos);
    if (end == std::string_view::npos) bad("unterminated string");
    std::string s(text.substr(pos, end - pos));
    pos = end + 1;
    return s;
  }
  bool boolean() {
    skip_ws();
    if (text.substr(pos, 4) == "True") return pos += 4, true;
    if (text.substr(pos, 5) == "False") return pos += 5, false;
    bad("expected True or False");
  }
  std::uint64_t integer() {
    skip_ws();
    if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') bad("expected a non-negative integer");
    std::uint64_t v = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      const std::uint64_t d = static_cast<std::uint64_t>(text[pos] - '0');
      if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) bad("dimension too large");
      v = v * 10 + d;
      ++pos;
    }
    if (pos < text.size() && text[pos] == 'L') ++pos;  // Python 2 long suffix in old files
    return v;
  }
  std::vector<std::uint64_t> shape() {
    std::vector<std::uint64_t> dims;
    expect('(');
    while (!peek(')')) {
      dims.push_back(integer());
      if (dims.size() > static_cast<std::size_t>(kNpyMaxDims))
        fail(name, "more than " + std::to_string(kNpyMaxDims) + " dimensions");
      if (peek(',')) ++pos;
      else if (!peek(')')) bad("expected ',' or ')' in the shape");
    }
    ++pos;
    return dims;
  }
};

NpyType parse_descr(const std::string& d, const std::string& name) {
  if (d.size() < 3) fail(name, "unsupported dtype '" + excerpt(d) + "'");
  const char order = d[0], kind = d[1];
  const std::string size = d.substr(2);
  if (order == '>' && size != "1")
    fail(name, "big-endian dtype '" + excerpt(d) + "' is not supported (save it little-endian: arr.astype(arr.dtype.newbyteorder('<')))");
  if (order != '<' && order != '|' && order != '>') fail(name, "unsupported dtype '" + excerpt(d) + "'");
  if (kind == 'u' || kind == 'i') {
    const bool s = kind == 'i';
    if (size == "1") return s ? NpyType::i8 : NpyType::u8;
    if (size == "2") return s ? NpyType::i16 : NpyType::u16;
    if (size == "4") return s ? NpyType::i32 : NpyType::u32;
    if (size == "8") return s ? NpyType::i64 : NpyType::u64;
  }
  if (kind == 'f' && size == "4") return NpyType::f32;
  fail(name, "unsupported dtype '" + excerpt(d) + "' (supported: unsigned and signed integers, float32)");
}

std::uint64_t le(const std::uint8_t* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace

const char* npy_type_name(NpyType t) {
  switch (t) {
    case NpyType::u8: return "uint8";
    case NpyType::i8: return "int8";
    case NpyType::u16: return "uint16";
    case NpyType::i16: return "int16";
    case NpyType::u32: return "uint32";
    case NpyType::i32: return "int32";
    case NpyType::u64: return "uint64";
    case NpyType::i64: return "int64";
    case NpyType::f32: return "float32";
  }
  return "?";
}

int npy_type_bytes(NpyType t) {
  switch (t) {
    case NpyType::u8: case NpyType::i8: return 1;
    case NpyType::u16: case NpyType::i16: return 2;
    case NpyType::u32: case NpyType::i32: case NpyType::f32: return 4;
    case NpyType::u64: case NpyType::i64: return 8;
  }
  return 1;
}

std::uint64_t NpyArray::count() const {
  std::uint64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

double NpyArray::as_double(std::uint64_t i) const {
  const int b = npy_type_bytes(dtype);
  const std::uint64_t raw = le(&data[static_cast<std::size_t>(i) * static_cast<std::size_t>(b)], b);
  switch (dtype) {
    case NpyType::f32: {
      float f;
      const auto u = static_cast<std::uint32_t>(raw);
      std::memcpy(&f, &u, sizeof f);
      return f;
    }
    case NpyType::u8: case NpyType::u16: case NpyType::u32: case NpyType::u64: return static_cast<double>(raw);
    default: return static_cast<double>(as_int(i));
  }
}

std::int64_t NpyArray::as_int(std::uint64_t i) const {
  const int b = npy_type_bytes(dtype);
  const std::uint64_t raw = le(&data[static_cast<std::size_t>(i) * static_cast<std::size_t>(b)], b);
  switch (dtype) {
    case NpyType::i8: return static_cast<std::int8_t>(raw);
    case NpyType::i16: return static_cast<std::int16_t>(raw);
    case NpyType::i32: return static_cast<std::int32_t>(raw);
    case NpyType::i64: return static_cast<std::int64_t>(raw);
    case NpyType::u64:
      if (raw > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw NpyError("uint64 value " + std::to_string(raw) + " does not fit a signed 64-bit integer");
      return static_cast<std::int64_t>(raw);
    case NpyType::f32: throw NpyError("as_int on a float32 array");
    default: return static_cast<std::int64_t>(raw);
  }
}

std::string NpyArray::shape_text() const {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string& name) {
  if (bytes.size() < kMagicBytes + 2 || std::memcmp(bytes.data(), kMagic, kMagicBytes) != 0)
    fail(name, "not a .npy file (no \\x93NUMPY magic)");
  const int major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3 || minor != 0)
    fail(name, "unsupported .npy version " + std::to_string(major) + "." + std::to_string(minor) + " (this reader: 1.0, 2.0, 3.0)");
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + len_bytes) fail(name, "truncated: the header length field is missing");
  const std::uint64_t header_len = le(&bytes[8], static_cast<int>(len_bytes));
  if (header_len > kNpyMaxHeader) fail(name, "header of " + std::to_string(header_len) + " bytes exceeds the limit of " + std::to_string(kNpyMaxHeader));
  const std::size_t data_at = 8 + len_bytes + static_cast<std::size_t>(header_len);
  if (bytes.size() < data_at)
    fail(name, "truncated: the header needs " + std::to_string(header_len) + " bytes, " + std::to_string(bytes.size() - 8 - len_bytes) + " present");
  const std::string_view text(reinterpret_cast<const char*>(bytes.data() + 8 + len_bytes), static_cast<std::size_t>(header_len));

  HeaderParser p{text, name};
  std::string descr;
  bool have_descr = false, have_order = false, have_shape = false, fortran = false;
  std::vector<std::uint64_t> shape;
  p.expect('{');
  while (!p.peek('}')) {
    const std::string key = p.string_lit();
    p.expect(':');
    if (key == "descr" && !have_descr) {
      descr = p.string_lit();
      have_descr = true;
    } else if (key == "fortran_order" && !have_order) {
      fortran = p.boolean();
      have_order = true;
    } else if (key == "shape" && !have_shape) {
      shape = p.shape();
      have_shape = true;
    } else {
      p.bad("unexpected or repeated key '" + excerpt(key) + "'");
    }
    if (p.peek(',')) ++p.pos;
    else if (!p.peek('}')) p.bad("expected ',' or '}'");
  }
  ++p.pos;
  p.skip_ws();
  if (p.pos != text.size()) p.bad("text after the dict");
  if (!have_descr || !have_order || !have_shape) fail(name, "header dict lacks 'descr', 'fortran_order' or 'shape'");
  if (descr.empty() || descr[0] == '[' ) fail(name, "structured dtypes are not supported");

  NpyArray a;
  a.dtype = parse_descr(descr, name);
  a.shape = shape;
  if (fortran && shape.size() > 1)
    fail(name, "fortran_order is True: save the array in C order (numpy.ascontiguousarray) to use it");
  const std::uint64_t item = static_cast<std::uint64_t>(npy_type_bytes(a.dtype));
  std::uint64_t need = item;
  for (auto d : shape) {
    if (d != 0 && need > kNpyMaxBytes / d) fail(name, "shape " + a.shape_text() + " exceeds the limit of " + std::to_string(kNpyMaxBytes) + " data bytes");
    need *= d;
  }
  const std::uint64_t have = bytes.size() - data_at;
  if (have < need)
    fail(name, "truncated: shape " + a.shape_text() + " of " + npy_type_name(a.dtype) + " needs " + std::to_string(need) +
                   " data bytes, " + std::to_string(have) + " present");
  if (have > need) fail(name, std::to_string(have - need) + " trailing bytes after the data");
  a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(data_at), bytes.end());
  return a;
}

NpyArray read_npy(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) fail(path, "cannot open (" + ec.message() + ")");
  if (size > kNpyMaxBytes + kNpyMaxHeader + 12) fail(path, std::to_string(size) + " bytes exceed the size limit");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open");
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::uint64_t>(in.gcount()) != size) fail(path, "read error");
  return parse_npy(bytes, path);
}

std::vector<std::uint8_t> npy_bytes(const NpyArray& a) {
  if (a.data.size() != a.count() * static_cast<std::uint64_t>(npy_type_bytes(a.dtype)))
    throw NpyError("npy_bytes: data size does not match the shape");
  const char* descr = nullptr;
  switch (a.dtype) {
    case NpyType::u8: descr = "|u1"; break;
    case NpyType::i8: descr = "|i1"; break;
    case NpyType::u16: descr = "<u2"; break;
    case NpyType::i16: descr = "<i2"; break;
    case NpyType::u32: descr = "<u4"; break;
    case NpyType::i32: descr = "<i4"; break;
    case NpyType::u64: descr = "<u8"; break;
    case NpyType::i64: descr = "<i8"; break;
    case NpyType::f32: descr = "<f4"; break;
  }
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + a.shape_text() + ", }";
  // NumPy pads so that the data starts at a multiple of 64 bytes, ending the header with '\n'.
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::vector<std::uint8_t> out(kMagic, kMagic + kMagicBytes);
  out.push_back(1);
  out.push_back(0);
  out.push_back(static_cast<std::uint8_t>(header.size() & 0xFF));
  out.push_back(static_cast<std::uint8_t>(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), a.data.begin(), a.data.end());
  return out;
}

}  // namespace qsq::net
