// ArraySim's transactions (loads and dot products on qsq_array's buses) and the adapters that
// bind it to each Verilated configuration of qsq_array; the cycle loop is StreamDriver's.
#include "qsq/rtlsim/array_sim.hpp"

#include <memory>
#include <string>

#include "Vqsq_array_default.h"
#include "Vqsq_array_default_nogate.h"
#include "Vqsq_array_small.h"
#include "Vqsq_array_small_exact.h"
#include "qsq/bits.hpp"
#include "qsq/error.hpp"
#include "verilated_harness.hpp"

namespace qsq::rtlsim {

void ArraySim::push_load(const WeightLoad& ld) { enqueue_load(load_bus(ld, geometry())); }

void ArraySim::push_dot(const DotBeat& beat) {
  const Geometry& g = geometry();
  const int n = g.lanes, w = g.width;
  if (static_cast<int>(beat.a.size()) != n) throw Error("dot product needs one activation per lane");
  for (int i = 0; i < n; ++i) require_range("activation", beat.a[static_cast<std::size_t>(i)], min_value(w), max_value(w));
  const std::int64_t lim = std::int64_t{1} << (g.acc_width - 1);
  require_range("psum", beat.psum, -lim, lim - 1);
  enqueue_beat({pack_lanes(beat.a, w), to_field(beat.psum, g.acc_width)}, /*expects_result=*/true);
}

std::int64_t ArraySim::result(const ArrayOutputs& o) const { return sign_extend(o.res_data, geometry().acc_width); }

void ArraySim::observe(const ArrayPorts& in, const ArrayOutputs& o) {
  if (logging_)
    log_.push_back({in.wld_valid, o.wld_ready, in.act_valid, o.act_ready, o.res_valid, in.res_ready,
                    sign_extend(o.res_data, geometry().acc_width)});
}

namespace {

template <class Model, bool HasTrace>
class ModelSim final : public ArraySim {
 public:
  explicit ModelSim(Geometry g) : ArraySim(std::move(g)), h_("qsq_array") { reset(2); }

  void open_trace(const std::string& path) override { h_.open_trace(path, geometry().preset); }
  void close_trace() override { h_.close_trace(); }
  void watch_gated_clocks(bool on) override { h_.watch_gated_clocks(on); }
  std::uint64_t gated_clock_edges(const std::string& bank) const override { return h_.probes().edges(bank); }
  std::vector<std::string> gated_banks() const override { return h_.probes().banks(); }

 protected:
  ArrayOutputs settle(const ArrayPorts& in) override {
    Model& t = h_.top();
    drive_common(t, in);
    put(t.act_psum_i, in.beat.act_psum);
    h_.eval_low();
    ArrayOutputs o;
    o.wld_ready = t.wld_ready_o;
    o.act_ready = t.act_ready_o;
    o.res_valid = t.res_valid_o;
    o.res_data = static_cast<std::uint64_t>(t.res_data_o);
    return o;
  }
  void clock() override { h_.tick(); }

 private:
  VerilatedHarness<Model, HasTrace> h_;
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
