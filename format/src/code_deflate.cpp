// Description: the optional deflate coding of a coded layer's codes (one byte per code, raw
// deflate, zlib level 9, Huffman-only or default strategy, whichever is shorter). Decoding is bounded: exactly the number of codes the shapes imply is
// produced, and a stream that ends early, holds more, or is malformed is refused.
// Usage: internal to qsq_format (see byte_io.hpp).
#include <zlib.h>

#include <cstring>

#include "byte_io.hpp"

namespace qsq::format_detail {

namespace {
constexpr int kRawDeflateWindow = -15;  // negative: raw deflate, no zlib header or Adler-32
constexpr std::size_t kChunk = std::size_t{1} << 20;
}  // namespace

namespace {
std::vector<std::uint8_t> deflate_with(std::span<const std::uint8_t> codes, int strategy) {
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  if (deflateInit2(&zs, 9, Z_DEFLATED, kRawDeflateWindow, 9, strategy) != Z_OK)
    throw FormatError("deflate: cannot initialise zlib");
  std::vector<std::uint8_t> out;
  std::size_t in_pos = 0;
  int rc = Z_OK;
  do {
    const std::size_t in_n = std::min(kChunk, codes.size() - in_pos);
    zs.next_in = const_cast<Bytef*>(codes.data() + in_pos);  // zlib's API is not const-correct
    zs.avail_in = static_cast<uInt>(in_n);
    in_pos += in_n;
    const int flush = in_pos == codes.size() ? Z_FINISH : Z_NO_FLUSH;
    do {
      const std::size_t old = out.size();
      out.resize(old + kChunk);
      zs.next_out = out.data() + old;
      zs.avail_out = static_cast<uInt>(kChunk);
      rc = deflate(&zs, flush);
      out.resize(old + kChunk - zs.avail_out);
    } while (zs.avail_out == 0);
  } while (rc != Z_STREAM_END);
  deflateEnd(&zs);
  return out;
}
}  // namespace

// Codes look like noise to LZ77 (matches rarely pay), so Huffman-only coding is usually
// smaller (2.47 against 2.92 bits per code on the synthetic LeNet-5's fc1 at 3 bits, whose
// order-0 entropy is 2.36); keep whichever is shorter. The reader is the same inflate.
std::vector<std::uint8_t> deflate_codes(std::span<const std::uint8_t> codes) {
  auto huffman = deflate_with(codes, Z_HUFFMAN_ONLY);
  auto general = deflate_with(codes, Z_DEFAULT_STRATEGY);
  return general.size() < huffman.size() ? general : huffman;
}

std::vector<std::uint8_t> inflate_codes(std::span<const std::uint8_t> stream, std::uint64_t count,
                                        const ByteReader& where) {
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, kRawDeflateWindow) != Z_OK) where.fail_field("inflate: cannot initialise zlib");
  std::vector<std::uint8_t> out(static_cast<std::size_t>(count));
  std::uint8_t spare = 0;  // one byte of room past the end: any output there is an overrun
  std::size_t in_pos = 0, out_pos = 0;
  int rc = Z_OK;
  std::string problem;
  while (true) {
    const std::size_t in_n = std::min(kChunk, stream.size() - in_pos);
    zs.next_in = const_cast<Bytef*>(stream.data() + in_pos);
    zs.avail_in = static_cast<uInt>(in_n);
    const bool in_full = out_pos == out.size();
    const std::size_t out_n = in_full ? 1 : std::min(kChunk, out.size() - out_pos);
    zs.next_out = in_full ? &spare : out.data() + out_pos;
    zs.avail_out = static_cast<uInt>(out_n);
    rc = inflate(&zs, Z_NO_FLUSH);
    in_pos += in_n - zs.avail_in;
    const std::size_t produced = out_n - zs.avail_out;
    if (in_full && produced > 0) { problem = "deflated codes decode to more than " + std::to_string(count) + " codes"; break; }
    out_pos += produced;
    if (rc == Z_STREAM_END) break;
    const bool no_progress = produced == 0 && in_n - zs.avail_in == 0;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      problem = std::string("corrupt deflate stream of codes (") + (zs.msg ? zs.msg : "zlib error") + ")";
      break;
    }
    if (rc == Z_BUF_ERROR || no_progress) {  // the input ran out before the end of the stream
      problem = "deflate stream of codes ends early after " + std::to_string(out_pos) + " of " +
                std::to_string(count) + " codes";
      break;
    }
  }
  inflateEnd(&zs);
  if (!problem.empty()) where.fail_field(problem);
  if (out_pos != count)
    where.fail_field("deflated codes decode to " + std::to_string(out_pos) + " codes, expected " + std::to_string(count));
  if (in_pos != stream.size())
    where.fail_field(std::to_string(stream.size() - in_pos) + " stray bytes after the deflate stream of codes");
  return out;
}

}  // namespace qsq::format_detail
