// Description: the net stages of `qsq flow`: train the two float baselines, quantize them (the
// default 3-bit pow2 code with searched scales, the keep-ends variant, and the codebook x scale comparison on LeNet-5),
// fine-tune with the exact decoder in the loop, evaluate every .qsq at every quality level, and
// tune per-layer quality. Each stage's inputs() hashes the files it reads and its parameters, so
// unchanged results are reused. Quick mode (CI) shortens training and evaluation and says so.
#include <fmt/format.h>

#include <filesystem>

#include "cli.hpp"
#include "cmd_net.hpp"
#include "accuracy_energy.hpp"
#include "net_experiments.hpp"
#include "qsq/net/dataset.hpp"

namespace qsq::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct Experiment {
  const char* net;
  const char* data;
};
constexpr Experiment kExperiments[] = {{"lenet5", "mnist"}, {"convnet", "fashion"}};
constexpr std::uint64_t kSeed = 1;

fs::path stage_dir(const StageContext& ctx, const std::string& stage) { return ctx.out_dir / "work" / stage; }

// Cheap identity of a data set: its folder and file sizes.
std::string data_identity(const std::string& name) {
  std::string s = name;
  const std::string dir = qsq::net::dataset_dir(name);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) s += " " + e.path().filename().string() + ":" + std::to_string(e.file_size(ec));
  return s;
}

std::string pct(const json& v) { return v.is_null() ? "-" : fmt::format("{:.2f}", 100 * v.get<double>()); }

struct Variant {
  std::string name;
  qsq::net::QuantizeOptions opts;
};

std::vector<Variant> variants(const std::string& net) {
  std::vector<Variant> v;
  qsq::net::QuantizeOptions o;
  v.push_back({"pow2-search", o});
  o.keep_ends = true;
  v.push_back({"pow2-search-ends", o});
  if (net == "lenet5") {
    for (CodebookId cb : {CodebookId::pow2, CodebookId::shift, CodebookId::pow2x})
      for (ScaleMethod sm : {ScaleMethod::max_abs, ScaleMethod::search}) {
        if (cb == CodebookId::pow2 && sm == ScaleMethod::search) continue;
        qsq::net::QuantizeOptions c;
        c.codebook = cb;
        c.scale = sm;
        v.push_back({fmt::format("{}-{}", codebook_name(cb), sm == ScaleMethod::max_abs ? "max" : "search"), c});
      }
  }
  return v;
}

// ---- train ------------------------------------------------------------------------------------

json train_run(StageContext& ctx) {
  json out = json_header();
  out["quick"] = ctx.quick;
  out["runs"] = json::array();
  for (const auto& e : kExperiments) {
    net::TrainArgs a;
    a.net = e.net;
    a.data = e.data;
    a.out = (ctx.work_dir / (std::string(e.net) + ".pt")).string();
    a.seed = kSeed;
    if (ctx.quick) {
      a.epochs = 1;
      a.max_batches = 120;
    }
    out["runs"].push_back(net::run_train(a));
    ctx.add_output(a.out);
  }
  return out;
}

std::string train_md(const json& j, const StageContext&) {
  std::string s = j["quick"].get<bool>() ? "**Quick mode: shortened training (120 batches of one epoch); not the full result.**\n\n" : "";
  s += "| net | data | epochs | seed | threads | test top-1 % | seconds | weights hash | command |\n|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : j["runs"])
    s += fmt::format("| {} | {} | {}{} | {} | {} | {} | {:.1f} | {} | `qsq train --net {} --data {} --seed {} --epochs {}{}` |\n",
                     r["net"].get<std::string>(), r["data"].get<std::string>(), r["epochs"].get<int>(),
                     r["shortened"].get<bool>() ? " (shortened)" : "", r["seed"].get<std::uint64_t>(), r["threads"].get<int>(),
                     pct(r["test_acc"]), r["train_seconds"].get<double>(), r["weights_hash"].get<std::string>(),
                     r["net"].get<std::string>(), r["data"].get<std::string>(), r["seed"].get<std::uint64_t>(), r["epochs"].get<int>(),
                     r["shortened"].get<bool>() ? fmt::format(" --max-batches {}", r["max_batches_per_epoch"].get<int>()) : "");
  return s;
}

// ---- quantize ---------------------------------------------------------------------------------

json quantize_run(StageContext& ctx) {
  json out = json_header();
  out["runs"] = json::array();
  for (const auto& e : kExperiments) {
    const fs::path model = stage_dir(ctx, "net-train") / (std::string(e.net) + ".pt");
    for (const auto& v : variants(e.net)) {
      if (ctx.quick && v.name != "pow2-search" && v.name != "pow2-search-ends") continue;
      net::QuantizeArgs a;
      a.model = model.string();
      a.out = (ctx.work_dir / fmt::format("{}-{}.qsq", e.net, v.name)).string();
      a.opts = v.opts;
      json r = net::run_quantize(a);
      ctx.add_output(a.out);
      r["variant"] = v.name;
      out["runs"].push_back(r);
    }
  }
  return out;
}

