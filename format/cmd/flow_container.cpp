// Description: the `container` stage of `qsq flow`: the synthetic LeNet-5 (seed 1, default
// parameters: W = 8, 3-bit pow2 codes, search scales) written to out/work/container/model.qsq,
// read back and checked bit-exact (every field, and the forward pass on seeded inputs at every
// quality level); the inspect figures of the file; and the file size with dense against
// deflated codes for code widths 2, 3 and 4.
// Usage: registered by register_inspect(); run by `qsq flow`.
#include <fmt/format.h>

#include "cli.hpp"
#include "inspect.hpp"
#include "qsq/synthetic.hpp"
#include "qsq/transaction.hpp"

namespace qsq::cli {

namespace {

constexpr std::uint64_t kSeed = 1;

// Field-by-field comparison of what the forward pass and the file depend on.
bool same_network(const Network& a, const Network& b) {
  if (a.name != b.name || a.width != b.width || a.acc_width != b.acc_width || !(a.input == b.input) ||
      a.input_quant.mean != b.input_quant.mean || a.input_quant.scale != b.input_quant.scale ||
      a.layers.size() != b.layers.size())
    return false;
  return serialize(a, {CodeCoding::dense}) == serialize(b, {CodeCoding::dense}) &&
         serialize(a, {CodeCoding::deflate}) == serialize(b, {CodeCoding::deflate});
}

nlohmann::json run_stage(StageContext& ctx) {
  const Params params;
  const Network net = synthetic_lenet5(kSeed, params);
  const auto path = ctx.work_dir / "model.qsq";
  progress("[flow] container: writing " + path.string());
  write_network(net, path.string());
  const Network back = read_network(path.string());
  if (!same_network(net, back)) throw Failure("container round trip changed the network (" + path.string() + ")");
  const int inputs = ctx.quick ? 2 : 8;
  int checked = 0;
  for (int s = 0; s < inputs; ++s) {
    const Tensor x = synthetic_input(net, 100 + static_cast<std::uint64_t>(s));
    for (const Quality& q : all_levels(net.width)) {
      if (forward(net, x, q) != forward(back, x, q))
        throw Failure(fmt::format("container round trip: forward pass differs (input seed {}, q = {})", 100 + s, q.q));
      ++checked;
    }
  }
  const auto bytes = read_file_bytes(path.string());
  nlohmann::json j = inspect_json(back, footprint_of_file(bytes), path.string());
  j["workload"] = fmt::format("synthetic_lenet5(seed {}), W = {}, {}-bit {} codes, search scales", kSeed, params.width,
                              params.code_bits, codebook_name(params.codebook));
  j["round_trip"] = {{"bit_exact", true}, {"forward_checks", checked}, {"input_seeds", fmt::format("100..{}", 99 + inputs)}};
  nlohmann::json study = nlohmann::json::array();
  // Quick mode (CI) measures the default code width only: quantizing LeNet-5 again per width
  // is what costs time here.
  const int first_bits = ctx.quick ? params.code_bits : limits::kCodeBitsMin;
  const int last_bits = ctx.quick ? params.code_bits : limits::kCodeBitsMax;
  for (int bits = first_bits; bits <= last_bits; ++bits) {
    Params p;
    p.code_bits = bits;
    const Network n = bits == params.code_bits ? net : synthetic_lenet5(kSeed, p);
    const Footprint dense = footprint(n, {CodeCoding::dense});
    const Footprint deflated = footprint(n, {CodeCoding::deflate});
    study.push_back({{"code_bits", bits},
                     {"dense_bytes", dense.file_bits / 8},
                     {"deflate_bytes", deflated.file_bits / 8},
                     {"dense_code_bits_per_weight", static_cast<double>(dense.code_bits) / static_cast<double>(dense.weights)},
                     {"deflate_code_bits_per_weight", static_cast<double>(deflated.code_bits) / static_cast<double>(deflated.weights)},
                     {"zero_fraction", static_cast<double>(dense.zero_weights) / static_cast<double>(dense.weights)},
                     {"saving_fp32_model_dense", dense.saving_fp32_model},
                     {"saving_fp32_model_deflate", deflated.saving_fp32_model}});
  }
  j["coding_study"] = study;
  return j;
}

std::string markdown(const nlohmann::json& j) {
  std::string s = fmt::format("Workload: {}. File `{}` ({} bytes, format v{}), read back bit-exact: {} forward passes "
                              "(input seeds {}, every quality level) equal.\n\n",
                              j["workload"].get<std::string>(), j["file"].get<std::string>(),
                              j["file_bytes"].get<std::uint64_t>(), j["format_version"].get<int>(),
                              j["round_trip"]["forward_checks"].get<int>(), j["round_trip"]["input_seeds"].get<std::string>());
  s += inspect_markdown(j);
  s += "\nCode coding (whole file, same network quantized at each code width; deflate = raw deflate of one byte per "
       "code, zlib level 9):\n\n| code bits | zeros | dense bytes | deflate bytes | code bits/weight dense | deflate | "
       "saving vs FP32 dense | deflate |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : j["coding_study"])
    s += fmt::format("| {} | {:.1f} % | {} | {} | {:.2f} | {:.2f} | {:.2f} % | {:.2f} % |\n", r["code_bits"].get<int>(),
                     100 * r["zero_fraction"].get<double>(), r["dense_bytes"].get<std::uint64_t>(),
                     r["deflate_bytes"].get<std::uint64_t>(), r["dense_code_bits_per_weight"].get<double>(),
                     r["deflate_code_bits_per_weight"].get<double>(), 100 * r["saving_fp32_model_dense"].get<double>(),
                     100 * r["saving_fp32_model_deflate"].get<double>());
  return s;
}

}  // namespace

void register_container_stage() {
  flow::add_stage({.name = "container",
                   .title = "Model container (.qsq): round trip and memory footprint",
                   .code = {"inspect"},
                   .params = [](const StageContext&) { return fmt::format("synthetic-lenet5 seed={} v{}", kSeed, kFormatVersion); },
                   .run = run_stage,
                   .markdown = [](const nlohmann::json& j, const StageContext&) { return markdown(j); }});
}

}  // namespace qsq::cli
