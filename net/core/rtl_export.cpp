// Description: $readmemh export of an integer network (see rtl_export.hpp).
#include "qsq/net/rtl_export.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "qsq/bits.hpp"
#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/schedule.hpp"
#include "qsq/transaction.hpp"

namespace qsq::net {

std::string hex_word(const std::vector<std::uint32_t>& words, std::size_t bits) {
  static const char* digits = "0123456789abcdef";
  const std::size_t n = (bits + 3) / 4;
  std::string s(n, '0');
  for (std::size_t d = 0; d < n; ++d) {
    const int w = static_cast<int>(std::min<std::size_t>(4, bits - d * 4));
    s[n - 1 - d] = digits[get_bits(words.data(), d * 4, w)];
  }
  return s;
}

namespace {

// The bus of one field of `bits` bits holding `value` (two's complement).
std::vector<std::uint32_t> one_field(std::int64_t value, int bits) {
  return pack_lanes(std::vector<std::int64_t>{value}, bits);
}

}  // namespace

ExportSummary export_rtl(const Network& net, int lanes, const std::string& dir) {
  net.validate();
  require_range("lanes", lanes, limits::kLanesMin, limits::kLanesMax);
  std::filesystem::create_directories(dir);
  const std::filesystem::path root(dir);
  ExportSummary sum;
  nlohmann::json man;
  man["network"] = net.name;
  man["width"] = net.width;
  man["acc_width"] = net.acc_width;
  man["lanes"] = lanes;
  man["input"] = {net.input.c, net.input.h, net.input.w};
  man["input_quant"] = {{"mean", net.input_quant.mean}, {"scale", net.input_quant.scale}};
  man["order"] = "filter-major, then chunk (qsq::for_each_step LOAD order); lane i in the i-th lowest field";
  man["layers"] = nlohmann::json::array();
  for (std::size_t li = 0; li < net.layers.size(); ++li) {
    const Layer& L = net.layers[li];
    if (!is_mac(L.kind)) {
      // No weights for the array: the manifest says what the layer computes between MAC layers.
      nlohmann::json row = {{"name", L.name},
                            {"kind", layer_kind_name(L.kind)},
                            {"in", {L.in.c, L.in.h, L.in.w}},
                            {"kernel", L.kernel},
                            {"stride", L.stride}};
      if (L.kind == LayerKind::add)
        row["add"] = {{"second_input", L.second_input}, {"multiplier_a", L.requant.multiplier},
                      {"multiplier_b", L.requant.multiplier_b}, {"shift", L.requant.shift},
                      {"relu", L.requant.relu}, {"clip", L.requant.clip}};
      man["layers"].push_back(row);
      continue;
    }
    const std::string base = std::to_string(li) + "_" + L.name;
    const int chunks = num_chunks(L, lanes);
    const bool coded = L.format == WeightFormat::coded;
    std::string words, scales, biases;
    for (int f = 0; f < L.out_channels; ++f) {
      for (int j = 0; j < chunks; ++j) {
        // The wld_codes_i / wld_plain_i bus of the chunk's load: lane i in the i-th lowest field.
        const WeightLoad ld = chunk_load(L, f, j, lanes, {});
        const int field = coded ? L.code_bits : net.width;
        const auto bus = coded ? pack_lanes(ld.codes, field) : pack_lanes(ld.plain, field);
        words += hex_word(bus, static_cast<std::size_t>(lanes * field)) + "\n";
        ++sum.words;
      }
      scales += hex_word(one_field(coded ? L.scales[static_cast<std::size_t>(f)] : 0, net.width - 1),
                         static_cast<std::size_t>(net.width - 1)) + "\n";
      biases += hex_word(one_field(L.bias[static_cast<std::size_t>(f)], net.acc_width),
                         static_cast<std::size_t>(net.acc_width)) + "\n";
    }
    const std::string wfile = base + (coded ? ".codes.memh" : ".plain.memh");
    flow::write_file_atomic(root / wfile, words);
    flow::write_file_atomic(root / (base + ".scales.memh"), scales);
    flow::write_file_atomic(root / (base + ".bias.memh"), biases);
    sum.files.insert(sum.files.end(), {wfile, base + ".scales.memh", base + ".bias.memh"});
    const Shape3 cs = L.conv_shape();
    man["layers"].push_back({{"name", L.name},
                             {"kind", layer_kind_name(L.kind)},
                             {"format", coded ? "coded" : "plain"},
                             {"bypass", !coded},
                             {"codebook", std::string(codebook_name(L.codebook))},
                             {"code_bits", L.code_bits},
                             {"exponent", L.exponent},
                             {"in", {L.in.c, L.in.h, L.in.w}},
                             {"out_channels", L.out_channels},
                             {"kernel", L.kernel},
                             {"stride", L.stride},
                             {"pad", L.pad},
                             {"fan_in", L.fan_in()},
                             {"chunks", chunks},
                             {"positions", cs.h * cs.w},
                             {"requant", {{"enabled", L.requant.enabled}, {"multiplier", L.requant.multiplier},
                                          {"shift", L.requant.shift}, {"relu", L.requant.relu},
                                          {"clip", L.requant.clip}}},
                             {"pool", {{"kernel", L.pool.kernel}, {"stride", L.pool.stride}}},
                             {"weights_file", wfile},
                             {"scales_file", base + ".scales.memh"},
                             {"bias_file", base + ".bias.memh"}});
  }
  flow::write_file_atomic(root / "manifest.json", man.dump(2) + "\n");
  sum.files.push_back("manifest.json");
  return sum;
}

}  // namespace qsq::net
