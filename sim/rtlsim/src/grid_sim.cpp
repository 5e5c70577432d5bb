// The cycle loop of GridSim and the adapters that bind it to each Verilated configuration of
// qsq_grid (sim/rtlsim/CMakeLists.txt builds them).
#include "qsq/rtlsim/grid_sim.hpp"

#include <string>
#include <type_traits>

#include <verilated.h>
#include <verilated_syms.h>

#include "Vqsq_grid_grid.h"
#include "Vqsq_grid_grid_small.h"
#include "Vqsq_grid_grid_small_exact.h"
#include "Vqsq_grid_grid_small_nogate.h"
#include "Vqsq_grid_grid_small_serial.h"
#include "Vqsq_grid_grid_serial.h"
#ifdef QSQ_WITH_GRID_LARGE
#include "Vqsq_grid_grid_large.h"
#endif
#include "qsq/bits.hpp"
#include "qsq/error.hpp"

namespace qsq::rtlsim {

namespace {

// splitmix64, as ArraySim: seedable and identical on every platform.
std::uint64_t next_random(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Bits [lo, lo + n) of a little-endian word vector (n <= 64).
std::uint64_t bits_of(const std::vector<std::uint32_t>& words, int lo, int n) {
  std::uint64_t v = 0;
  for (int b = 0; b < n; ++b) {
    const int at = lo + b;
    const auto w = static_cast<std::size_t>(at / 32);
    if (w < words.size() && (words[w] >> (at % 32) & 1u)) v |= std::uint64_t{1} << b;
  }
  return v;
}

}  // namespace

GridSim::GridSim(Geometry g) : geo_(std::move(g)) {}
GridSim::~GridSim() = default;

void GridSim::set_traffic(const Traffic& t) {
  if (t.res_stall < 0 || t.res_stall >= 1) throw Error("res_stall probability must be in [0, 1)");
  if (t.valid_gap < 0 || t.valid_gap >= 1) throw Error("valid_gap probability must be in [0, 1)");
  traffic_ = t;
  rng_ = t.seed;
}

double GridSim::uniform() { return static_cast<double>(next_random(rng_) >> 11) * 0x1.0p-53; }

void GridSim::push_load(const GridLoad& gl) {
  const int n = geo_.lanes, w = geo_.width;
  const WeightLoad& ld = gl.weights;
  require_range("grid row", gl.row, 0, geo_.rows - 1);
  if (geo_.rows < 64 && (gl.rows_on >> geo_.rows) != 0) throw Error("rows_on names a row beyond the grid");
  const contract::Range qr = geo_.q_range(), pr = geo_.p_port_range();
  require_range("quality level q", ld.quality.q, qr.lo, qr.hi);
  require_range("drop position p", ld.quality.p, pr.lo, pr.hi);
  require_range("scale", ld.scale, 0, max_scale(w));
  Op op;
  op.is_load = true;
  op.in.cfg_q = static_cast<unsigned>(ld.quality.q);
  op.in.cfg_p = static_cast<unsigned>(ld.quality.p);
  op.in.cfg_codebook = static_cast<unsigned>(ld.codebook);
  op.in.cfg_bypass = ld.bypass;
  op.in.wld_scale = ld.scale;
  op.in.wld_row = static_cast<unsigned>(gl.row);
  op.in.wld_rows_on = gl.rows_on;
  std::vector<std::int32_t> codes(static_cast<std::size_t>(n), 0), plain(static_cast<std::size_t>(n), 0);
  const auto& src = ld.bypass ? ld.plain : std::vector<std::int32_t>(ld.codes.begin(), ld.codes.end());
  if (static_cast<int>(src.size()) != n) throw Error("a grid load needs one code (or plain weight) per lane");
  for (int i = 0; i < n; ++i) {
    if (ld.bypass) require_range("plain weight", src[i], min_value(w), max_value(w));
    else require_range("weight code", src[i], 0, (1 << geo_.code_bits) - 1);
    (ld.bypass ? plain : codes)[static_cast<std::size_t>(i)] = src[i];
  }
  op.in.wld_codes = pack_lanes(codes, geo_.code_bits);
  op.in.wld_plain = pack_lanes(plain, w);
  queue_.push_back(std::move(op));
}

void GridSim::push_beat(const GridBeat& b) {
  const int n = geo_.lanes, w = geo_.width;
  if (static_cast<int>(b.a.size()) != n) throw Error("a grid beat needs one activation per lane");
  for (int i = 0; i < n; ++i) require_range("activation", b.a[i], min_value(w), max_value(w));
  require_range("accumulator slot", b.slot, 0, geo_.slots - 1);
  Op op;
  op.in.act_data = pack_lanes(b.a, w);
  op.in.act_slot = static_cast<unsigned>(b.slot);
  op.in.act_first = b.first;
  op.in.act_last = b.last;
  queue_.push_back(std::move(op));
}

GridResult GridSim::decode(const Outputs& o) const {
  GridResult r;
  r.rows_on = o.res_rows;
  r.values.assign(static_cast<std::size_t>(geo_.rows), 0);
  for (int row = 0; row < geo_.rows; ++row)
    if (o.res_rows >> row & 1u)
      r.values[static_cast<std::size_t>(row)] =
          sign_extend(bits_of(o.res_data, row * geo_.acc_width, geo_.acc_width), geo_.acc_width);
  return r;
}

void GridSim::step(std::vector<GridResult>& out) {
  if (!offering_ && head_ < queue_.size()) {
    offering_ = !(traffic_.valid_gap > 0 && uniform() < traffic_.valid_gap);
    if (offering_) {
      // Only the offered operation's own bus changes; the other keeps its last values.
      const Inputs& x = queue_[head_].in;
      if (queue_[head_].is_load) {
        in_.cfg_q = x.cfg_q;
        in_.cfg_p = x.cfg_p;
        in_.cfg_codebook = x.cfg_codebook;
        in_.cfg_bypass = x.cfg_bypass;
        in_.wld_row = x.wld_row;
        in_.wld_rows_on = x.wld_rows_on;
        in_.wld_codes = x.wld_codes;
        in_.wld_plain = x.wld_plain;
        in_.wld_scale = x.wld_scale;
      } else {
        in_.act_data = x.act_data;
        in_.act_slot = x.act_slot;
        in_.act_first = x.act_first;
        in_.act_last = x.act_last;
      }
    }
  }
  const bool is_load = offering_ && queue_[head_].is_load;
  in_.wld_valid = offering_ && is_load;
  in_.act_valid = offering_ && !is_load;
  in_.res_ready = !(traffic_.res_stall > 0 && uniform() < traffic_.res_stall);
  const Outputs o = settle(in_);
  if (offering_) {
    if (is_load ? o.wld_ready : o.act_ready) {
      if (!is_load && queue_[head_].in.act_last) ++outstanding_;
      ++head_;
      offering_ = false;
    } else {
      ++stalled_;
    }
  }
  if (o.res_valid && in_.res_ready) {
    if (outstanding_ == 0) throw Error("rtlsim: the grid emitted a result nobody asked for");
    out.push_back(decode(o));
    --outstanding_;
    ++results_total_;
  }
  clock();
  ++cycles_;
}

std::vector<GridResult> GridSim::run() {
  std::vector<GridResult> out;
  std::uint64_t idle = 0;
  while (head_ < queue_.size() || outstanding_ > 0) {
    const auto before = head_ + out.size();
    step(out);
    idle = (head_ + out.size() == before) ? idle + 1 : 0;
    if (idle > 1000)
      throw Error("rtlsim: the grid made no progress for 1000 cycles (" + std::to_string(outstanding_) +
                  " results outstanding)");
  }
  queue_.clear();
  head_ = 0;
  return out;
}

void GridSim::reset(int cycles) {
  in_.wld_valid = in_.act_valid = false;
  in_.rst_n = true;  // a real falling edge of rst_ni (see ArraySim::reset)
  settle(in_);
  in_.rst_n = false;
  for (int c = 0; c < cycles; ++c) {
    settle(in_);
    clock();
    ++cycles_;
  }
  in_.rst_n = true;
  settle(in_);
  queue_.clear();
  head_ = 0;
  offering_ = false;
  outstanding_ = 0;
}

// ---- adapters -------------------------------------------------------------------------------

namespace {

template <class Port>
void put_words(Port& port, const std::vector<std::uint32_t>& words) {
  if constexpr (std::is_integral_v<Port>) {
    std::uint64_t v = words.empty() ? 0 : words[0];
    if (words.size() > 1 && sizeof(Port) > 4) v |= std::uint64_t{words[1]} << 32;
    port = static_cast<Port>(v);
  } else {
    constexpr std::size_t n = sizeof(Port) / sizeof(EData);
    for (std::size_t i = 0; i < n; ++i) port[i] = i < words.size() ? words[i] : 0u;
  }
}

template <class Port>
std::vector<std::uint32_t> get_words(const Port& port) {
  if constexpr (std::is_integral_v<Port>) {
    const auto v = static_cast<std::uint64_t>(port);
    return {static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(v >> 32)};
  } else {
    constexpr std::size_t n = sizeof(Port) / sizeof(EData);
    std::vector<std::uint32_t> w(n);
    for (std::size_t i = 0; i < n; ++i) w[i] = port[i];
    return w;
  }
}

template <class Model>
class GridModelSim final : public GridSim {
 public:
  explicit GridModelSim(Geometry g) : GridSim(std::move(g)), ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->randReset(2);  // random initial state: a missing reset shows up as a mismatch
    ctx_->randSeed(12345);
    Verilated::threadContextp(ctx_.get());
    top_ = std::make_unique<Model>(ctx_.get(), "TOP");
    reset(2);
  }
  ~GridModelSim() override {
    top_->final();
    Verilated::threadContextp(ctx_.get());  // see ArraySim's adapter
    top_.reset();
  }

