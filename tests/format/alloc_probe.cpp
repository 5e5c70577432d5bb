// Description: replaces the global operator new of the test binary to record the largest single
// allocation, so tests can assert that the reader never allocates more than the input justifies.
// Usage: qsq_test::reset_largest_allocation(); ...; EXPECT_LT(qsq_test::largest_allocation(), 1 << 20);
#include <atomic>
#include <cstdlib>
#include <new>

namespace qsq_test {
std::atomic<std::size_t> g_largest{0};
void reset_largest_allocation() { g_largest = 0; }
std::size_t largest_allocation() { return g_largest; }
}  // namespace qsq_test

namespace {
void* counted_alloc(std::size_t n) {
  std::size_t prev = qsq_test::g_largest.load(std::memory_order_relaxed);
  while (n > prev && !qsq_test::g_largest.compare_exchange_weak(prev, n)) {
  }
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