std::string quantize_md(const json& j, const StageContext&) {
  std::string s = "Calibration: largest activation per layer over the first 2000 train-fit images. Savings count every byte of "
                  "the .qsq file against FP32 weights + biases.\n\n| net | variant | options | zeros before % | zeros after % | "
                  "file bytes | saving FP32 weights % | saving FP32 model % |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : j["runs"]) {
    double z0 = 0, z1 = 0, n = 0;
    for (const auto& l : r["layers"]) {
      const double w = l["weights"].get<double>();
      z0 += l["zeros_before"].get<double>() * w;
      z1 += l["zeros_after"].get<double>() * w;
      n += w;
    }
    s += fmt::format("| {} | {} | {} | {:.2f} | {:.2f} | {} | {} | {} |\n", r["net"].get<std::string>(), r["variant"].get<std::string>(),
                     r["options"]["describe"].get<std::string>(), 100 * z0 / n, 100 * z1 / n,
                     r["footprint"]["file_bytes"].get<std::uint64_t>(), pct(r["footprint"]["saving_fp32_weights"]),
                     pct(r["footprint"]["saving_fp32_model"]));
  }
  return s;
}

// ---- finetune ---------------------------------------------------------------------------------

json finetune_run(StageContext& ctx) {
  json out = json_header();
  out["quick"] = ctx.quick;
  out["runs"] = json::array();
  for (const auto& e : kExperiments) {
    for (bool ends : {false, true}) {
      net::FinetuneArgs a;
      a.model = (stage_dir(ctx, "net-train") / (std::string(e.net) + ".pt")).string();
      const std::string tag = fmt::format("{}-pow2-search{}-ft", e.net, ends ? "-ends" : "");
      a.out = (ctx.work_dir / (tag + ".pt")).string();
      a.qsq_out = (ctx.work_dir / (tag + ".qsq")).string();
      a.opts.keep_ends = ends;
      a.seed = kSeed;
      if (ctx.quick) {
        a.epochs = 1;
        a.max_batches = 40;
      }
      json r = net::run_finetune(a);
      ctx.add_output(a.out);
      ctx.add_output(a.qsq_out);
      r["tag"] = tag;
      out["runs"].push_back(r);
    }
  }
  return out;
}

std::string finetune_md(const json& j, const StageContext&) {
  std::string s = j["quick"].get<bool>() ? "**Quick mode: shortened fine-tuning (40 batches); not the full result.**\n\n" : "";
  s += "| run | epochs | lr | seconds | float top-1 % of shadow weights before / after |\n|---|---|---|---|---|\n";
  for (const auto& r : j["runs"])
    s += fmt::format("| {} | {} | {} | {:.1f} | {} / {} |\n", r["tag"].get<std::string>(), r["finetune"]["epochs"].get<int>(),
                     r["finetune"]["lr"].get<double>(), r["finetune"]["seconds"].get<double>(), pct(r["float_acc_before"]),
                     pct(r["float_acc_after"]));
  return s;
}

// ---- eval -------------------------------------------------------------------------------------

std::vector<std::pair<fs::path, fs::path>> eval_pairs(const StageContext& ctx) {
  std::vector<std::pair<fs::path, fs::path>> v;  // (.qsq, float model)
  for (const auto& e : kExperiments) {
    const fs::path model = stage_dir(ctx, "net-train") / (std::string(e.net) + ".pt");
    for (const auto& var : variants(e.net)) {
      const fs::path q = stage_dir(ctx, "net-quantize") / fmt::format("{}-{}.qsq", e.net, var.name);
      if (fs::exists(q)) v.push_back({q, model});
    }
    for (const char* ends : {"", "-ends"}) {
      const std::string tag = fmt::format("{}-pow2-search{}-ft", e.net, ends);
      v.push_back({stage_dir(ctx, "net-finetune") / (tag + ".qsq"), stage_dir(ctx, "net-finetune") / (tag + ".pt")});
    }
  }
  return v;
}

json eval_run(StageContext& ctx) {
  json out = json_header();
  out["quick"] = ctx.quick;
  out["runs"] = json::array();
  for (const auto& [q, model] : eval_pairs(ctx)) {
    net::EvalArgs a;
    a.qsq = q.string();
    a.float_model = model.string();
    a.data = q.filename().string().rfind("convnet", 0) == 0 ? "fashion" : "mnist";
    if (ctx.quick) a.limit = 1000;
    json r = net::run_eval(a);
    r["name"] = q.stem().string();
    out["runs"].push_back(r);
  }
  return out;
}