  void watch_gated_clocks(bool on) override {
    watching_ = on;
    if (!on || !probes_.empty()) return;
    const VerilatedScopeNameMap* scopes = ctx_->scopeNameMap();
    if (!scopes) return;
    for (const auto& [name, scope] : *scopes) {
      const std::string s = name;
      const std::string prefix = "TOP.qsq_grid.", suffix = ".u_cg";
      if (s.rfind(prefix, 0) != 0 || s.size() < suffix.size() ||
          s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      const VerilatedVar* var = scope->varFind("clk_o");
      if (!var) continue;
      Probe p;
      p.bank = s.substr(prefix.size(), s.size() - prefix.size() - suffix.size());
      // Verilator scope names escape brackets as __BRA__/__KET__: show them as written in the RTL.
      for (const auto& [from, to] : {std::pair<std::string, std::string>{"__BRA__", "["}, {"__KET__", "]"}})
        for (std::size_t at; (at = p.bank.find(from)) != std::string::npos;) p.bank.replace(at, from.size(), to);
      p.data = static_cast<const CData*>(var->datap());
      p.last = *p.data & 1u;
      probes_.push_back(p);
    }
  }
  std::uint64_t gated_clock_edges(const std::string& bank) const override {
    for (const auto& p : probes_)
      if (p.bank == bank) return p.edges;
    throw Error("no observable gated clock named '" + bank + "'");
  }
  std::vector<std::string> gated_banks() const override {
    std::vector<std::string> names;
    for (const auto& p : probes_) names.push_back(p.bank);
    return names;
  }

 protected:
  Outputs settle(const Inputs& in) override {
    Model& t = *top_;
    t.clk_i = 0;
    t.rst_ni = in.rst_n;
    t.cfg_q_i = static_cast<CData>(in.cfg_q);
    t.cfg_p_i = static_cast<CData>(in.cfg_p);
    t.cfg_codebook_i = static_cast<CData>(in.cfg_codebook);
    t.cfg_bypass_i = in.cfg_bypass;
    t.wld_valid_i = in.wld_valid;
    t.act_valid_i = in.act_valid;
    t.res_ready_i = in.res_ready;
    t.wld_row_i = static_cast<std::remove_reference_t<decltype(t.wld_row_i)>>(in.wld_row);
    t.wld_rows_on_i = static_cast<std::remove_reference_t<decltype(t.wld_rows_on_i)>>(in.wld_rows_on);
    put_words(t.wld_codes_i, in.wld_codes);
    put_words(t.wld_plain_i, in.wld_plain);
    t.wld_scale_i = static_cast<std::remove_reference_t<decltype(t.wld_scale_i)>>(in.wld_scale);
    put_words(t.act_data_i, in.act_data);
    t.act_slot_i = static_cast<std::remove_reference_t<decltype(t.act_slot_i)>>(in.act_slot);
    t.act_first_i = in.act_first;
    t.act_last_i = in.act_last;
    t.eval();
    sample_probes();
    Outputs o;
    o.wld_ready = t.wld_ready_o;
    o.act_ready = t.act_ready_o;
    o.res_valid = t.res_valid_o;
    o.res_data = get_words(t.res_data_o);
    o.res_rows = static_cast<std::uint64_t>(t.res_rows_o);
    return o;
  }
  void clock() override {
    top_->clk_i = 1;
    top_->eval();
    sample_probes();
    ++time_;
    ctx_->time(10 * time_);
  }

 private:
  struct Probe {
    std::string bank;
    const CData* data = nullptr;
    unsigned last = 0;
    std::uint64_t edges = 0;
  };
  void sample_probes() {
    if (!watching_) return;
    for (auto& p : probes_) {
      const unsigned v = *p.data & 1u;
      if (v && !p.last) ++p.edges;
      p.last = v;
    }
  }
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> top_;
  std::vector<Probe> probes_;
  bool watching_ = false;
  std::uint64_t time_ = 0;
};

Geometry geometry_of(const ParamPreset& p, bool gate_en, bool exact, bool serial = false) {
  return Geometry{p, p.name, gate_en, exact, serial};
}

}  // namespace

std::vector<std::string> GridSim::available() {
  std::vector<std::string> v{"grid", "grid/serial", "grid-small", "grid-small/nogate", "grid-small/exact",
                             "grid-small/serial"};
#ifdef QSQ_WITH_GRID_LARGE
  v.push_back("grid-large");
#endif
  return v;
}

std::unique_ptr<GridSim> GridSim::create(std::string_view preset, bool gate_en, bool exact_lane, bool serial) {
  if (serial) {
    if (exact_lane || !gate_en) throw Error("the digit-serial grids are built gated, without ExactLane");
    if (preset == "grid-small")
      return std::make_unique<GridModelSim<Vqsq_grid_grid_small_serial>>(geometry_of(presets::kGridSmall, true, false, true));
    if (preset == "grid")
      return std::make_unique<GridModelSim<Vqsq_grid_grid_serial>>(geometry_of(presets::kGrid, true, false, true));
    throw Error("the digit-serial grid is built for the grid-small and grid presets only");
  }
  if (preset == "grid-small") {
    const auto& p = presets::kGridSmall;
    if (exact_lane) {
      if (!gate_en) throw Error("the grid-small ExactLane baseline is built with clock gating only");
      return std::make_unique<GridModelSim<Vqsq_grid_grid_small_exact>>(geometry_of(p, true, true));
    }
    if (!gate_en) return std::make_unique<GridModelSim<Vqsq_grid_grid_small_nogate>>(geometry_of(p, false, false));
    return std::make_unique<GridModelSim<Vqsq_grid_grid_small>>(geometry_of(p, true, false));
  }
  if (exact_lane || !gate_en)
    throw Error("the ExactLane and GateEn = 0 grids are built for the grid-small preset only");
  if (preset == "grid") return std::make_unique<GridModelSim<Vqsq_grid_grid>>(geometry_of(presets::kGrid, true, false));
#ifdef QSQ_WITH_GRID_LARGE
  if (preset == "grid-large")
    return std::make_unique<GridModelSim<Vqsq_grid_grid_large>>(geometry_of(presets::kGridLarge, true, false));
#endif
  std::string names;
  for (const auto& n : available()) names += (names.empty() ? "" : ", ") + n;
  const std::string hint = preset == "grid-large" ? "; configure with -DQSQ_WITH_GRID_LARGE=ON to build it" : "";
  throw Error("grid preset '" + std::string(preset) + "' is not built (built: " + names + ")" + hint);
}

}  // namespace qsq::rtlsim
