// The qsq-trace 1 writer and reader (see operand_trace.hpp).
#include "qsq/flow/operand_trace.hpp"

#include <fstream>
#include <sstream>

#include "qsq/error.hpp"

namespace qsq::flow {

TraceWriter::TraceWriter(const TraceShape& shape, CodebookId codebook, std::string_view comment) : shape_(shape) {
  text_ = "qsq-trace 1\n";
  if (!comment.empty()) this->comment(comment);
  text_ += "shape " + std::to_string(shape.width) + " " + std::to_string(shape.lanes) + " " +
           std::to_string(shape.code_bits) + "\n";
  text_ += "codebook " + std::string(codebook_name(codebook)) + "\n";
}

void TraceWriter::comment(std::string_view line) {
  text_ += "# ";
  text_ += line;
  text_ += '\n';
}

void TraceWriter::load(const WeightLoad& ld) {
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
  if (b.a.size() != static_cast<std::size_t>(shape_.lanes))
    throw Error("operand trace: a beat needs " + std::to_string(shape_.lanes) + " activations");
  text_ += "A " + std::to_string(b.psum);
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
    if (!shape) fail("'shape' must come before the first beat");
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
      tr.transactions.emplace_back(std::move(ld));
    } else if (tag == "P") {
      WeightLoad ld;
      ld.bypass = true;
      ld.plain = values(false);
      tr.transactions.emplace_back(std::move(ld));
    } else if (tag == "A") {
      DotBeat b;
      long long ps;
      if (!(ls >> ps)) fail("bad psum");
      b.psum = ps;
      b.a = values(false);
      tr.transactions.emplace_back(std::move(b));
    } else {
      fail("unknown line tag '" + tag + "' (L, P, A, shape, codebook)");
    }
  }
  if (!header) throw Error(path + ": empty operand trace");
  // The codebook line names the decoder of the whole trace.
  for (auto& t : tr.transactions)
    if (auto* ld = std::get_if<WeightLoad>(&t)) ld->codebook = tr.codebook;
  return tr;
}

}  // namespace qsq::flow
