// Description: the `qsq inspect` subcommand (see inspect.hpp).
// Usage: qsq inspect out/work/container/model.qsq [--json]
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "cli.hpp"
#include "inspect.hpp"

namespace qsq::cli {

void register_inspect(CLI::App& app) {
  struct Opts {
    std::string file;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand(
      "inspect",
      "Read a .qsq model container, check it completely (CRC-32 of every section, limits, network validation) and "
      "print its layers (shapes, weight format, code width, codebook, MACs, zero weights), its stored bits by "
      "category (codes, scales, plain weights, biases, header) and the memory saving against FP32 and INT8, for the "
      "weights alone and for the whole file. The byte layout is specified in docs/format.md.");
  cmd->add_option("file", o->file, ".qsq file to inspect")->required();
  cmd->add_flag("--json", o->json, "print JSON instead of the table");
  cmd->callback([o] {
    std::vector<std::uint8_t> bytes;
    Footprint fp;
    Network net;
    try {
      bytes = read_file_bytes(o->file);  // its messages already name the file
    } catch (const FormatError& e) {
      throw Failure(e.what());
    }
    try {
      net = deserialize(bytes);
      fp = footprint_of_file(bytes);
    } catch (const FormatError& e) {
      throw Failure(o->file + ": " + e.what());
    }
    const auto j = inspect_json(net, fp, o->file);
    if (o->json) std::cout << j.dump(2) << '\n';
    else std::cout << inspect_table(j);
  });
  register_container_stage();
}

}  // namespace qsq::cli