std::string eval_md(const json& j, const StageContext&) {
  std::string s = j["quick"].get<bool>() ? "**Quick mode: first 1000 test images only.**\n\n" : "";
  s += "Top-1 % on the test split, bit-exact golden-model integer layers (W = 8, AccW = 32); q = kept CSD digits "
       "(4 = exact). Command: `qsq eval FILE.qsq --float MODEL --data DATA --levels all --json`.\n\n"
       "| file | float | dequant | q=1 | q=2 | q=3 | q=4 | zeros before % | zeros after % | saving FP32 model % | s/level |\n"
       "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : j["runs"]) {
    std::string lv;
    double secs = 0;
    for (const auto& l : r["levels"]) {
      lv += fmt::format(" {} |", pct(l["acc"]));
      secs = std::max(secs, l["seconds"].get<double>());
    }
    s += fmt::format("| {} | {} | {} |{} {} | {} | {} | {:.2f} |\n", r["name"].get<std::string>(), pct(r["float_acc"]), pct(r["dequant_acc"]),
                     lv, pct(r["zeros_before"]), pct(r["zeros_after"]), pct(r["memory_saving_fp32_model"]), secs);
  }
  return s;
}

// ---- tune -------------------------------------------------------------------------------------

json tune_run(StageContext& ctx) {
  json out = json_header();
  out["quick"] = ctx.quick;
  out["runs"] = json::array();
  // The energy stage's measured energy per MAC of every level (same JSON as `qsq energy --json`).
  std::string table;
  if (ctx.has_upstream("energy")) {
    table = (ctx.work_dir / "energy_table.json").string();
    write_file_atomic(table, ctx.upstream("energy").dump(1) + "\n");
  }
  for (const auto& e : kExperiments) {
    for (const fs::path& q : {stage_dir(ctx, "net-quantize") / fmt::format("{}-pow2-search.qsq", e.net),
                             stage_dir(ctx, "net-finetune") / fmt::format("{}-pow2-search-ft.qsq", e.net)}) {
      net::TuneArgs a;
      a.qsq = q.string();
      a.data = e.data;
      a.budget = 0.5;
      a.energy_table = table;
      if (ctx.quick) {
        a.val_limit = 500;
        a.test_limit = 1000;
      }
      json r = net::run_tune(a);
      r["name"] = q.stem().string();
      out["runs"].push_back(r);
    }
  }
  // Accuracy against measured energy per MAC, per level and for the mix: the one-row array (the
  // energy stage) and the 2-D grid (energy-grid).
  if (ctx.has_upstream("net-eval")) {
    const json none;
    const json& e1 = ctx.has_upstream("energy") ? ctx.upstream("energy") : none;
    const json& e2 = ctx.has_upstream("energy-grid") ? ctx.upstream("energy-grid") : none;
    out["accuracy_energy"] =
        net::accuracy_energy(ctx.upstream("net-eval"), {{"one-row array", &e1}, {"grid M=N=8", &e2}}, out["runs"]);
  }
  return out;
}

std::string tune_md(const json& j, const StageContext& ctx) {
  std::string s = j["quick"].get<bool>() ? "**Quick mode: 500 validation and 1000 test images.**\n\n" : "";
  if (j["runs"].empty()) return s;
  const json& r0 = j["runs"][0];
  s += "Budget 0.5 points on the validation split (last 5000 training images). Cost model: " +
       r0["cost_model"].get<std::string>() + ". Command: `qsq tune FILE.qsq --budget 0.5 --data DATA" +
       (r0.contains("energy_table") ? std::string(" --energy-table ENERGY.json`") : std::string("`")) + ".\n\n";
  const bool measured = r0.contains("pj_per_mac");
  s += measured ? "| file | levels per layer | val top-1 % (exact) | test top-1 % (exact) | pJ/MAC of the mix | vs exact level | "
                  "vs exact baseline |\n|---|---|---|---|---|---|---|\n"
                : "| file | levels per layer | val top-1 % (exact) | test top-1 % (exact) | partial-product rows vs exact |\n"
                  "|---|---|---|---|---|\n";
  for (const auto& r : j["runs"]) {
    std::string lv;
    for (const auto& l : r["layers"]) lv += fmt::format("{}{}={}", lv.empty() ? "" : " ", l["name"].get<std::string>(), l["q"].get<int>());
    s += fmt::format("| {} | {} | {} ({}) | {} ({}) |", r["name"].get<std::string>(), lv, pct(r["val_acc"]), pct(r["val_acc_exact"]),
                     pct(r["test_acc"]), pct(r["test_acc_exact"]));
    if (measured)
      s += fmt::format(" {:.3f} | {:.3f}x | {} |\n", r["pj_per_mac"].get<double>(), r["cost_ratio"].get<double>(),
                       r.contains("pj_over_baseline") ? fmt::format("{:.3f}x", r["pj_over_baseline"].get<double>()) : "-");
    else
      s += fmt::format(" {:.3f}x |\n", r["cost_ratio"].get<double>());
  }
  if (measured && r0.contains("energy_source")) s += "\nEnergy per MAC per level: " + r0["energy_source"].get<std::string>() + ".\n";
  if (j.contains("accuracy_energy")) s += net::accuracy_energy_markdown(j["accuracy_energy"], ctx.out_dir);
  return s;
}

