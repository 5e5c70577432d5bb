// Description: `qsq saif`, the waveform-to-SAIF converter (VCD or FST in, backward SAIF 2.0 of
// measured activity out); library qsq_cmd_saif.
// Usage: qsq::cli::register_saif(app);   (called by the generated register_parts.cpp of tools/qsq)
#pragma once
#include "cli.hpp"

namespace qsq::cli {
void register_saif(CLI::App& app);
}  // namespace qsq::cli
