// Description: content hashes for cache keys (xxHash3, 64 bits, as 16 hex digits).
// Usage:
//   std::string key = qsq::flow::hash_hex("synth W=8 ...") + qsq::flow::hash_file(netlist);
//   key += qsq::flow::hash_dir(rtl, {".sv", ".vlt"});   // names + hashes, in name order
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace qsq::flow {

std::string hash_hex(std::string_view data);
std::string hash_file(const std::filesystem::path& p);  // of the file's bytes; throws qsq::Error
// Names and content hashes of the regular files directly in `dir` (only those ending in one of
// `extensions`, when given), in name order, one "name:hash" line each. A folder that does not
// exist contributes nothing.
std::string hash_dir(const std::filesystem::path& dir, const std::vector<std::string>& extensions = {});

}  // namespace qsq::flow
