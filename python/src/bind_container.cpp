// Description: Python bindings of the .qsq container (format/): a network travels as a dict whose
// layers hold NumPy arrays (codes uint8 and plain int32 shaped (F, C, K, K) for conv, (F, 1, K, K)
// for depthwise and (F, C) for linear, scales uint32 (F,), bias int32 (F,); none for avgpool and
// add layers, whose format is "none"); read/write/serialize/deserialize go through
// qsq::read_network, write_network (atomic) and the reader's checks, so errors are the
// container's one-line FormatError messages.
// Usage: internal to python/src; python/qsq/__init__.py wraps the dicts into dataclasses.
#include "bindings.hpp"
#include "qsq/container.hpp"

namespace qsq::py {
namespace {

std::vector<pyb::ssize_t> weight_shape(const Layer& l) {
  if (l.kind == LayerKind::linear) return {l.out_channels, l.in.c};
  if (l.kind == LayerKind::depthwise) return {l.out_channels, 1, l.kernel, l.kernel};
  return {l.out_channels, l.in.c, l.kernel, l.kernel};
}

LayerKind parse_kind(const std::string& name, const std::string& kind) {
  for (LayerKind k : {LayerKind::conv2d, LayerKind::linear, LayerKind::depthwise, LayerKind::avgpool, LayerKind::add})
    if (kind == layer_kind_name(k)) return k;
  throw Error("layer '" + name + "': kind '" + kind + "' is not conv2d, linear, depthwise, avgpool or add");
}


template <class T>
T get(const pyb::dict& d, const char* key) {
  if (!d.contains(key)) throw Error(std::string("network dict: missing field '") + key + "'");
  try {
    return d[key].cast<T>();
  } catch (const pyb::cast_error&) {
    throw Error(std::string("network dict: field '") + key + "' has the wrong type");
  }
}

// Fields added with the residual layer kinds: absent in dicts written for the older kinds.
template <class T>
T get_or(const pyb::dict& d, const char* key, T fallback) {
  return d.contains(key) ? get<T>(d, key) : fallback;
}

template <class T>
std::vector<T> get_array(const pyb::dict& d, const char* key) {
  if (!d.contains(key) || d[key].is_none()) return {};
  return to_vector(Array<T>::ensure(d[key]));
}

Shape3 get_shape(const pyb::dict& d, const char* key) {
  const auto v = get<std::vector<int>>(d, key);
  if (v.size() != 3) throw Error(std::string("network dict: '") + key + "' must be (C, H, W)");
  return {v[0], v[1], v[2]};
}

CodeCoding parse_coding(const std::string& s) {
  if (s == "automatic") return CodeCoding::automatic;
  if (s == "dense") return CodeCoding::dense;
  if (s == "deflate") return CodeCoding::deflate;
  throw Error("coding '" + s + "': expected automatic, dense or deflate");
}

}  // namespace

pyb::dict layer_to_dict(const Layer& l) {
  pyb::dict d;
  d["name"] = l.name;
  d["kind"] = layer_kind_name(l.kind);
  d["in_shape"] = pyb::make_tuple(l.in.c, l.in.h, l.in.w);
  d["out_channels"] = l.out_channels;
  d["kernel"] = l.kernel;
  d["stride"] = l.stride;
  d["pad"] = l.pad;
  d["pool_kernel"] = l.pool.kernel;
  d["pool_stride"] = l.pool.stride;
  d["requant"] = l.requant.enabled;
  d["multiplier"] = l.requant.multiplier;
  d["shift"] = l.requant.shift;
  d["relu"] = l.requant.relu;
  d["clip"] = l.requant.clip;
  d["multiplier_b"] = l.requant.multiplier_b;
  d["second_input"] = l.second_input;
  d["format"] = l.format == WeightFormat::coded ? "coded" : l.format == WeightFormat::plain ? "plain" : "none";
  d["codebook"] = std::string(codebook_name(l.codebook));
  d["code_bits"] = l.code_bits;
  d["exponent"] = l.exponent;
  const auto ws = weight_shape(l);
  d["codes"] = l.format == WeightFormat::coded ? pyb::object(to_array(l.codes, ws)) : pyb::none();
  d["scales"] = l.format == WeightFormat::coded ? pyb::object(to_array(l.scales, {l.out_channels})) : pyb::none();
  d["plain"] = l.format == WeightFormat::plain ? pyb::object(to_array(l.plain, ws)) : pyb::none();
  d["bias"] = to_array(l.bias, {static_cast<pyb::ssize_t>(l.bias.size())});
  const Shape3 o = l.out_shape();
  d["out_shape"] = pyb::make_tuple(o.c, o.h, o.w);
  return d;
}

Layer layer_from_dict(const pyb::dict& d) {
  Layer l;
  l.name = get<std::string>(d, "name");
  l.kind = parse_kind(l.name, get<std::string>(d, "kind"));
  l.in = get_shape(d, "in_shape");
  l.out_channels = get<int>(d, "out_channels");
  l.kernel = get<int>(d, "kernel");
  l.stride = get<int>(d, "stride");
  l.pad = get<int>(d, "pad");
  l.pool = {get<int>(d, "pool_kernel"), get<int>(d, "pool_stride")};
  l.requant = {get<bool>(d, "requant"), get<std::int32_t>(d, "multiplier"), get<int>(d, "shift"), get<bool>(d, "relu"),
               get_or<std::int32_t>(d, "clip", 0), get_or<std::int32_t>(d, "multiplier_b", 0)};
  l.second_input = get_or<int>(d, "second_input", -1);
  const auto format = get<std::string>(d, "format");
  if (format != "coded" && format != "plain" && format != "none")
    throw Error("layer '" + l.name + "': format '" + format + "' is not coded, plain or none");
  l.format = format == "coded" ? WeightFormat::coded : format == "plain" ? WeightFormat::plain : WeightFormat::none;
  l.codebook = parse_codebook(get<std::string>(d, "codebook"));
  l.code_bits = get<int>(d, "code_bits");
  l.exponent = get<int>(d, "exponent");
  l.codes = get_array<std::uint8_t>(d, "codes");
  l.scales = get_array<std::uint32_t>(d, "scales");
  l.plain = get_array<std::int32_t>(d, "plain");
  l.bias = get_array<std::int32_t>(d, "bias");
  return l;
}

pyb::dict network_to_dict(const Network& net) {
  pyb::dict d;
  d["name"] = net.name;
  d["width"] = net.width;
  d["acc_width"] = net.acc_width;
  d["input_shape"] = pyb::make_tuple(net.input.c, net.input.h, net.input.w);
  d["input_mean"] = net.input_quant.mean;
  d["input_scale"] = net.input_quant.scale;
  pyb::list layers;
  for (const auto& l : net.layers) layers.append(layer_to_dict(l));
  d["layers"] = layers;
  return d;
}

Network network_from_dict(const pyb::dict& d) {
  Network net;
  net.name = get<std::string>(d, "name");
  net.width = get<int>(d, "width");
  net.acc_width = get<int>(d, "acc_width");
  net.input = get_shape(d, "input_shape");
  net.input_quant = {get<float>(d, "input_mean"), get<float>(d, "input_scale")};
  for (const auto& l : get<pyb::list>(d, "layers")) net.layers.push_back(layer_from_dict(l.cast<pyb::dict>()));
  net.validate();
  return net;
}

void bind_container(pyb::module_& m) {
  using namespace pybind11::literals;
  m.def("read", [](const std::string& path) { return network_to_dict(read_network(path)); }, "path"_a,
        "Reads and checks a .qsq file (raises FormatError with the reader's one-line message).");
  m.def("write",
        [](const std::string& path, const pyb::dict& net, const std::string& coding) {
          write_network(network_from_dict(net), path, {parse_coding(coding)});
        },
        "path"_a, "network"_a, "coding"_a = "automatic", "Writes a network (atomically: temporary file + rename).");
  m.def("serialize",
        [](const pyb::dict& net, const std::string& coding) {
          const auto b = serialize(network_from_dict(net), {parse_coding(coding)});
          return pyb::bytes(reinterpret_cast<const char*>(b.data()), b.size());
        },
        "network"_a, "coding"_a = "automatic");
  m.def("deserialize",
        [](const pyb::bytes& b) {
          const std::string s = b;
          return network_to_dict(deserialize(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size())));
        },
        "data"_a);
  m.def("validate", [](const pyb::dict& net) { (void)network_from_dict(net); }, "network"_a,
        "Network::validate(): raises Error naming the first rule broken.");
  m.def("decoded_weights",
        [](const pyb::dict& layer, int width) {
          const Layer l = layer_from_dict(layer);
          l.validate(width);  // sizes and ranges first: decoding indexes by them
          const auto w = l.decoded_weights();
          return to_array(w, {static_cast<pyb::ssize_t>(w.size())});
        },
        "layer"_a, "width"_a = 8, "The W-bit weights the decoder produces (or the plain weights), flat in [f][c][ky][kx] order.");
  m.def("footprint",
        [](const pyb::dict& net, const std::string& coding) {
          const Footprint fp = footprint(network_from_dict(net), {parse_coding(coding)});
          pyb::dict d;
          d["file_bits"] = fp.file_bits;
          d["code_bits"] = fp.code_bits;
          d["scale_bits"] = fp.scale_bits;
          d["plain_weight_bits"] = fp.plain_weight_bits;
          d["bias_bits"] = fp.bias_bits;
          d["header_bits"] = fp.header_bits;
          d["weights"] = fp.weights;
          d["zero_weights"] = fp.zero_weights;
          d["saving_fp32_weights"] = fp.saving_fp32_weights;
          d["saving_fp32_model"] = fp.saving_fp32_model;
          return d;
        },
        "network"_a, "coding"_a = "automatic", "Every bit of the file by category (docs/format.md, Footprint accounting).");
}

}  // namespace qsq::py
