// The cycle loop of ArraySim (model independent) and the adapters that bind it to each
// Verilated configuration of qsq_array.
#include "qsq/rtlsim/array_sim.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <verilated.h>
#include <verilated_fst_c.h>
#include <verilated_syms.h>

#include "Vqsq_array_default.h"
#include "Vqsq_array_default_nogate.h"
#include "Vqsq_array_small.h"
#include "Vqsq_array_small_exact.h"
#include "qsq/bits.hpp"
#include "qsq/error.hpp"

namespace qsq::rtlsim {

// ---- operations ----------------------------------------------------------------

struct ArraySim::Op {
  bool is_load = false;
  Inputs in;  // only the fields of this operation are meaningful
};

namespace {

// splitmix64: small, seedable, and identical on every platform.
std::uint64_t next_random(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

ArraySim::ArraySim(Geometry g) : geo_(std::move(g)) {}
ArraySim::~ArraySim() = default;

void ArraySim::set_traffic(const Traffic& t) {
  if (t.res_stall < 0 || t.res_stall >= 1) throw Error("res_stall probability must be in [0, 1)");
  if (t.valid_gap < 0 || t.valid_gap >= 1) throw Error("valid_gap probability must be in [0, 1)");
  traffic_ = t;
  rng_ = t.seed;
}

void ArraySim::force_res_ready(const std::vector<bool>& per_cycle) {
  forced_ready_ = per_cycle;
  forced_pos_ = 0;
}

double ArraySim::uniform() { return static_cast<double>(next_random(rng_) >> 11) * 0x1.0p-53; }

void ArraySim::push_load(const WeightLoad& ld) {
  const int n = geo_.lanes, w = geo_.width;
  const contract::Range qr = geo_.q_range(), pr = geo_.p_port_range();  // what the RTL defines
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
  // The bus of the unused path carries zeros.
  std::vector<std::int32_t> codes(n, 0), plain(n, 0);
  if (ld.bypass) {
    if (static_cast<int>(ld.plain.size()) != n) throw Error("bypass load needs one plain weight per lane");
    for (int i = 0; i < n; ++i) {
      require_range("plain weight", ld.plain[i], min_value(w), max_value(w));
      plain[i] = ld.plain[i];
    }
  } else {
    if (static_cast<int>(ld.codes.size()) != n) throw Error("weight load needs one code per lane");
    for (int i = 0; i < n; ++i) {
      require_range("weight code", ld.codes[i], 0, (1 << geo_.code_bits) - 1);
      codes[i] = ld.codes[i];
    }
  }
  op.in.wld_codes = pack_lanes(codes, geo_.code_bits);
  op.in.wld_plain = pack_lanes(plain, w);
  queue_.push_back(std::move(op));
}

void ArraySim::push_dot(const DotBeat& beat) {
  const int n = geo_.lanes, w = geo_.width;
  if (static_cast<int>(beat.a.size()) != n) throw Error("dot product needs one activation per lane");
  for (int i = 0; i < n; ++i) require_range("activation", beat.a[i], min_value(w), max_value(w));
  const std::int64_t lim = std::int64_t{1} << (geo_.acc_width - 1);
  require_range("psum", beat.psum, -lim, lim - 1);
  Op op;
  op.in.act_data = pack_lanes(beat.a, w);
  op.in.act_psum = to_field(beat.psum, geo_.acc_width);
  queue_.push_back(std::move(op));
}

void ArraySim::step(std::vector<std::int64_t>& out) {
  if (!offering_ && head_ < queue_.size()) {
    offering_ = !(traffic_.valid_gap > 0 && uniform() < traffic_.valid_gap);
    if (offering_) {
      const Op& op = queue_[head_];
      if (op.is_load) {
        in_.cfg_q = op.in.cfg_q;
        in_.cfg_p = op.in.cfg_p;
        in_.cfg_codebook = op.in.cfg_codebook;
        in_.cfg_bypass = op.in.cfg_bypass;
        in_.wld_scale = op.in.wld_scale;
        in_.wld_codes = op.in.wld_codes;
        in_.wld_plain = op.in.wld_plain;
      } else {
        in_.act_data = op.in.act_data;
        in_.act_psum = op.in.act_psum;
      }
    }
  }
  const bool is_load = offering_ && queue_[head_].is_load;
  in_.wld_valid = offering_ && is_load;
  in_.act_valid = offering_ && !is_load;
  if (forced_pos_ < forced_ready_.size()) in_.res_ready = forced_ready_[forced_pos_++];
  else in_.res_ready = !(traffic_.res_stall > 0 && uniform() < traffic_.res_stall);
  const Outputs o = settle(in_);
  if (logging_)
    log_.push_back({in_.wld_valid, o.wld_ready, in_.act_valid, o.act_ready, o.res_valid, in_.res_ready,
                    sign_extend(o.res_data, geo_.acc_width)});
  if (offering_ && (is_load ? o.wld_ready : o.act_ready)) {
    if (!is_load) ++outstanding_;
    ++head_;
    offering_ = false;
  }
  if (o.res_valid && in_.res_ready) {
    if (outstanding_ == 0) throw Error("rtlsim: the array emitted a result nobody asked for");
    out.push_back(sign_extend(o.res_data, geo_.acc_width));
    --outstanding_;
    ++results_total_;
  }
  clock();
  ++cycles_;
}

std::vector<std::int64_t> ArraySim::run() {
  std::vector<std::int64_t> out;
  std::uint64_t idle = 0;
  while (head_ < queue_.size() || outstanding_ > 0) {
    const auto before = head_ + out.size();
    step(out);
    idle = (head_ + out.size() == before) ? idle + 1 : 0;
    if (idle > 1000)
      throw Error("rtlsim: the array made no progress for 1000 cycles (" + std::to_string(outstanding_) +
                  " results outstanding)");
  }
  queue_.clear();
  head_ = 0;
  return out;
}

std::vector<std::int64_t> ArraySim::run_cycles(std::uint64_t n) {
  std::vector<std::int64_t> out;
  for (std::uint64_t c = 0; c < n && (head_ < queue_.size() || outstanding_ > 0); ++c) step(out);
  return out;
}

void ArraySim::reset(int cycles) {
  in_.wld_valid = in_.act_valid = false;
  // Raise rst_ni first so that lowering it is a real falling edge: the clock-gated banks with
  // an asynchronous reset (the weight bank) only see the reset through that edge, and a
  // freshly constructed model may start with rst_ni = 0.
  in_.rst_n = true;
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

// Writes packed words into a Verilated port of any width (CData..QData or VlWide<N>).
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

template <class Model, bool HasTrace>
class ModelSim final : public ArraySim {
 public:
  explicit ModelSim(Geometry g) : ArraySim(std::move(g)), ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->randReset(2);  // random initial state: a missing reset shows up as a mismatch
    ctx_->randSeed(12345);
    Verilated::threadContextp(ctx_.get());
    top_ = std::make_unique<Model>(ctx_.get(), "TOP");
    reset(2);
  }
  ~ModelSim() override {
    close_trace();
    top_->final();
    // Verilator unregisters the model's scopes from the *thread's* current context: make it
    // ours (another model may have been created or destroyed since).
    Verilated::threadContextp(ctx_.get());
    top_.reset();
  }

  void open_trace(const std::string& path) override {
    if constexpr (HasTrace) {
      close_trace();
      ctx_->traceEverOn(true);
      trace_ = std::make_unique<VerilatedFstC>();
      top_->trace(trace_.get(), 99);
      trace_->open(path.c_str());
      if (!trace_->isOpen()) throw Error("cannot open trace file " + path);
    } else {
      throw Error("the model '" + geometry().preset + "' was built without tracing");
    }
  }
  void close_trace() override {
    if (trace_) {
      trace_->close();
      trace_.reset();
    }
  }

  void watch_gated_clocks(bool on) override {
    watching_ = on;
    if (!on || !probes_.empty()) return;
    // Scope names follow the instance hierarchy; every clock gate's clk_o is public.
    const VerilatedScopeNameMap* scopes = ctx_->scopeNameMap();
    if (!scopes) return;
    for (const auto& [name, scope] : *scopes) {
      const std::string s = name;
      const std::string prefix = "TOP.qsq_array.", suffix = ".u_cg";
      if (s.rfind(prefix, 0) != 0 || s.size() < suffix.size() ||
          s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      const VerilatedVar* var = scope->varFind("clk_o");
      if (!var) continue;
      Probe p;
      p.bank = s.substr(prefix.size(), s.size() - prefix.size() - suffix.size());
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
    put_words(t.wld_codes_i, in.wld_codes);
    put_words(t.wld_plain_i, in.wld_plain);
    t.wld_scale_i = static_cast<std::remove_reference_t<decltype(t.wld_scale_i)>>(in.wld_scale);
    put_words(t.act_data_i, in.act_data);
    t.act_psum_i = static_cast<std::remove_reference_t<decltype(t.act_psum_i)>>(in.act_psum);
    t.eval();
    sample_probes();
    dump(10 * time_);
    Outputs o;
    o.wld_ready = t.wld_ready_o;
    o.act_ready = t.act_ready_o;
    o.res_valid = t.res_valid_o;
    o.res_data = static_cast<std::uint64_t>(t.res_data_o);
    return o;
  }
  void clock() override {
    top_->clk_i = 1;
    top_->eval();
    sample_probes();
    dump(10 * time_ + 5);
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
  void dump(std::uint64_t t) {
    if constexpr (HasTrace) {
      if (trace_) trace_->dump(t);
    } else {
      (void)t;
    }
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> top_;
  std::unique_ptr<VerilatedFstC> trace_;
  std::vector<Probe> probes_;
  bool watching_ = false;
  std::uint64_t time_ = 0;
};

}  // namespace

std::vector<std::string> ArraySim::available() { return {"default", "default/nogate", "small", "small/exact"}; }

std::unique_ptr<ArraySim> ArraySim::create(std::string_view preset, bool gate_en, bool exact_lane) {
  if (exact_lane) {
    if (preset != "small" || !gate_en) throw Error("the ExactLane baseline is built for the small preset with gating only");
    const auto& p = presets::kSmall;
    return std::make_unique<ModelSim<Vqsq_array_small_exact, false>>(Geometry{p, p.name, true, true});
  }
  if (preset == "default") {
    const auto& p = presets::kDefault;
    const Geometry g{p, p.name, gate_en, false};
    if (gate_en) return std::make_unique<ModelSim<Vqsq_array_default, true>>(g);
    return std::make_unique<ModelSim<Vqsq_array_default_nogate, false>>(g);
  }
  if (preset == "small") {
    if (!gate_en) throw Error("the small preset is built with clock gating only");
    const auto& p = presets::kSmall;
    return std::make_unique<ModelSim<Vqsq_array_small, true>>(Geometry{p, p.name, true, false});
  }
  throw Error("unknown RTL preset '" + std::string(preset) + "' (available: default, small)");
}

}  // namespace qsq::rtlsim
