// Description: the network experiments as functions that write their files and return their
// figures as JSON (starting with the json_header() fields). The `qsq train/quantize/finetune/
// eval/tune/export` commands and the `qsq flow` net stages both call these, so a figure in the
// flow report and the same command run by hand come from one code path.
// Usage:
//   nlohmann::json j = qsq::cli::net::run_train({"lenet5", "mnist", "lenet5.pt", 3, 1, 2, 0});
//   std::cout << qsq::cli::net::train_table(j);
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qsq/net/build.hpp"
#include "qsq/net/dataset.hpp"
#include "qsq/net/torch_bridge.hpp"

namespace qsq::cli::net {

struct TrainArgs {
  std::string net = "lenet5";
  std::string data = "mnist";
  std::string out;
  int epochs = 0;            // 0: the network's default
  std::uint64_t seed = 1;
  int threads = 2;
  int max_batches = 0;       // per epoch, 0 = all (quick runs use a few dozen)
  qsq::net::DataOptions dopts;  // --mean, --std, --layout of the data
};
int default_epochs(const std::string& net);
nlohmann::json run_train(const TrainArgs& a);
std::string train_table(const nlohmann::json& j);

struct QuantizeArgs {
  std::string model;
  std::string out;
  std::string data;          // calibration data; "" = the model's own (metadata) or mnist
  qsq::net::QuantizeOptions opts;
  int calib_images = 2000;
  qsq::net::DataOptions dopts;  // --mean, --std, --layout of the data
};
nlohmann::json run_quantize(const QuantizeArgs& a);
std::string quantize_table(const nlohmann::json& j);

struct FinetuneArgs {
  std::string model;
  std::string out;           // fine-tuned float model (TorchScript)
  std::string qsq_out;       // optional: also quantize it into this .qsq
  std::string data;
  qsq::net::QuantizeOptions opts;
  int quality = 0;           // level in the forward pass (0 = exact)
  int epochs = 1;
  double lr = 1e-5;          // measured: 1e-4 perturbs a good start (docs/results.md)
  std::uint64_t seed = 1;
  int threads = 2;
  int max_batches = 0;
  int calib_images = 2000;
  qsq::net::DataOptions dopts;  // --mean, --std, --layout of the data
};
nlohmann::json run_finetune(const FinetuneArgs& a);
std::string finetune_table(const nlohmann::json& j);

struct EvalArgs {
  std::string qsq;
  std::string float_model;   // optional: float and dequantized accuracy, zeros before
  std::string data = "mnist";
  std::vector<int> levels;   // empty = all
  int threads = 2;
  int limit = 0;             // first N test images (0 = all)
  qsq::net::DataOptions dopts;  // --mean, --std, --layout of the data
};
nlohmann::json run_eval(const EvalArgs& a);
std::string eval_table(const nlohmann::json& j);

struct TuneArgs {
  std::string qsq;
  std::string data = "mnist";
  double budget = 0.5;
  std::string energy_table;  // optional JSON with energy per MAC per level
  int threads = 2;
  int val_limit = 0;         // first N validation images (0 = all 5 000)
  int test_limit = 0;
  qsq::net::DataOptions dopts;  // --mean, --std, --layout of the data
};
nlohmann::json run_tune(const TuneArgs& a);
std::string tune_table(const nlohmann::json& j);

struct ExportArgs {
  std::string qsq;
  std::string out;
  int lanes = 8;
  std::string trace;        // optional: also write a qsq-trace of the conv layers here
  std::string data = "mnist";
  int trace_images = 1;     // first test images in the trace
  std::string grid_trace;   // optional: also write a grid trace (qsq-trace 1 with `grid M S`) of the conv layers here
  std::string grid_preset = "grid";  // the grid preset it is cut for
  qsq::net::DataOptions dopts;  // --mean, --std, --layout of the data
  std::string onnx;          // optional: also write the network as ONNX here (docs/onnx.md)
  std::string onnx_weights = "qonnx";  // qonnx (Quant nodes) or float (dequantized weights)
  int onnx_quality = 0;      // quality level of the exported weights (0 = exact)
};
nlohmann::json run_export(const ExportArgs& a);
// A grid trace (qsq-trace 1 with `grid M S`) of the conv layers of each (.qsq file, data set), one
// network after the other, `images` test images each, cut for the grid preset; returns the JSON
// keys grid_trace, grid_preset and grid_trace_workload.
nlohmann::json write_grid_trace(const std::vector<std::pair<std::string, std::string>>& nets,
                                const qsq::net::DataOptions& dopts, const std::string& preset, int images,
                                const std::string& path);

// The default network for a data set and vice versa.
std::string default_data(const std::string& net);

}  // namespace qsq::cli::net
