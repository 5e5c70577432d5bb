// Description: the .qsq model container: a versioned, CRC-protected binary file holding
// everything needed to run a quantized network bit-exactly (docs/format.md is the normative
// specification). Depends on the golden model and zlib (CRC-32, optional deflate of codes).
// Usage:
//   qsq::write_network(net, "lenet.qsq");            // write-then-rename, never half-written
//   qsq::Network net = qsq::read_network("lenet.qsq"); // throws qsq::FormatError on bad input
//   qsq::Footprint fp = qsq::footprint(net);
//   auto bytes = qsq::serialize(net, {qsq::CodeCoding::dense});  // force dense code sections
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "qsq/error.hpp"
#include "qsq/network.hpp"

namespace qsq {

// Bad container input: truncated, corrupt (CRC), oversized, wrong magic or version, or a
// structurally invalid network. The message is one line naming the problem and, where it
// applies, the section and byte offset.
class FormatError : public Error {
 public:
  using Error::Error;
};

// The newest version, which this library reads along with every older one (docs/format.md,
// "Version policy"): version 2 adds depthwise, avgpool and add layers and the clip.
inline constexpr std::uint16_t kFormatVersion = 2;
inline constexpr std::uint16_t kFormatVersionMin = 1;
// The version a network is written in: 1 when every layer is conv2d or linear without a clip
// (such files stay byte-identical to what earlier qsq wrote, and version-1 readers read them),
// else 2.
std::uint16_t format_version_for(const Network& net);
inline constexpr std::uint64_t kMaxFileBytes = std::uint64_t{1} << 30;  // readers refuse more

// Further limits a reader enforces (docs/format.md, "Limits").
inline constexpr int kMaxLayers = 1024;
inline constexpr std::uint64_t kMaxWeightsPerLayer = std::uint64_t{1} << 28;
// zlib's deflate cannot expand data by more than 1032:1, so a deflated code section whose
// decoded size (known from the shapes) exceeds this ratio is corrupt and refused before any
// allocation.
inline constexpr std::uint64_t kMaxDeflateRatio = 1032;

// How the codes of a coded layer are stored.
enum class CodeCoding : std::uint8_t {
  dense = 0,    // b bits per code, packed LSB-first
  deflate = 1,  // one byte per code, compressed with raw deflate (zlib level 9, Huffman-only
                // or default strategy, whichever is shorter)
  automatic = 255,  // writer only: the smaller of the two, per layer
};
const char* code_coding_name(CodeCoding c);

struct WriteOptions {
  CodeCoding codes = CodeCoding::automatic;
};

std::vector<std::uint8_t> serialize(const Network& net, const WriteOptions& options);
std::vector<std::uint8_t> serialize(const Network& net);   // automatic code coding
Network deserialize(std::span<const std::uint8_t> bytes);  // validates everything; throws FormatError

void write_network(const Network& net, const std::string& path);  // atomic: temp file + rename
void write_network(const Network& net, const std::string& path, const WriteOptions& options);
Network read_network(const std::string& path);
std::vector<std::uint8_t> read_file_bytes(const std::string& path);  // bounded by kMaxFileBytes

// The stored bits of one layer, by category (see Footprint).
struct LayerFootprint {
  std::string name;
  CodeCoding coding = CodeCoding::dense;  // coded layers: how the codes were stored
  std::uint64_t code_bits = 0;
  std::uint64_t scale_bits = 0;
  std::uint64_t plain_weight_bits = 0;
  std::uint64_t bias_bits = 0;
  std::uint64_t header_bits = 0;  // descriptor in the layer table, section frame, padding
  std::uint64_t weights = 0;
  std::uint64_t zero_weights = 0;
};

// Every stored bit of a network in the container, by category, and the savings it implies.
struct Footprint {
  std::uint16_t version = 0;            // the file's format version
  std::uint64_t file_bits = 0;          // the whole serialized file
  std::uint64_t code_bits = 0;          // packed weight codes
  std::uint64_t scale_bits = 0;         // per-filter scales as stored
  std::uint64_t plain_weight_bits = 0;  // W-bit weights of layers kept at higher precision
  std::uint64_t bias_bits = 0;
  std::uint64_t header_bits = 0;        // everything else: headers, layer table, CRCs, padding
  std::uint64_t weights = 0;            // number of weights
  std::uint64_t biases = 0;             // number of biases
  std::uint64_t zero_weights = 0;       // decoded weights equal to 0
  // Savings as fractions (1 - stored / reference):
  double saving_fp32_weights = 0;  // (codes + scales + plain weights) vs 32 bits per weight
  double saving_int8_weights = 0;  // same vs 8 bits per weight
  double saving_fp32_model = 0;    // whole file vs 32 bits per weight and bias
  double saving_int8_model = 0;    // whole file vs 8 bits per weight and 32 per bias
  std::vector<LayerFootprint> layers;  // one per layer; their sums are the totals above
                                       // (the network-wide header bits are in header_bits only)
};
Footprint footprint(const Network& net);                        // automatic code coding
Footprint footprint(const Network& net, const WriteOptions& options);
// The footprint of the bytes of an existing file (each layer as it is stored there).
Footprint footprint_of_file(std::span<const std::uint8_t> bytes);  // throws FormatError

}  // namespace qsq