// ---- operand trace ----------------------------------------------------------------------------

json trace_run(StageContext& ctx) {
  net::ExportArgs a;
  a.qsq = (stage_dir(ctx, "net-quantize") / "lenet5-pow2-search.qsq").string();
  a.out = (ctx.work_dir / "rtl").string();
  a.trace = (ctx.out_dir / "operands.trace").string();
  a.data = "mnist";
  a.trace_images = 1;
  json r = net::run_export(a);
  ctx.add_output(a.trace);
  // The 2-D grid's real workload (qsq energy --preset grid): every conv layer of both networks.
  std::vector<std::pair<std::string, std::string>> nets;
  for (const auto& e : kExperiments)
    nets.emplace_back((stage_dir(ctx, "net-quantize") / fmt::format("{}-pow2-search.qsq", e.net)).string(), e.data);
  const std::string grid_trace = (ctx.out_dir / "operands-grid.trace").string();
  const json g = net::write_grid_trace(nets, {}, "grid", 1, grid_trace);
  r.update(g);
  ctx.add_output(grid_trace);
  return r;
}

std::string trace_md(const json& j, const StageContext&) {
  std::string s = fmt::format("$readmemh files of {} for {} lanes in `{}`; operand trace ({}) in `{}` (the `real` workload of "
                     "`qsq energy`). Command: `qsq export {} -o DIR --trace out/operands.trace`.\n",
                     j["file"].get<std::string>(), j["lanes"].get<int>(), j["out"].get<std::string>(),
                     j["trace_workload"].get<std::string>(), j["trace"].get<std::string>(), j["file"].get<std::string>());
  if (j.contains("grid_trace"))
    s += fmt::format("\nGrid trace for preset {} ({}) in `{}` (the `real` workload of `qsq energy --preset {}`). Command, per "
                     "network: `qsq export NET.qsq --data DATA --grid-trace FILE --grid-preset {}`.\n",
                     j["grid_preset"].get<std::string>(), j["grid_trace_workload"].get<std::string>(),
                     j["grid_trace"].get<std::string>(), j["grid_preset"].get<std::string>(), j["grid_preset"].get<std::string>());
  return s;
}

}  // namespace

// Every net stage is computed by the code unit "net" (net/ and the model and container code it
// uses); the data sets are identified by their files; each stage reads its upstream stages'
// files, whose hashes those stages record as outputs.
void register_net_flow() {
  struct NetStage {
    const char* name;
    const char* title;
    std::vector<std::string> after;
    json (*run)(StageContext&);
    std::string (*markdown)(const json&, const StageContext&);
  };
  // net-tune runs after the energy stage: the per-layer choice minimises measured energy per MAC.
  const NetStage net_stages[] = {
      {"net-train", "Networks: float baselines (LeNet-5 / MNIST, ConvNet / Fashion-MNIST)", {}, train_run, train_md},
      {"net-quantize", "Networks: 3-bit quantization, keep-ends variant, codebook and scale choices", {"net-train"},
       quantize_run, quantize_md},
      {"net-trace", "Networks: RTL export and operand traces (LeNet-5's conv layers; the grid's: LeNet-5's and ConvNet's)", {"net-quantize"}, trace_run, trace_md},
      {"net-finetune", "Networks: quantization-aware fine-tuning (exact decoder in the forward pass)", {"net-train"},
       finetune_run, finetune_md},
      {"net-eval", "Networks: bit-exact accuracy per quality level, zeros and memory",
       {"net-train", "net-quantize", "net-finetune"}, eval_run, eval_md},
      {"net-tune", "Networks: per-layer quality within a 0.5-point budget, at the measured energy per MAC",
       {"net-quantize", "net-finetune", "net-eval", "energy", "energy-grid"}, tune_run, tune_md},
  };
  for (const auto& n : net_stages)
    flow::add_stage({.name = n.name,
                     .title = n.title,
                     .after = n.after,
                     .code = {"net"},
                     .params = [](const StageContext&) {
                       return fmt::format("seed {} threads 2 epochs default\n{}\n{}", kSeed, data_identity("mnist"),
                                          data_identity("fashion"));
                     },
                     .run = n.run,
                     .markdown = n.markdown});
}

}  // namespace qsq::cli
