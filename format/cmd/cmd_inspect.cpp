// Description: the `qsq inspect` subcommand (see inspect.hpp).
// Usage: qsq inspect out/work/container/model.qsq [--json]
#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "inspect.hpp"

namespace qsq::cli {

void register_inspect(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  auto* cmd = add_report_command<std::string>(
      app, "inspect",
      "Read a .qsq model container, check it completely (CRC-32 of every section, limits, network validation) and "
      "print its layers (shapes, weight format, code width, codebook, MACs, zero weights), its stored bits by "
      "category (codes, scales, plain weights, biases, header) and the memory saving against FP32 and INT8, for the "
      "weights alone and for the whole file. The byte layout is specified in docs/format.md.",
      file,
      [](std::string& path) {
        const std::vector<std::uint8_t> bytes = read_file_bytes(path);  // its messages already name the file
        try {
          return inspect_json(deserialize(bytes), footprint_of_file(bytes), path);
        } catch (const FormatError& e) {
          throw Failure(path + ": " + e.what());
        }
      },
      inspect_table);
  cmd->add_option("file", *file, ".qsq file to inspect")->required();
  register_container_stage();
}

}  // namespace qsq::cli
