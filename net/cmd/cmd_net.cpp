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

// --data's help: the shortcuts, or a directory and the file names it must hold.
std::string data_help(const std::string& shortcuts) {
  return shortcuts + ", or DIR: " + qsq::net::data_dir_help() + " (only the splits the command uses)";
}

// --mean, --std and --layout, written into `o`.
void add_data_options(CLI::App* cmd, qsq::net::DataOptions& o) {
  cmd->add_option("--mean", o.mean, "normalisation: every value becomes (x - mean) / std; x = byte / 255 for uint8 and "
                                    "idx data, the stored value for float32 (give the same values to every command)")
      ->capture_default_str();
  cmd->add_option("--std", o.std, "normalisation divisor (> 0)")->capture_default_str();
  cmd->add_option_function<std::string>(
         "--layout", [&o](const std::string& v) { o.layout = qsq::net::parse_layout(v); },
         "4-D .npy images: nchw, nhwc, or auto (default: nhwc when the last dimension is 1, 3 or 4 and the second is not)")
      ->check(CLI::IsMember({"auto", "nchw", "nhwc"}));
}

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
    std::string data;  // empty: the network's own data set
  };
  auto o = std::make_shared<O>();
  auto* cmd = add_report_command<O>(
      app, "train",
      "Train a float baseline with libtorch (Adam, fixed seed) on the first 55 000 training images and save it as "
      "TorchScript (a Sequential of torch.nn layers; how it was made is in its qsq_model.json). The same seed and "
      "thread count give the same weights hash.",
      o,
      [](O& x) {
        x.a.data = x.data.empty() ? net::default_data(x.a.net) : x.data;
        return net::run_train(x.a);
      },
      net::train_table);
  cmd->add_option("--net", o->a.net, "lenet5 (MNIST LeNet-5, 28x28 input, pad 2) or convnet (2 conv + 2 fc)")->capture_default_str();
  cmd->add_option("--data", o->data, data_help("mnist or fashion (default: mnist for lenet5, fashion for convnet)"));
  add_data_options(cmd, o->a.dopts);
  cmd->add_option("-o,--out", o->a.out, "model file to write (TorchScript)")->required();
  cmd->add_option("--epochs", o->a.epochs, "epochs (default 4)");
  cmd->add_option("--seed", o->a.seed, "seed of initialisation and shuffling")->capture_default_str();
  cmd->add_option("--threads", o->a.threads, "libtorch threads (part of the determinism contract)")->capture_default_str();
  cmd->add_option("--max-batches", o->a.max_batches, "stop each epoch after this many batches (shortened runs)");
}

// `qsq quantize` and `qsq finetune`: a float model in, a file out (-o), the quantizer's options
// resolved into Args::opts before `run`.
template <class Args>
struct Quantizing {
  Args a;
  QuantOpts q;
};

template <class Args>
std::pair<CLI::App*, std::shared_ptr<Quantizing<Args>>> add_quantizing_command(
    CLI::App& app, const std::string& name, const std::string& help, json (*run)(const Args&),
    std::string (*table)(const json&), const std::string& model_help, const std::string& out_help) {
  auto o = std::make_shared<Quantizing<Args>>();
  auto* cmd = add_report_command<Quantizing<Args>>(
      app, name, help, o,
      [run](Quantizing<Args>& x) {
        x.a.opts = x.q.resolve();
        return run(x.a);
      },
      table);
  cmd->add_option("model", o->a.model, model_help)->required();
  cmd->add_option("-o,--out", o->a.out, out_help)->required();
  add_quant_options(cmd, o->q);
  return {cmd, o};
}

void register_quantize(CLI::App& app) {
  auto [cmd, o] = add_quantizing_command<net::QuantizeArgs>(
      app, "quantize",
      "Quantize a float model (qsq's or your own TorchScript of Conv2d/Linear/ReLU/MaxPool2d/Flatten/BatchNorm2d, or an "
      "ONNX model of Conv/Gemm/MatMul+Add/Relu/MaxPool/Flatten/BatchNormalization, docs/onnx.md) into "
      "a .qsq file: input quantization, per-layer activation ranges calibrated on training images, b-bit weight codes "
      "with per-filter scales, biases in accumulator units, requantization multiplier and shift.",
      net::run_quantize, net::quantize_table, "float model (TorchScript, or ONNX: a .onnx name or ONNX content)", ".qsq file to write");
  cmd->add_option("--data", o->a.data, data_help("calibration data: mnist or fashion (default: the model's own, else mnist)"));
  add_data_options(cmd, o->a.dopts);
  cmd->add_option("--calib", o->a.calib_images, "calibration images")->capture_default_str();
}

