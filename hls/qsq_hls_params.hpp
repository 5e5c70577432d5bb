// generated from config/params.json by cmake/gen_params.cmake: do not edit
//
// Description: the HLS configuration of the hardware contract (qsq/contract.hpp): the codebook
// ids as the kernels compare them and one ArrayConfig per preset of config/params.json (a
// GridArrayConfig for a grid preset). Included by qsq_hls_config.hpp, after ArrayConfig,
// ConfigFor and GridConfigFor; not meant to be included alone.
// Usage: qsq_hls::DefaultConfig, qsq_hls::SmallConfig, qsq_hls::kPow2 (through qsq_hls_config.hpp)
#pragma once

namespace qsq_hls {

// Codebook ids (qsq::CodebookId, qsq_pkg::Codebook*).
inline constexpr int kPow2 = static_cast<int>(qsq::CodebookId::pow2);
inline constexpr int kShift = static_cast<int>(qsq::CodebookId::shift);
inline constexpr int kPow2x = static_cast<int>(qsq::CodebookId::pow2x);

// The presets.
using DefaultConfig = ConfigFor<qsq::presets::kDefault>;
using GridConfig = GridConfigFor<qsq::presets::kGrid>;
using GridLargeConfig = GridConfigFor<qsq::presets::kGridLarge>;
using GridSmallConfig = GridConfigFor<qsq::presets::kGridSmall>;
using SmallConfig = ConfigFor<qsq::presets::kSmall>;

}  // namespace qsq_hls
