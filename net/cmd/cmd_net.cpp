// Description: the `qsq train|quantize|finetune|eval|tune|export` subcommands: option parsing and
// output only; the work is in net_experiments.cpp.
#include "cmd_net.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "cli.hpp"
#include "net_experiments.hpp"

namespace qsq::cli {
namespace {

using nlohmann::json;

void print(const json& j, bool as_json, const std::string& table) {
  if (as_json) std::cout << j.dump(2) << '\n';
  else std::cout << table;
}

// Options every quantizing command shares.
struct QuantOpts {
  std::string codebook = "pow2";
  int bits = defaults::kCodeBits;
  std::string scale = "search";  // measured: closer to float than max|w| (docs/results.md)
  bool keep_ends = false;
  int width = defaults::kWidth;
  qsq::net::QuantizeOptions resolve() const {
    qsq::net::QuantizeOptions o;
    o.codebook = parse_codebook(codebook);
    require_range("--bits", bits, limits::kCodeBitsMin, limits::kCodeBitsMax);
    o.code_bits = bits;
    o.scale = parse_scale_method(scale);
    o.keep_ends = keep_ends;
    require_range("--width", width, limits::kWidthMin, limits::kWidthMax);
    o.width = width;
    return o;
  }
};

void add_quant_options(CLI::App* cmd, QuantOpts& q) {
  cmd->add_option("--codebook", q.codebook, "weight codebook: pow2 (0, S/4, S/2, S), shift (no zero), pow2x")->capture_default_str();
  cmd->add_option("--bits", q.bits, "bits per weight code (2..4)")->capture_default_str();
  cmd->add_option("--scale", q.scale, "per-filter scale: max (max|w|) or search (error-minimising)")->capture_default_str();
  cmd->add_flag("--keep-ends", q.keep_ends, "keep the first and last layers as plain W-bit integers (bypass)");
  cmd->add_option("--width", q.width, "operand width W of activations and decoded weights")->capture_default_str();
}

void register_train(CLI::App& app) {
  struct O {
    net::TrainArgs a;
    bool json = false;
  };
  auto o = std::make_shared<O>();
  auto* cmd = app.add_subcommand(
      "train",
      "Train a float baseline with libtorch (Adam, fixed seed) on the first 55 000 training images and save it as "
      "TorchScript (a Sequential of torch.nn layers; how it was made is in its qsq_model.json). The same seed and "
      "thread count give the same weights hash.");
  cmd->add_option("--net", o->a.net, "lenet5 (MNIST LeNet-5, 28x28 input, pad 2) or convnet (2 conv + 2 fc)")->capture_default_str();
  cmd->add_option("--data", o->a.data, "mnist or fashion (default: mnist for lenet5, fashion for convnet)");
  cmd->add_option("-o,--out", o->a.out, "model file to write (TorchScript)")->required();
  cmd->add_option("--epochs", o->a.epochs, "epochs (default 4)");
  cmd->add_option("--seed", o->a.seed, "seed of initialisation and shuffling")->capture_default_str();
  cmd->add_option("--threads", o->a.threads, "libtorch threads (part of the determinism contract)")->capture_default_str();
  cmd->add_option("--max-batches", o->a.max_batches, "stop each epoch after this many batches (shortened runs)");
  cmd->add_flag("--json", o->json, "print JSON");
  cmd->callback([o, cmd] {
    if (cmd->count("--data") == 0) o->a.data = net::default_data(o->a.net);
    const json j = net::run_train(o->a);
    print(j, o->json, net::train_table(j));
  });
}

void register_quantize(CLI::App& app) {
  struct O {
    net::QuantizeArgs a;
    QuantOpts q;
    bool json = false;
  };
  auto o = std::make_shared<O>();
  auto* cmd = app.add_subcommand(
      "quantize",
      "Quantize a float model (qsq's or your own TorchScript of Conv2d/Linear/ReLU/MaxPool2d/Flatten/BatchNorm2d) into "
      "a .qsq file: input quantization, per-layer activation ranges calibrated on training images, b-bit weight codes "
      "with per-filter scales, biases in accumulator units, requantization multiplier and shift.");
  cmd->add_option("model", o->a.model, "float model (TorchScript)")->required();
  cmd->add_option("-o,--out", o->a.out, ".qsq file to write")->required();
  cmd->add_option("--data", o->a.data, "calibration data: mnist or fashion (default: the model's own, else mnist)");
  cmd->add_option("--calib", o->a.calib_images, "calibration images")->capture_default_str();
  add_quant_options(cmd, o->q);
  cmd->add_flag("--json", o->json, "print JSON");
  cmd->callback([o] {
    o->a.opts = o->q.resolve();
    const json j = net::run_quantize(o->a);
    print(j, o->json, net::quantize_table(j));
  });
}

void register_finetune(CLI::App& app) {
  struct O {
    net::FinetuneArgs a;
    QuantOpts q;
    bool json = false;
  };
  auto o = std::make_shared<O>();
  auto* cmd = app.add_subcommand(
      "finetune",
      "Quantization-aware fine-tuning: the forward pass uses the weights exactly as the integer network holds them "
      "(decoder-aware codes, the decoder's rounding, the chosen quality level), the backward pass a straight-through "
      "estimator. Writes the fine-tuned float model, and with --qsq the quantized file too.");
  cmd->add_option("model", o->a.model, "float model to start from (TorchScript)")->required();
  cmd->add_option("-o,--out", o->a.out, "fine-tuned float model to write")->required();
  cmd->add_option("--qsq", o->a.qsq_out, "also quantize the result into this .qsq file");
  cmd->add_option("--data", o->a.data, "mnist or fashion (default: the model's own)");
  cmd->add_option("--quality", o->a.quality, "quality level in the forward pass (0 = exact)")->capture_default_str();
  cmd->add_option("--epochs", o->a.epochs, "epochs")->capture_default_str();
  cmd->add_option("--lr", o->a.lr, "Adam learning rate")->capture_default_str();
  cmd->add_option("--seed", o->a.seed, "seed of the shuffling")->capture_default_str();
  cmd->add_option("--threads", o->a.threads, "libtorch threads")->capture_default_str();
  cmd->add_option("--max-batches", o->a.max_batches, "stop each epoch after this many batches (shortened runs)");
  cmd->add_option("--calib", o->a.calib_images, "calibration images for --qsq")->capture_default_str();
  add_quant_options(cmd, o->q);
  cmd->add_flag("--json", o->json, "print JSON");
  cmd->callback([o] {
    o->a.opts = o->q.resolve();
    const json j = net::run_finetune(o->a);
    print(j, o->json, net::finetune_table(j));
  });
}

void register_eval(CLI::App& app) {
  struct O {
    net::EvalArgs a;
    std::string levels = "all";
    bool json = false;
  };
  auto o = std::make_shared<O>();
  auto* cmd = app.add_subcommand(
      "eval",
      "Top-1 accuracy of a .qsq network on the test split with the golden model's integer layers (the arithmetic the "
      "hardware performs), per quality level, next to the float model and the float model with dequantized weights; "
      "zero fractions and memory savings (every byte of the .qsq file against FP32 weights and biases).");
  cmd->add_option("file", o->a.qsq, ".qsq file")->required();
  cmd->add_option("--float", o->a.float_model, "the float model it came from (TorchScript)");
  cmd->add_option("--data", o->a.data, "mnist or fashion")->capture_default_str();
  cmd->add_option("--levels", o->levels, "all, or a comma-separated list of quality levels")->capture_default_str();
  cmd->add_option("--threads", o->a.threads, "evaluation threads")->capture_default_str();
  cmd->add_option("--limit", o->a.limit, "evaluate only the first N test images");
  cmd->add_flag("--json", o->json, "print JSON");
  cmd->callback([o] {
    o->a.levels.clear();
    if (o->levels != "all") {
      std::size_t at = 0;
      while (at <= o->levels.size()) {
        const std::size_t comma = std::min(o->levels.find(',', at), o->levels.size());
        const std::string item = o->levels.substr(at, comma - at);
        try {
          std::size_t used = 0;
          o->a.levels.push_back(std::stoi(item, &used));
          if (used != item.size()) throw std::invalid_argument(item);
        } catch (const std::exception&) {
          throw Failure("--levels: '" + item + "' is not a quality level (use all or e.g. 1,2,4)");
        }
        at = comma + 1;
      }
    }
    const json j = net::run_eval(o->a);
    print(j, o->json, net::eval_table(j));
  });
}

void register_tune(CLI::App& app) {
  struct O {
    net::TuneArgs a;
    bool json = false;
  };
  auto o = std::make_shared<O>();
  auto* cmd = app.add_subcommand(
      "tune",
      "Pick a quality level per layer that minimises the cost per image within an accuracy-drop budget, chosen on the "
      "validation split (last 5 000 training images); test accuracy is reported at the end. Cost: measured energy per MAC "
      "of each level from --energy-table (the JSON of `qsq energy --json`; `qsq flow` passes its energy stage's), or, "
      "without a table, partial-product rows (reported as rows, not as energy).");
  cmd->add_option("file", o->a.qsq, ".qsq file")->required();
  cmd->add_option("--budget", o->a.budget, "allowed top-1 drop in percentage points")->capture_default_str();
  cmd->add_option("--data", o->a.data, "mnist or fashion")->capture_default_str();
  cmd->add_option("--energy-table", o->a.energy_table,
                  "`qsq energy --json` output, or any JSON {\"levels\": [{\"q\": 1, \"pj_per_mac\": ..}, ..]}");
  cmd->add_option("--threads", o->a.threads, "evaluation threads")->capture_default_str();
  cmd->add_option("--val-limit", o->a.val_limit, "use only the first N validation images");
  cmd->add_option("--test-limit", o->a.test_limit, "use only the first N test images");
  cmd->add_flag("--json", o->json, "print JSON");
  cmd->callback([o] {
    const json j = net::run_tune(o->a);
    print(j, o->json, net::tune_table(j));
  });
}

void register_export(CLI::App& app) {
  struct O {
    net::ExportArgs a;
    bool json = false;
  };
  auto o = std::make_shared<O>();
  auto* cmd = app.add_subcommand(
      "export",
      "Write each layer's packed codes (or bypass weights), scales and biases as $readmemh files for the RTL array, "
      "one word per weight load in schedule order, plus manifest.json; optionally the operand trace of real images.");
  cmd->add_option("file", o->a.qsq, ".qsq file")->required();
  cmd->add_option("-o,--out", o->a.out, "output folder")->required();
  cmd->add_option("--lanes", o->a.lanes, "lanes N of the array")->capture_default_str();
  cmd->add_option("--trace", o->a.trace,
                  "also write the conv layers' operand streams (qsq-trace 1, docs/energy.md) for real test images here");
  cmd->add_option("--data", o->a.data, "data set of the trace images")->capture_default_str();
  cmd->add_option("--trace-images", o->a.trace_images, "test images in the trace")->capture_default_str();
  cmd->add_flag("--json", o->json, "print JSON");
  cmd->callback([o] {
    const json j = net::run_export(o->a);
    std::string t = "Exported " + j["file"].get<std::string>() + " for " + std::to_string(o->a.lanes) + " lanes to " +
                    j["out"].get<std::string>() + ":\n";
    for (const auto& f : j["files"]) t += "  " + f.get<std::string>() + "\n";
    if (j.contains("trace")) t += "operand trace (" + j["trace_workload"].get<std::string>() + "): " + j["trace"].get<std::string>() + "\n";
    print(j, o->json, t);
  });
}

}  // namespace

void register_net(CLI::App& app) {
  register_train(app);
  register_quantize(app);
  register_finetune(app);
  register_eval(app);
  register_tune(app);
  register_export(app);
  register_net_flow();
}

}  // namespace qsq::cli
