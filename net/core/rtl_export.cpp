// Description: $readmemh export of an integer network (see rtl_export.hpp).
#include "qsq/net/rtl_export.hpp"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/schedule.hpp"

namespace qsq::net {
namespace {

void put(std::vector<bool>& bits, std::size_t at, std::uint64_t value, int width) {
  for (int b = 0; b < width; ++b) bits[at + static_cast<std::size_t>(b)] = (value >> b) & 1u;
}

}  // namespace

std::string hex_word(const std::vector<bool>& bits) {
  static const char* digits = "0123456789abcdef";
  const std::size_t n = (bits.size() + 3) / 4;
  std::string s(n, '0');
  for (std::size_t d = 0; d < n; ++d) {
    int v = 0;
    for (int b = 0; b < 4; ++b) {
      const std::size_t i = d * 4 + static_cast<std::size_t>(b);
      if (i < bits.size() && bits[i]) v |= 1 << b;
    }
    s[n - 1 - d] = digits[v];
  }
  return s;
}

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
    const std::string base = std::to_string(li) + "_" + L.name;
    const int chunks = num_chunks(L, lanes);
    const bool coded = L.format == WeightFormat::coded;
    const std::vector<std::int32_t> decoded = L.decoded_weights();
    std::string words, scales, biases;
    std::vector<std::uint8_t> codes(static_cast<std::size_t>(lanes));
    std::vector<std::int32_t> plain(static_cast<std::size_t>(lanes));
    const std::uint64_t wmask = (std::uint64_t{1} << net.width) - 1;
    const std::uint64_t amask = net.acc_width >= 64 ? ~0ull : (std::uint64_t{1} << net.acc_width) - 1;
    for (int f = 0; f < L.out_channels; ++f) {
      for (int j = 0; j < chunks; ++j) {
        const int field = coded ? L.code_bits : net.width;
        std::vector<bool> bits(static_cast<std::size_t>(lanes * field), false);
        if (coded) {
          chunk_codes(L, f, j, codes);
          for (int i = 0; i < lanes; ++i) put(bits, static_cast<std::size_t>(i * field), codes[static_cast<std::size_t>(i)], field);
        } else {
          chunk_weights(L, decoded, f, j, plain);
          for (int i = 0; i < lanes; ++i)
            put(bits, static_cast<std::size_t>(i * field), static_cast<std::uint64_t>(plain[static_cast<std::size_t>(i)]) & wmask, field);
        }
        words += hex_word(bits) + "\n";
        ++sum.words;
      }
      std::vector<bool> sb(static_cast<std::size_t>(net.width - 1), false);
      put(sb, 0, coded ? L.scales[static_cast<std::size_t>(f)] : 0u, net.width - 1);
      scales += hex_word(sb) + "\n";
      std::vector<bool> bb(static_cast<std::size_t>(net.acc_width), false);
      put(bb, 0, static_cast<std::uint64_t>(static_cast<std::int64_t>(L.bias[static_cast<std::size_t>(f)])) & amask, net.acc_width);
      biases += hex_word(bb) + "\n";
    }
    const std::string wfile = base + (coded ? ".codes.memh" : ".plain.memh");
    flow::write_file_atomic(root / wfile, words);
    flow::write_file_atomic(root / (base + ".scales.memh"), scales);
    flow::write_file_atomic(root / (base + ".bias.memh"), biases);
    sum.files.insert(sum.files.end(), {wfile, base + ".scales.memh", base + ".bias.memh"});
    const Shape3 cs = L.conv_shape();
    man["layers"].push_back({{"name", L.name},
                             {"kind", L.kind == LayerKind::conv2d ? "conv2d" : "linear"},
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
                                          {"shift", L.requant.shift}, {"relu", L.requant.relu}}},
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