void register_finetune(CLI::App& app) {
  auto [cmd, o] = add_quantizing_command<net::FinetuneArgs>(
      app, "finetune",
      "Quantization-aware fine-tuning: the forward pass uses the weights exactly as the integer network holds them "
      "(decoder-aware codes, the decoder's rounding, the chosen quality level), the backward pass a straight-through "
      "estimator. Writes the fine-tuned float model, and with --qsq the quantized file too.",
      net::run_finetune, net::finetune_table, "float model to start from (TorchScript)", "fine-tuned float model to write");
  auto& a = o->a;
  cmd->add_option("--qsq", a.qsq_out, "also quantize the result into this .qsq file");
  cmd->add_option("--data", a.data, data_help("mnist or fashion (default: the model's own)"));
  add_data_options(cmd, a.dopts);
  cmd->add_option("--quality", a.quality, "quality level in the forward pass (0 = exact)")->capture_default_str();
  cmd->add_option("--epochs", a.epochs, "epochs")->capture_default_str();
  cmd->add_option("--lr", a.lr, "Adam learning rate")->capture_default_str();
  cmd->add_option("--seed", a.seed, "seed of the shuffling")->capture_default_str();
  cmd->add_option("--threads", a.threads, "libtorch threads")->capture_default_str();
  cmd->add_option("--max-batches", a.max_batches, "stop each epoch after this many batches (shortened runs)");
  cmd->add_option("--calib", a.calib_images, "calibration images for --qsq")->capture_default_str();
}

