// Description: Python bindings of the golden model (model/): codebooks and the decoder-aware
// codec (encode float filters into codes + scales + exponent, decode codes), CSD recoding and the
// quality-scalable truncation, the multiplier's error metrics, Qmax. Element-wise functions take
// NumPy arrays of any shape and return arrays of the same shape.
// Usage: internal to python/src; see docs/python.md for the Python API.
#include <algorithm>

#include "bindings.hpp"
#include "qsq/codebook.hpp"
#include "qsq/csd.hpp"
#include "qsq/metrics.hpp"
#include "qsq/quantize.hpp"

namespace qsq::py {

std::vector<pyb::ssize_t> shape_of(const pyb::array& a) {
  return std::vector<pyb::ssize_t>(a.shape(), a.shape() + a.ndim());
}

namespace {

// Filters are the first axis; at least one dimension.
int filters_of(const pyb::array& a, const char* what) {
  if (a.ndim() < 1 || a.shape(0) < 1) throw Error(std::string(what) + ": need an array whose first axis holds the filters");
  return static_cast<int>(a.shape(0));
}

Params params_for(const std::string& codebook, int bits, int width) {
  Params p;
  p.codebook = parse_codebook(codebook);
  p.code_bits = bits;
  p.width = width;
  p.validate();
  return p;
}

pyb::dict encode(const Array<float>& w, const std::string& codebook, int bits, int width, const std::string& scale) {
  const int filters = filters_of(w, "encode");
  const Params p = params_for(codebook, bits, width);
  const auto v = to_vector(w);
  const QuantizedWeights q = quantize_weights(v, filters, p, parse_scale_method(scale));
  const QuantStats st = quant_stats(v, q);
  pyb::dict d;
  d["codes"] = to_array(q.codes, shape_of(w));
  d["scales"] = to_array(q.scales, {filters});
  d["exponent"] = q.exponent;
  d["decoded"] = to_array(q.decoded(), shape_of(w));
  d["rel_rmse"] = st.rel_rmse;
  d["zeros_after"] = st.zeros_after;
  return d;
}

Array<std::int32_t> decode(const Array<std::uint8_t>& codes, const Array<std::uint32_t>& scales, const std::string& codebook,
                           int bits, int width) {
  const int filters = filters_of(codes, "decode");
  const Params p = params_for(codebook, bits, width);
  if (scales.ndim() != 1 || scales.shape(0) != filters)
    throw Error("decode: " + std::to_string(filters) + " filters need " + std::to_string(filters) + " scales, got " +
                std::to_string(scales.size()));
  const Codebook& cb = qsq::codebook(p.codebook, bits);
  const std::size_t per = static_cast<std::size_t>(codes.size()) / static_cast<std::size_t>(filters);
  std::vector<std::int32_t> out(static_cast<std::size_t>(codes.size()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::uint32_t s = scales.data()[i / per];
    if (s > max_scale(width)) throw Error("decode: scale " + std::to_string(s) + " exceeds the (W-1)-bit maximum " + std::to_string(max_scale(width)));
    if (codes.data()[i] >= cb.num_codes()) throw Error("decode: code " + std::to_string(codes.data()[i]) + " is wider than " + std::to_string(bits) + " bits");
    out[i] = cb.decode(codes.data()[i], s);
  }
  return to_array(out, shape_of(codes));
}

Array<std::int32_t> levels(const std::string& codebook, int bits, std::uint32_t scale) {
  const Codebook& cb = qsq::codebook(parse_codebook(codebook), bits);
  std::vector<std::int32_t> out;
  for (int c = 0; c < cb.num_codes(); ++c) out.push_back(cb.decode(static_cast<std::uint32_t>(c), scale));
  return to_array(out, {cb.num_codes()});
}

Array<std::uint8_t> encode_nearest(const Array<double>& targets, std::uint32_t scale, const std::string& codebook, int bits) {
  const Codebook& cb = qsq::codebook(parse_codebook(codebook), bits);
  std::vector<std::uint8_t> out(static_cast<std::size_t>(targets.size()));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = cb.encode_nearest(scale, targets.data()[i]);
  return to_array(out, shape_of(targets));
}

void check_values(const Array<std::int32_t>& w, int width, const char* what) {
  for (pyb::ssize_t i = 0; i < w.size(); ++i)
    if (w.data()[i] < min_value(width) || w.data()[i] > max_value(width))
      throw Error(std::string(what) + ": value " + std::to_string(w.data()[i]) + " is outside the " + std::to_string(width) +
                  "-bit range");
}

Array<std::int32_t> qs_weights(const Array<std::int32_t>& w, int q, int p, int width) {
  const Quality lv = resolve_quality({q, p}, width);
  check_values(w, width, "qs_weight");
  std::vector<std::int32_t> out(static_cast<std::size_t>(w.size()));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = qs_weight(w.data()[i], lv);
  return to_array(out, shape_of(w));
}

Array<std::int32_t> rows(const Array<std::int32_t>& w, int q, int p, int width) {
  const Quality lv = resolve_quality({q, p}, width);
  check_values(w, width, "qs_rows");
  std::vector<std::int32_t> out(static_cast<std::size_t>(w.size()));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = qs_rows(w.data()[i], lv);
  return to_array(out, shape_of(w));
}

// Digits -1/0/+1 of the non-adjacent form, least significant first: shape (..., width) (a W-bit
// value's digits, truncated or not, all lie in positions 0..W-1: csd.hpp).
Array<std::int8_t> csd_digits(const Array<std::int32_t>& w, int width, int q, int p) {
  require_range("width", width, limits::kWidthMin, limits::kWidthMax);
  check_values(w, width, "csd");
  std::vector<std::int8_t> out(static_cast<std::size_t>(w.size()) * static_cast<std::size_t>(width));
  for (std::size_t i = 0; i < static_cast<std::size_t>(w.size()); ++i) {
    Csd d = csd_encode(w.data()[i]);
    if (q != 0 || p != 0) d = csd_truncate(d, resolve_quality({q, p}, width));
    for (int b = 0; b < width; ++b)
      out[i * static_cast<std::size_t>(width) + static_cast<std::size_t>(b)] =
          static_cast<std::int8_t>(((d.pos >> b) & 1u) ? 1 : ((d.neg >> b) & 1u) ? -1 : 0);
  }
  auto shape = shape_of(w);
  shape.push_back(width);
  return to_array(out, shape);
}

pyb::dict accumulate(const Array<std::int64_t>& exact, const Array<std::int64_t>& approx) {
  if (exact.size() != approx.size()) throw Error("error_metrics: exact and approx differ in size");
  ErrorAccumulator acc;
  for (pyb::ssize_t i = 0; i < exact.size(); ++i) acc.add(exact.data()[i], approx.data()[i]);
  pyb::dict d;
  d["pairs"] = acc.pairs();
  d["mae"] = acc.mae();
  d["wce"] = acc.wce();
  d["mse"] = acc.mse();
  d["bias"] = acc.bias();
  d["mred"] = acc.mred();
  d["ep"] = acc.ep();
  return d;
}

pyb::list metrics(int width, std::vector<int> qs, int p, std::uint64_t seed, std::uint64_t samples) {
  const int qmax = max_digits(width);
  if (qs.empty())
    for (int q = 1; q <= qmax; ++q) qs.push_back(q);
  std::vector<Quality> lv;
  for (int q : qs) lv.push_back(resolve_quality({q, p}, width));
  const MetricsReport r = multiplier_metrics(width, lv, seed, samples);
  pyb::list out;
  for (const auto& l : r.levels) {
    pyb::dict d;
    d["q"] = l.quality.q;
    d["p"] = l.quality.p;
    d["mae"] = l.mae;
    d["wce"] = l.wce;
    d["mred"] = l.mred;
    d["ep"] = l.ep;
    d["mse"] = l.mse;
    d["bias"] = l.bias;
    d["avg_digits"] = l.avg_digits;
    d["pairs"] = r.pairs;
    d["exhaustive"] = r.exhaustive;
    out.append(d);
  }
  return out;
}

}  // namespace

void bind_model(pyb::module_& m) {
  using namespace pybind11::literals;
  m.def("qmax", &max_digits, "width"_a, "Qmax(W): the most non-zero CSD digits of a W-bit value (ceil(W/2)).");
  m.def("codebook_names", [] { return std::vector<std::string>(kCodebookNames, kCodebookNames + kNumCodebooks); });
  m.def("encode", &encode, "weights"_a, "codebook"_a = "pow2", "bits"_a = 3, "width"_a = 8, "scale"_a = "search",
        "Decoder-aware quantization of float filters (first axis = filters): dict with codes, scales, exponent, decoded, "
        "rel_rmse, zeros_after. weight ~= decoded * 2**-exponent.");
  m.def("decode", &decode, "codes"_a, "scales"_a, "codebook"_a = "pow2", "bits"_a = 3, "width"_a = 8,
        "The shift-and-scale decoder: codes (first axis = filters) and one scale per filter -> W-bit integers.");
  m.def("codebook_levels", &levels, "codebook"_a, "bits"_a, "scale"_a, "Decoded value of every code 0..2**bits-1 at a scale.");
  m.def("encode_nearest", &encode_nearest, "targets"_a, "scale"_a, "codebook"_a = "pow2", "bits"_a = 3,
        "The code whose decoded integer is nearest to each target (ties: smaller magnitude, then lower code).");
  m.def("choose_exponent", [](const Array<float>& w, int width) { return choose_exponent(to_vector(w), width); },
        "weights"_a, "width"_a = 8);
  m.def("qs_weight", &qs_weights, "weights"_a, "q"_a = 0, "p"_a = 0, "width"_a = 8,
        "Quality-scalable weight value(truncate(csd(w), q, p)), element-wise; q = 0 is exact.");
  m.def("qs_rows", &rows, "weights"_a, "q"_a = 0, "p"_a = 0, "width"_a = 8,
        "Non-zero CSD digits the multiplier uses (partial-product rows), element-wise.");
  m.def("csd", &csd_digits, "values"_a, "width"_a = 8, "q"_a = 0, "p"_a = 0,
        "CSD (non-adjacent form) digits -1/0/+1 least significant first, shape (..., width); truncated when q or p is set.");
  m.def("error_metrics", &accumulate, "exact"_a, "approx"_a, "mae, wce, mse, bias, mred, ep of approx against exact.");
  m.def("metrics", &metrics, "width"_a = 8, "levels"_a = std::vector<int>{}, "p"_a = 0, "seed"_a = 1, "samples"_a = 0,
        "Error metrics of the quality-scalable multiplier per level (exhaustive for W <= 12).");
}

}  // namespace qsq::py
