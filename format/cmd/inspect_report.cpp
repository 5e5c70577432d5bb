// Description: the figures of `qsq inspect` as JSON, and their table and markdown renderings.
// Usage: see inspect.hpp.
#include <fmt/format.h>

#include "cli.hpp"
#include "inspect.hpp"

namespace qsq::cli {

namespace {

nlohmann::json shape(const Shape3& s) { return nlohmann::json::array({s.c, s.h, s.w}); }
std::string shape_text(const nlohmann::json& s) {
  return fmt::format("{}x{}x{}", s[0].get<int>(), s[1].get<int>(), s[2].get<int>());
}
double fraction(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

nlohmann::json inspect_json(const Network& net, const Footprint& fp, const std::string& file) {
  nlohmann::json j = json_header();
  j["file"] = file;
  j["file_bytes"] = fp.file_bits / 8;
  j["format_version"] = fp.version;
  j["network"] = {{"name", net.name},
                  {"width", net.width},
                  {"acc_width", net.acc_width},
                  {"input", shape(net.input)},
                  {"input_quant", {{"mean", net.input_quant.mean}, {"scale", net.input_quant.scale}}}};
  j["layers"] = nlohmann::json::array();
  std::uint64_t macs = 0;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    const LayerFootprint& lf = fp.layers[i];
    const bool coded = l.format == WeightFormat::coded;
    macs += static_cast<std::uint64_t>(l.macs());
    nlohmann::json row = {
        {"name", l.name},
        {"kind", layer_kind_name(l.kind)},
        {"input", shape(l.in)},
        {"output", shape(l.out_shape())},
        {"kernel", l.kernel},
        {"stride", l.stride},
        {"pad", l.pad},
        {"pool", {{"kernel", l.pool.kernel}, {"stride", l.pool.stride}}},
        {"format", coded ? "coded" : l.format == WeightFormat::plain ? "plain" : "none"},
        {"codebook", coded ? nlohmann::json(std::string(codebook_name(l.codebook))) : nlohmann::json(nullptr)},
        {"code_bits", coded ? nlohmann::json(l.code_bits) : nlohmann::json(nullptr)},
        {"code_coding", coded ? nlohmann::json(code_coding_name(lf.coding)) : nlohmann::json(nullptr)},
        {"exponent", l.exponent},
        {"weights", lf.weights},
        {"macs", l.macs()},
        {"zero_weights", lf.zero_weights},
        {"zero_fraction", fraction(lf.zero_weights, lf.weights)},
        {"bits",
         {{"codes", lf.code_bits},
          {"scales", lf.scale_bits},
          {"plain_weights", lf.plain_weight_bits},
          {"biases", lf.bias_bits},
          {"header", lf.header_bits}}}};
    j["layers"].push_back(row);
  }
  j["bits"] = {{"file", fp.file_bits},       {"codes", fp.code_bits},   {"scales", fp.scale_bits},
               {"plain_weights", fp.plain_weight_bits}, {"biases", fp.bias_bits}, {"header", fp.header_bits}};
  j["weights"] = fp.weights;
  j["biases"] = fp.biases;
  j["macs"] = macs;
  j["zero_weights"] = fp.zero_weights;
  j["zero_fraction"] = fraction(fp.zero_weights, fp.weights);
  j["saving"] = {{"fp32_weights", fp.saving_fp32_weights},
                 {"int8_weights", fp.saving_int8_weights},
                 {"fp32_model", fp.saving_fp32_model},
                 {"int8_model", fp.saving_int8_model}};
  j["saving_definitions"] =
      "weights: 1 - (codes + scales + plain weights) / (32 or 8 bits per weight); model: 1 - whole file / "
      "(32 bits per weight and bias, or 8 bits per weight and 32 per bias)";
  return j;
}

std::string inspect_table(const nlohmann::json& j) {
  const auto& n = j["network"];
  std::string s = fmt::format("{}: network '{}', format v{}, {} bytes, W = {}, AccW = {}, input {} (mean {}, scale {})\n\n",
                              j["file"].get<std::string>(), n["name"].get<std::string>(), j["format_version"].get<int>(),
                              j["file_bytes"].get<std::uint64_t>(), n["width"].get<int>(), n["acc_width"].get<int>(),
                              shape_text(n["input"]), n["input_quant"]["mean"].get<double>(),
                              n["input_quant"]["scale"].get<double>());
  s += fmt::format("{:<12} {:<6} {:>10} {:>10} {:<6} {:<8} {:>4} {:<7} {:>8} {:>9} {:>7} {:>8} {:>7} {:>7} {:>7}\n",
                   "layer", "kind", "input", "output", "format", "codebook", "bits", "coding", "weights", "MACs",
                   "zeros", "codes", "scales", "plain", "biases");
  for (const auto& l : j["layers"]) {
    const bool coded = l["format"] == "coded";
    s += fmt::format("{:<12} {:<6} {:>10} {:>10} {:<6} {:<8} {:>4} {:<7} {:>8} {:>9} {:>6.1f}% {:>8} {:>7} {:>7} {:>7}\n",
                     l["name"].get<std::string>(), l["kind"] == "conv2d" ? std::string("conv") : l["kind"].get<std::string>(), shape_text(l["input"]),
                     shape_text(l["output"]), l["format"].get<std::string>(),
                     coded ? l["codebook"].get<std::string>() : "-",
                     coded ? std::to_string(l["code_bits"].get<int>()) : "-",
                     coded ? l["code_coding"].get<std::string>() : "-", l["weights"].get<std::uint64_t>(),
                     l["macs"].get<std::uint64_t>(), 100 * l["zero_fraction"].get<double>(),
                     l["bits"]["codes"].get<std::uint64_t>(), l["bits"]["scales"].get<std::uint64_t>(),
                     l["bits"]["plain_weights"].get<std::uint64_t>(), l["bits"]["biases"].get<std::uint64_t>());
  }
  const auto& b = j["bits"];
  const double file = static_cast<double>(b["file"].get<std::uint64_t>());
  s += "\nbits by category:\n";
  for (const char* k : {"codes", "scales", "plain_weights", "biases", "header"})
    s += fmt::format("  {:<14} {:>10}  {:5.1f}%\n", k, b[k].get<std::uint64_t>(), 100 * b[k].get<std::uint64_t>() / file);
  s += fmt::format("  {:<14} {:>10}\n", "file", b["file"].get<std::uint64_t>());
  const auto& sv = j["saving"];
  s += fmt::format("\n{} weights, {} biases, {} MACs, {:.2f}% of decoded weights are zero\n", j["weights"].get<std::uint64_t>(),
                   j["biases"].get<std::uint64_t>(), j["macs"].get<std::uint64_t>(), 100 * j["zero_fraction"].get<double>());
  s += fmt::format("memory saving   weights alone   whole file\n");
  s += fmt::format("  vs FP32       {:>12.2f}%  {:>10.2f}%\n", 100 * sv["fp32_weights"].get<double>(),
                   100 * sv["fp32_model"].get<double>());
  s += fmt::format("  vs INT8       {:>12.2f}%  {:>10.2f}%\n", 100 * sv["int8_weights"].get<double>(),
                   100 * sv["int8_model"].get<double>());
  return s;
}

std::string inspect_markdown(const nlohmann::json& j) {
  std::string s = "| layer | kind | input | output | format | codebook/bits | coding | weights | MACs | zeros | stored bits |\n"
                  "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& l : j["layers"]) {
    const bool coded = l["format"] == "coded";
    const auto& b = l["bits"];
    const std::uint64_t stored = b["codes"].get<std::uint64_t>() + b["scales"].get<std::uint64_t>() +
                                 b["plain_weights"].get<std::uint64_t>() + b["biases"].get<std::uint64_t>() +
                                 b["header"].get<std::uint64_t>();
    s += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1f} % | {} |\n", l["name"].get<std::string>(),
                     l["kind"].get<std::string>(), shape_text(l["input"]), shape_text(l["output"]),
                     l["format"].get<std::string>(),
                     coded ? fmt::format("{}/{}", l["codebook"].get<std::string>(), l["code_bits"].get<int>()) : "-",
                     coded ? l["code_coding"].get<std::string>() : "-", l["weights"].get<std::uint64_t>(),
                     l["macs"].get<std::uint64_t>(), 100 * l["zero_fraction"].get<double>(), stored);
  }
  const auto& b = j["bits"];
  const auto& sv = j["saving"];
  s += fmt::format("\nBits: codes {}, scales {}, plain weights {}, biases {}, header {}; file {} bytes. "
                   "Zero weights {:.2f} %.\n\n",
                   b["codes"].get<std::uint64_t>(), b["scales"].get<std::uint64_t>(),
                   b["plain_weights"].get<std::uint64_t>(), b["biases"].get<std::uint64_t>(),
                   b["header"].get<std::uint64_t>(), j["file_bytes"].get<std::uint64_t>(),
                   100 * j["zero_fraction"].get<double>());
  s += fmt::format("| saving | weights alone | whole file |\n|---|---|---|\n| vs FP32 | {:.2f} % | {:.2f} % |\n"
                   "| vs INT8 | {:.2f} % | {:.2f} % |\n",
                   100 * sv["fp32_weights"].get<double>(), 100 * sv["fp32_model"].get<double>(),
                   100 * sv["int8_weights"].get<double>(), 100 * sv["int8_model"].get<double>());
  return s;
}

}  // namespace qsq::cli