// "all" or a comma-separated list of quality levels.
std::vector<int> parse_levels(const std::string& text) {
  std::vector<int> levels;
  if (text == "all") return levels;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string item = text.substr(at, comma - at);
    try {
      std::size_t used = 0;
      levels.push_back(std::stoi(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw Failure("--levels: '" + item + "' is not a quality level (use all or e.g. 1,2,4)");
    }
    at = comma + 1;
  }
  return levels;
}

void register_eval(CLI::App& app) {
  struct O {
    net::EvalArgs a;
    std::string levels = "all";
  };
  auto o = std::make_shared<O>();
  auto* cmd = add_report_command<O>(
      app, "eval",
      "Top-1 accuracy of a .qsq network on the test split with the golden model's integer layers (the arithmetic the "
      "hardware performs), per quality level, next to the float model and the float model with dequantized weights; "
      "zero fractions and memory savings (every byte of the .qsq file against FP32 weights and biases).",
      o,
      [](O& x) {
        x.a.levels = parse_levels(x.levels);
        return net::run_eval(x.a);
      },
      net::eval_table);
  cmd->add_option("file", o->a.qsq, ".qsq file")->required();
  cmd->add_option("--float", o->a.float_model, "the float model it came from (TorchScript or ONNX)");
  cmd->add_option("--data", o->a.data, data_help("mnist or fashion"))->capture_default_str();
  add_data_options(cmd, o->a.dopts);
  cmd->add_option("--levels", o->levels, "all, or a comma-separated list of quality levels")->capture_default_str();
  cmd->add_option("--threads", o->a.threads, "evaluation threads")->capture_default_str();
  cmd->add_option("--limit", o->a.limit, "evaluate only the first N test images");
}

void register_tune(CLI::App& app) {
  auto a = std::make_shared<net::TuneArgs>();
  auto* cmd = add_report_command<net::TuneArgs>(
      app, "tune",
      "Pick a quality level per layer that minimises the cost per image within an accuracy-drop budget, chosen on the "
      "validation split (last 5 000 training images); test accuracy is reported at the end. Cost: measured energy per MAC "
      "of each level from --energy-table (the JSON of `qsq energy --json`; `qsq flow` passes its energy stage's), or, "
      "without a table, partial-product rows (reported as rows, not as energy).",
      a, [](net::TuneArgs& x) { return net::run_tune(x); }, net::tune_table);
  cmd->add_option("file", a->qsq, ".qsq file")->required();
  cmd->add_option("--budget", a->budget, "allowed top-1 drop in percentage points")->capture_default_str();
  cmd->add_option("--data", a->data, data_help("mnist or fashion"))->capture_default_str();
  add_data_options(cmd, a->dopts);
  cmd->add_option("--energy-table", a->energy_table,
                  "`qsq energy --json` output, or any JSON {\"levels\": [{\"q\": 1, \"pj_per_mac\": ..}, ..]}");
  cmd->add_option("--threads", a->threads, "evaluation threads")->capture_default_str();
  cmd->add_option("--val-limit", a->val_limit, "use only the first N validation images");
  cmd->add_option("--test-limit", a->test_limit, "use only the first N test images");
}

std::string export_table(const json& j) {
  std::string t;
  if (j.contains("out")) {
    t = "Exported " + j["file"].get<std::string>() + " for " + std::to_string(j["lanes"].get<int>()) + " lanes to " +
        j["out"].get<std::string>() + ":\n";
    for (const auto& f : j["files"]) t += "  " + f.get<std::string>() + "\n";
  }
  if (j.contains("onnx"))
    t += "ONNX (" + j["onnx_weights"].get<std::string>() + " weights, quality " + std::to_string(j["onnx_quality"].get<int>()) +
         "): " + j["onnx"].get<std::string>() + "\n";
  if (j.contains("grid_trace"))
    t += "grid trace for preset " + j["grid_preset"].get<std::string>() + " (" + j["grid_trace_workload"].get<std::string>() +
         "): " + j["grid_trace"].get<std::string>() + "\n";
  if (j.contains("trace")) t += "operand trace (" + j["trace_workload"].get<std::string>() + "): " + j["trace"].get<std::string>() + "\n";
  return t;
}

void register_export(CLI::App& app) {
  auto a = std::make_shared<net::ExportArgs>();
  auto* cmd = add_report_command<net::ExportArgs>(
      app, "export",
      "Write each layer's packed codes (or bypass weights), scales and biases as $readmemh files for the RTL array, "
      "one word per weight load in schedule order, plus manifest.json; optionally the operand trace of real images; "
      "with --onnx the network as an ONNX model (QONNX Quant nodes or dequantized float weights).",
      a, [](net::ExportArgs& x) { return net::run_export(x); }, export_table);
  cmd->add_option("file", a->qsq, ".qsq file")->required();
  cmd->add_option("-o,--out", a->out, "output folder of the RTL files (-o and/or --onnx)");
  cmd->add_option("--onnx", a->onnx, "also (or only) write the network as an ONNX model (docs/onnx.md)");
  cmd->add_option("--onnx-weights", a->onnx_weights,
                  "ONNX weights: qonnx (float initializers through QONNX Quant nodes: scale 2^-e, zero point 0) or float "
                  "(dequantized float weights only)")
      ->check(CLI::IsMember({"qonnx", "float"}))
      ->capture_default_str();
  cmd->add_option("--onnx-quality", a->onnx_quality, "quality level of the ONNX weights (0 = exact)")->capture_default_str();
  cmd->add_option("--lanes", a->lanes, "lanes N of the array")->capture_default_str();
  cmd->add_option("--trace", a->trace,
                  "also write the conv layers' operand streams (qsq-trace 1, docs/energy.md) for real test images here");
  cmd->add_option("--data", a->data, data_help("data set of the trace images: mnist or fashion"))->capture_default_str();
  add_data_options(cmd, a->dopts);
  cmd->add_option("--trace-images", a->trace_images, "test images in the trace")->capture_default_str();
  cmd->add_option("--grid-trace", a->grid_trace,
                  "also write the conv layers' operand streams in the 2-D grid's schedule (a grid trace, docs/energy.md) "
                  "for real test images here: the `real` workload of `qsq energy --preset grid*`");
  cmd->add_option("--grid-preset", a->grid_preset, "the grid preset the grid trace is cut for")
      ->check(CLI::IsMember({"grid-small", "grid", "grid-large"}))
      ->capture_default_str();
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
