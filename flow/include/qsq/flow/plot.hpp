// Description: PNG plots through gnuplot, published like every other file: gnuplot renders into a
// temporary sibling of the PNG that is renamed into place, from a script with absolute paths kept
// (with gnuplot's log) in a work directory. One place for this so every plot in qsq behaves alike.
// Usage:
//   qsq::flow::plot_png("set xlabel 'q'\nplot '/abs/data.dat' u 1:2 w lp t 'gated'\n",
//                       out / "energy_vs_level.png", out / "work" / "plots");   // throws qsq::Error
#pragma once
#include <filesystem>
#include <string>

namespace qsq::flow {

// `commands` is everything after the terminal and output lines (labels, plot commands; data
// paths absolute). The script is written to work_dir / (png stem + ".gp"), gnuplot's output to
// work_dir / (png stem + ".log"). Throws qsq::Error (no PNG and no temporary file left).
void plot_png(const std::string& commands, const std::filesystem::path& png, const std::filesystem::path& work_dir,
              const std::string& size = "800,480");

}  // namespace qsq::flow
