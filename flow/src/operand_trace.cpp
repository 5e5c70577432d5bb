// The qsq-trace 1 writer and reader (see operand_trace.hpp).
#include "qsq/flow/operand_trace.hpp"

#include <fstream>
#include <sstream>

#include "qsq/error.hpp"

namespace qsq::flow {

TraceWriter::TraceWriter(const TraceShape& shape, CodebookId codebook, std::string_view comment, TraceGrid grid)
    : shape_(shape), grid_(grid) {
  text_ = "qsq-trace 1\n";
  if (!comment.empty()) this->comment(comment);
  text_ += "shape " + std::to_string(shape.width) + " " + std::to_string(shape.lanes) + " " +
           std::to_string(shape.code_bits) + "\n";
  if (grid.rows > 0) text_ += "grid " + std::to_string(grid.rows) + " " + std::to_string(grid.slots) + "\n";
  text_ += "codebook " + std::string(codebook_name(codebook)) + "\n";
}

void TraceWriter::comment(std::string_view line) {
  text_ += "# ";
  text_ += line;
  text_ += '\n';
}

void TraceWriter::codebook(CodebookId codebook) { text_ += "codebook " + std::string(codebook_name(codebook)) + "\n"; }

void TraceWriter::load(const WeightLoad& ld) {
  if (grid_.rows > 0) throw Error("operand trace: a one-row load in a grid trace");
  const auto n = static_cast<std::size_t>(shape_.lanes);
  if ((ld.bypass ? ld.plain.size() : ld.codes.size()) != n)
    throw Error("operand trace: a weight load needs " + std::to_string(n) + " lanes");
  if (ld.bypass) {
    text_ += "P";
    for (auto w : ld.plain) text_ += ' ' + std::to_string(w);
  } else {
    text_ += "L " + std::to_string(ld.scale);
    for (auto c : ld.codes) text_ += ' ' + std::to_string(static_cast<int>(c));
  }
  text_ += '\n';
}

void TraceWriter::beat(const DotBeat& b) {
  if (grid_.rows > 0) throw Error("operand trace: a one-row beat in a grid trace");
  if (b.a.size() != static_cast<std::size_t>(shape_.lanes))
    throw Error("operand trace: a beat needs " + std::to_string(shape_.lanes) + " activations");
  text_ += "A " + std::to_string(b.psum);
  for (auto a : b.a) text_ += ' ' + std::to_string(a);
  text_ += '\n';
}

void TraceWriter::grid_load(const GridLoad& g) {
  if (grid_.rows <= 0) throw Error("operand trace: a grid load in a one-row trace");
  const WeightLoad& ld = g.weights;
  const auto n = static_cast<std::size_t>(shape_.lanes);
  if ((ld.bypass ? ld.plain.size() : ld.codes.size()) != n)
    throw Error("operand trace: a weight load needs " + std::to_string(n) + " lanes");
  text_ += (ld.bypass ? "GP " : "G ") + std::to_string(g.row) + " " + std::to_string(g.rows_on);
  if (ld.bypass) {
    for (auto w : ld.plain) text_ += ' ' + std::to_string(w);
  } else {
    text_ += " " + std::to_string(ld.scale);
    for (auto c : ld.codes) text_ += ' ' + std::to_string(static_cast<int>(c));
  }
  text_ += '\n';
}

void TraceWriter::grid_beat(const GridBeat& b, std::uint64_t macs) {
  if (grid_.rows <= 0) throw Error("operand trace: a grid beat in a one-row trace");
  if (b.a.size() != static_cast<std::size_t>(shape_.lanes))
    throw Error("operand trace: a beat needs " + std::to_string(shape_.lanes) + " activations");
  text_ += "B " + std::to_string(b.slot) + " " + (b.first ? "1" : "0") + " " + (b.last ? "1" : "0") + " " + std::to_string(macs);
  for (auto a : b.a) text_ += ' ' + std::to_string(a);
  text_ += '\n';
}

OperandTrace read_operand_trace(const std::string& path, const TraceShape* expect) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open operand trace " + path);
  OperandTrace tr;
  std::string line;
  int ln = 0;
  auto fail = [&](const std::string& what) { throw Error(path + ":" + std::to_string(ln) + ": " + what); };
  bool header = false, shape = false;
  while (std::getline(in, line)) {
    ++ln;
    if (auto h = line.find('#'); h != std::string::npos) line.erase(h);
    std::istringstream ls(line);
    std::string tag;
    if (!(ls >> tag)) continue;
    if (!header) {
      int version = 0;
      if (tag != "qsq-trace" || !(ls >> version) || version != 1) fail("not a qsq-trace 1 file");
      header = true;
      continue;
    }
    if (tag == "shape") {
      TraceShape s;
      if (!(ls >> s.width >> s.lanes >> s.code_bits)) fail("shape needs: width lanes code_bits");
      if (expect && s != *expect)
        fail("trace shape W=" + std::to_string(s.width) + " N=" + std::to_string(s.lanes) + " b=" +
             std::to_string(s.code_bits) + " does not match the array (W=" + std::to_string(expect->width) +
             " N=" + std::to_string(expect->lanes) + " b=" + std::to_string(expect->code_bits) + ")");
      try {
        require_range("trace width", s.width, limits::kWidthMin, limits::kWidthMax);
        require_range("trace lanes", s.lanes, limits::kLanesMin, limits::kLanesMax);
        require_range("trace code bits", s.code_bits, limits::kCodeBitsMin, limits::kCodeBitsMax);
      } catch (const Error& e) {
        fail(e.what());
      }
      tr.shape = s;
      shape = true;
      continue;
    }
    if (tag == "codebook") {
      std::string name;
      ls >> name;
      try {
        tr.codebook = parse_codebook(name);
      } catch (const Error& e) {
        fail(e.what());
      }
      continue;
    }
    if (tag == "grid") {
      if (!shape) fail("'grid' must come after 'shape'");
      if (!(ls >> tr.grid.rows >> tr.grid.slots)) fail("grid needs: rows slots");
      if (tr.grid.rows < 1 || tr.grid.rows > 64) fail("grid rows " + std::to_string(tr.grid.rows) + " out of range 1..64");
      if (tr.grid.slots < 1 || tr.grid.slots > 4096) fail("grid slots " + std::to_string(tr.grid.slots) + " out of range 1..4096");
      continue;
    }
    if (!shape) fail("'shape' must come before the first beat");
    const bool grid_tag = tag == "G" || tag == "GP" || tag == "B";
    if (grid_tag && tr.grid.rows == 0) fail("'" + tag + "' line in a one-row trace (no 'grid' line)");
    if (!grid_tag && tr.grid.rows > 0 && (tag == "L" || tag == "P" || tag == "A"))
      fail("'" + tag + "' line in a grid trace (use G, GP and B)");
    const TraceShape& s = tr.shape;
    auto values = [&](bool code) {
      std::vector<std::int32_t> v(static_cast<std::size_t>(s.lanes));
      for (auto& x : v) {
        long long y;
        if (!(ls >> y)) fail("expected " + std::to_string(s.lanes) + " values");
        if (code ? (y < 0 || y >= (1 << s.code_bits)) : (y < min_value(s.width) || y > max_value(s.width)))
          fail("value " + std::to_string(y) + " out of range");
        x = static_cast<std::int32_t>(y);
      }
      std::string extra;
      if (ls >> extra) fail("too many values");
      return v;
    };
    if (tag == "L") {
      WeightLoad ld;
      long long sc;
      if (!(ls >> sc) || sc < 0 || sc > static_cast<long long>(max_scale(s.width))) fail("bad scale");
      ld.scale = static_cast<std::uint32_t>(sc);
      const auto codes = values(true);
      ld.codes.assign(codes.begin(), codes.end());
      ld.codebook = tr.codebook;
      tr.transactions.emplace_back(std::move(ld));
    } else if (tag == "P") {
      WeightLoad ld;
      ld.bypass = true;
      ld.plain = values(false);
      ld.codebook = tr.codebook;
      tr.transactions.emplace_back(std::move(ld));
    } else if (tag == "A") {
      DotBeat b;
      long long ps;
      if (!(ls >> ps)) fail("bad psum");
      b.psum = ps;
      b.a = values(false);
      tr.transactions.emplace_back(std::move(b));
    } else if (tag == "G" || tag == "GP") {
      GridLoad g;
      long long row, on;
      if (!(ls >> row >> on) || row < 0 || row >= tr.grid.rows || on < 0 ||
          (tr.grid.rows < 63 && on >= (1LL << tr.grid.rows)))
        fail("bad row or rows_on for a grid of " + std::to_string(tr.grid.rows) + " rows");
      g.row = static_cast<int>(row);
      g.rows_on = static_cast<std::uint64_t>(on);
      if (tag == "G") {
        long long sc;
        if (!(ls >> sc) || sc < 0 || sc > static_cast<long long>(max_scale(s.width))) fail("bad scale");
        g.weights.scale = static_cast<std::uint32_t>(sc);
        const auto codes = values(true);
        g.weights.codes.assign(codes.begin(), codes.end());
        g.weights.codebook = tr.codebook;
      } else {
        g.weights.bypass = true;
        g.weights.plain = values(false);
        g.weights.codebook = tr.codebook;
      }
      tr.grid_items.emplace_back(std::move(g));
    } else if (tag == "B") {
      GridTraceBeat b;
      long long slot, macs;
      int first, last;
      if (!(ls >> slot >> first >> last >> macs) || slot < 0 || slot >= tr.grid.slots || first < 0 || first > 1 ||
          last < 0 || last > 1 || macs < 0 || macs > static_cast<long long>(tr.grid.rows) * s.lanes)
        fail("bad beat: slot (< " + std::to_string(tr.grid.slots) + "), first, last (0 or 1), macs (<= rows x lanes)");
      b.beat.slot = static_cast<int>(slot);
      b.beat.first = first != 0;
      b.beat.last = last != 0;
      b.macs = static_cast<std::uint64_t>(macs);
      b.beat.a = values(false);
      tr.grid_items.emplace_back(std::move(b));
    } else {
      fail("unknown line tag '" + tag + "' (L, P, A, G, GP, B, shape, grid, codebook)");
    }
  }
  if (!header) throw Error(path + ": empty operand trace");
  return tr;
}

}  // namespace qsq::flow
