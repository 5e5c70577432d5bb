#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "qsq/error.hpp"
#include "qsq/flow/progress.hpp"
#include "qsq/flow/tool.hpp"
#include "qsq/sweep/executor.hpp"

namespace qsq::sweep {

void run_local(const Plan& plan, const std::vector<std::size_t>& todo, int jobs) {
  if (todo.empty()) return;
  const int n = std::max(1, std::min<int>(jobs, static_cast<int>(todo.size())));
  std::atomic<std::size_t> next{0}, finished{0};
  auto worker = [&] {
    for (std::size_t k = next++; k < todo.size(); k = next++) {
      const std::size_t i = todo[k];
      const auto t0 = std::chrono::steady_clock::now();
      const fs::path log = point_dir(plan, i) / "point.log";
      std::string what = "done";
      try {
        flow::run_tool(flow::shell_quote(plan.qsq.string()) + " sweep-point " + flow::shell_quote(plan_path(plan.out).string()) +
                           " " + std::to_string(i),
                       log, "point " + plan.spec.points[i].id, plan.timeout_s);
      } catch (const Error& e) {
        // The point records its own tool failures; a timeout or a crash leaves that to us.
        if (state_of(plan, i) != State::failed) write_failure(plan, i, relative_to_out(plan, log), e.what());
      }
      if (state_of(plan, i) != State::done) {
        const auto r = read_point(plan, i);
        what = "FAILED (" + r.value("error", std::string("no result")) + "; log " + r.value("log", std::string("?")) + ")";
      }
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      flow::progress(fmt::format("[sweep] {}/{} {:.1f} s {} [{}] {}", ++finished, todo.size(), s,
                                 point_label(plan.spec, plan.spec.points[i]), plan.spec.points[i].id, what));
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < n; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
}

}  // namespace qsq::sweep
