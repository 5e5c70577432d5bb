// Description: little-endian byte and bit I/O used by the .qsq writer and reader (internal).
// ByteReader never reads past its span: every read checks the bytes left and throws
// FormatError naming the section and the absolute file offset (docs/format.md, "Error
// messages": the offset counts from byte 0 of the file and points at the first byte of the item
// at fault).
// Usage:
//   ByteWriter w; w.u16(1); w.bytes(name);
//   ByteReader r(payload, /*base offset in file=*/24, "layer table"); int v = r.u16("in.c");
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qsq/container.hpp"

namespace qsq::format_detail {

// Names come from the file: control bytes and quotes are shown as \xHH so that every error
// message stays on one line.
std::string printable(std::string_view text);

[[noreturn]] void fail(std::string_view section, std::uint64_t offset, const std::string& what);

class ByteWriter {
 public:
  void u8(std::uint32_t v) { out_.push_back(static_cast<std::uint8_t>(v)); }
  void u16(std::uint32_t v) { put_le(v, 2); }
  void u32(std::uint32_t v) { put_le(v, 4); }
  void i32(std::int32_t v) { put_le(static_cast<std::uint32_t>(v), 4); }
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void text(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }
  std::size_t size() const { return out_.size(); }
  std::vector<std::uint8_t>& data() { return out_; }

 private:
  void put_le(std::uint32_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::vector<std::uint8_t> out_;
};

class ByteReader {
 public:
  ByteReader(std::span<const std::uint8_t> data, std::uint64_t base, std::string_view section)
      : data_(data), base_(base), section_(section) {}

  std::uint32_t u8(const char* field) { return get_le(1, field); }
  std::uint32_t u16(const char* field) { return get_le(2, field); }
  std::uint32_t u32(const char* field) { return get_le(4, field); }
  std::int32_t i32(const char* field) { return static_cast<std::int32_t>(get_le(4, field)); }
  std::span<const std::uint8_t> take(std::uint64_t n, const char* field);
  std::uint64_t left() const { return data_.size() - pos_; }
  std::uint64_t offset() const { return base_ + pos_; }  // absolute file offset of the next byte
  std::string_view section() const { return section_; }
  // The next unread byte is at fault (a truncated field, an unexpected byte, a missing stream).
  [[noreturn]] void fail_here(const std::string& what) const { fail(section_, offset(), what); }
  // The field read last is at fault (its value, or the packed bits or stream it holds): the
  // offset is its first byte, so an error points at the field, not past it.
  [[noreturn]] void fail_field(const std::string& what) const { fail(section_, base_ + field_, what); }
  [[noreturn]] void fail_at(std::uint64_t file_offset, const std::string& what) const { fail(section_, file_offset, what); }

 private:
  std::uint32_t get_le(int n, const char* field);
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  std::size_t field_ = 0;  // start of the field read last (0 before any: the payload's first byte)
  std::uint64_t base_;
  std::string_view section_;
};

// Packs values of `bits` bits each (1..32) densely, least significant bit first: value i
// occupies bits [i*bits, (i+1)*bits) of the stream, and stream bit k is bit (k mod 8) of byte
// k / 8. The last byte is padded with zero bits.
std::vector<std::uint8_t> pack_bits(std::span<const std::uint32_t> values, int bits);
// Inverse of pack_bits for `count` values; `bytes` must hold exactly ceil(count*bits/8) bytes
// and the padding bits must be zero. `where` has just taken `bytes` (errors name that field).
std::vector<std::uint32_t> unpack_bits(std::span<const std::uint8_t> bytes, std::uint64_t count, int bits,
                                       const ByteReader& where);
inline std::uint64_t packed_bytes(std::uint64_t count, int bits) { return (count * bits + 7) / 8; }

// The writer; fills `fp` (if not null) with the accounting of the bytes it produced.
std::vector<std::uint8_t> serialize_accounted(const Network& net, const WriteOptions& options, Footprint* fp);

// How one layer's data section was stored: enough, with the network, to account every bit.
struct LayerStorage {
  CodeCoding coding = CodeCoding::dense;
  std::uint64_t payload_bytes = 0;  // the data section's payload (without its 8-byte frame)
};
// The footprint of a file holding `net` with these data sections and `file_bytes` in total.
Footprint account(const Network& net, std::span<const LayerStorage> storage, std::uint64_t file_bytes,
                  std::uint16_t version);
// The reader; also reports how each layer's data section was stored and the file's version.
Network deserialize_with_storage(std::span<const std::uint8_t> bytes, std::vector<LayerStorage>* storage,
                                 std::uint16_t* version = nullptr);

std::uint32_t crc32_of(std::span<const std::uint8_t> bytes);

// Raw deflate (zlib level 9, no zlib/gzip wrapper) of one byte per code.
std::vector<std::uint8_t> deflate_codes(std::span<const std::uint8_t> codes);
// Inflates exactly `count` codes; throws FormatError (via `where`, which has just taken the
// stream: errors name its first byte) if the stream is invalid, ends early, or holds more data. The caller has checked count against kMaxDeflateRatio.
std::vector<std::uint8_t> inflate_codes(std::span<const std::uint8_t> stream, std::uint64_t count,
                                        const ByteReader& where);

}  // namespace qsq::format_detail
