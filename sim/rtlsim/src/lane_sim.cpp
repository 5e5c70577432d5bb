// LaneSim: binds the Verilated qsq_lane (default width) to a plain C++ call.
#include "qsq/rtlsim/lane_sim.hpp"

#include <verilated.h>

#include "Vqsq_lane_default.h"
#include "qsq/bits.hpp"
#include "qsq/error.hpp"

namespace qsq::rtlsim {

struct LaneSim::Impl {
  VerilatedContext ctx;
  std::unique_ptr<Vqsq_lane_default> top;
};

LaneSim::LaneSim() : impl_(std::make_unique<Impl>()) {
  Verilated::threadContextp(&impl_->ctx);
  impl_->top = std::make_unique<Vqsq_lane_default>(&impl_->ctx, "TOP");
}

LaneSim::~LaneSim() {
  impl_->top->final();
  Verilated::threadContextp(&impl_->ctx);  // scopes unregister from the thread's context
  impl_->top.reset();
}

int LaneSim::width() const { return defaults::kWidth; }

std::int64_t LaneSim::mul(std::int32_t a, std::int32_t w, Quality q) {
  const int wd = width();
  require_range("activation", a, min_value(wd), max_value(wd));
  require_range("weight", w, min_value(wd), max_value(wd));
  const contract::Range qr = contract::q_range(wd), pr = contract::p_port_range(wd);  // what the RTL defines
  require_range("quality level q", q.q, qr.lo, qr.hi);
  require_range("drop position p", q.p, pr.lo, pr.hi);
  auto& t = *impl_->top;
  t.a_i = static_cast<std::uint32_t>(to_field(a, wd));
  t.w_i = static_cast<std::uint32_t>(to_field(w, wd));
  t.q_i = static_cast<CData>(q.q);
  t.p_i = static_cast<CData>(q.p);
  t.eval();
  ++evals_;
  return sign_extend(static_cast<std::uint64_t>(t.prod_o), 2 * wd);
}

}  // namespace qsq::rtlsim
