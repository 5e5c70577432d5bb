// Description: TensorProto <-> Const (see onnx_tensor.hpp).
#include "onnx_tensor.hpp"

#include <bit>
#include <cmath>
#include <cstring>

#include "qsq/error.hpp"

namespace qsq::onnx_io {
namespace {

constexpr std::int64_t kMaxElements = std::int64_t{1} << 28;

static_assert(std::endian::native == std::endian::little, "raw_data is little-endian; this reader assumes a little-endian host");

template <class T>
void from_raw(const std::string& raw, std::int64_t n, std::vector<double>& out, const std::string& what) {
  if (static_cast<std::int64_t>(raw.size()) != n * static_cast<std::int64_t>(sizeof(T)))
    throw Error(what + ": raw_data has " + std::to_string(raw.size()) + " bytes, the dimensions need " +
                std::to_string(n * static_cast<std::int64_t>(sizeof(T))));
  out.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * static_cast<std::int64_t>(sizeof(T)), sizeof(T));
    out[static_cast<std::size_t>(i)] = static_cast<double>(v);
  }
}

template <class Field>
void from_field(const Field& f, std::int64_t n, std::vector<double>& out, const std::string& what) {
  if (f.size() != n)
    throw Error(what + ": holds " + std::to_string(f.size()) + " values, its dimensions say " + std::to_string(n));
  out.assign(f.begin(), f.end());
}

}  // namespace

std::vector<float> Const::floats() const { return std::vector<float>(values.begin(), values.end()); }

std::optional<std::vector<std::int64_t>> Const::integers() const {
  constexpr double kBound = 4611686018427387904.0;  // 2^62
  std::vector<std::int64_t> out;
  out.reserve(values.size());
  for (double v : values) {
    if (!std::isfinite(v) || v != std::floor(v) || v < -kBound || v > kBound) return std::nullopt;
    out.push_back(static_cast<std::int64_t>(v));
  }
  return out;
}

Const decode(const onnx::TensorProto& t, const std::string& what) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL || t.external_data_size() > 0)
    throw Error(what + ": external tensor data is not supported (save the model with its weights inside)");
  if (t.has_segment()) throw Error(what + ": segmented tensors are not supported");
  Const c;
  std::int64_t n = 1;
  for (std::int64_t d : t.dims()) {
    if (d < 0) throw Error(what + ": negative dimension " + std::to_string(d));
    if (d > kMaxElements || n * d > kMaxElements) throw Error(what + ": more than 2^28 elements");
    n *= d;
    c.dims.push_back(d);
  }
  const bool raw = t.has_raw_data();
  using TP = onnx::TensorProto;
  switch (t.data_type()) {
    case TP::FLOAT:
      raw ? from_raw<float>(t.raw_data(), n, c.values, what) : from_field(t.float_data(), n, c.values, what);
      break;
    case TP::DOUBLE:
      raw ? from_raw<double>(t.raw_data(), n, c.values, what) : from_field(t.double_data(), n, c.values, what);
      break;
    case TP::INT64:
      raw ? from_raw<std::int64_t>(t.raw_data(), n, c.values, what) : from_field(t.int64_data(), n, c.values, what);
      break;
    case TP::UINT64:
      raw ? from_raw<std::uint64_t>(t.raw_data(), n, c.values, what) : from_field(t.uint64_data(), n, c.values, what);
      break;
    case TP::UINT32:
      raw ? from_raw<std::uint32_t>(t.raw_data(), n, c.values, what) : from_field(t.uint64_data(), n, c.values, what);
      break;
    // The narrower integer types and BOOL keep their values in int32_data when not raw.
    case TP::INT32:
      raw ? from_raw<std::int32_t>(t.raw_data(), n, c.values, what) : from_field(t.int32_data(), n, c.values, what);
      break;
    case TP::INT16:
      raw ? from_raw<std::int16_t>(t.raw_data(), n, c.values, what) : from_field(t.int32_data(), n, c.values, what);
      break;
    case TP::UINT16:
      raw ? from_raw<std::uint16_t>(t.raw_data(), n, c.values, what) : from_field(t.int32_data(), n, c.values, what);
      break;
    case TP::INT8:
      raw ? from_raw<std::int8_t>(t.raw_data(), n, c.values, what) : from_field(t.int32_data(), n, c.values, what);
      break;
    case TP::UINT8:
    case TP::BOOL:
      raw ? from_raw<std::uint8_t>(t.raw_data(), n, c.values, what) : from_field(t.int32_data(), n, c.values, what);
      break;
    default:
      throw Error(what + ": data type " + std::to_string(t.data_type()) +
                  " is not supported (float, double and integer tensors are)");
  }
  return c;
}

void encode_float(const std::vector<std::int64_t>& dims, const std::vector<float>& values, const std::string& name,
                  onnx::TensorProto* out) {
  out->set_name(name);
  out->set_data_type(onnx::TensorProto::FLOAT);
  for (auto d : dims) out->add_dims(d);
  std::string raw(values.size() * sizeof(float), '\0');
  if (!values.empty()) std::memcpy(raw.data(), values.data(), raw.size());
  out->set_raw_data(std::move(raw));
}

}  // namespace qsq::onnx_io
