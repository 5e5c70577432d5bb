#include "qsq/flow/plot.hpp"

#include "qsq/error.hpp"
#include "qsq/flow/atomic_file.hpp"
#include "qsq/flow/tool.hpp"

namespace qsq::flow {

void plot_png(const std::string& commands, const fs::path& png_in, const fs::path& work_in, const std::string& size) {
  const fs::path png = absolute_path(png_in), work = absolute_path(work_in);
  const fs::path tmp = temp_sibling(png), script = work / (png.stem().string() + ".gp");
  write_file_atomic(script, "set terminal pngcairo size " + size + "\nset output '" + tmp.string() + "'\n" + commands);
  try {
    run_tool("gnuplot " + shell_quote(script.string()), work / (png.stem().string() + ".log"), "gnuplot");
    publish(tmp, png);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

}  // namespace qsq::flow
