// Persistent pool with spin-then-block hand-off. A sparse layer often takes well under a
// millisecond, so waking workers through a condition variable alone (~100 microseconds on a
// loaded VM) would eat the speed-up; workers instead spin, then yield, for a while after each
// call and only then sleep. Sleeping and waking use the usual store/load handshake on two seq_cst atomics
// (a "sleeping" count against a worker's generation, "caller sleeping" against the pending count),
// with the notify under the mutex so a wake-up cannot slip between a check and its wait.
#include "thread_pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace pa {
namespace {

// Waiting has three phases. Spinning on `pause` answers within a microsecond and covers
// back-to-back layer calls. Then yielding: still fast to answer (the wake-up of a blocked thread
// cost ~100 us on a loaded 2-vCPU VM, more than many sparse layers take) but other runnable
// threads get the core, which matters when the caller spends a while between calls (im2col,
// JVM work). Only after that do threads block on the condition variable.
constexpr auto kSpin = std::chrono::microseconds(50);
constexpr auto kYield = std::chrono::microseconds(2000);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins, then yields, until done() or kSpin + kYield elapsed; true if done() became true.
template <class Done>
bool spin_until(Done done) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      cpu_relax();
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    if (waited > kSpin + kYield) return done();
    if (waited > kSpin) std::this_thread::yield();
  }
}

class Pool {
 public:
  ~Pool() {
    stop_.store(true);
    for (auto& s : slots_) s->generation.fetch_add(1);
    {
      std::lock_guard<std::mutex> lock(mu_);
    }
    wake_cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  void run(int threads, const std::function<void(int)>& task) {
    if (threads <= 1) {
      task(0);
      return;
    }
    std::lock_guard<std::mutex> call_lock(call_mu_);
    while ((int)workers_.size() < threads - 1) {
      slots_.push_back(std::make_unique<Slot>());
      Slot* slot = slots_.back().get();
      const int id = (int)workers_.size() + 1;
      workers_.emplace_back([this, slot, id] { worker(*slot, id); });
    }
    pending_.store(threads - 1, std::memory_order_relaxed);
    // Only the workers this call needs are handed work: exactly `threads` threads run it.
    for (int id = 1; id < threads; ++id) {
      Slot& s = *slots_[id - 1];
      s.task.store(&task, std::memory_order_relaxed);
      s.generation.fetch_add(1);  // seq_cst: publishes task and orders against sleeping_
    }
    if (sleeping_.load() > 0) {
      std::lock_guard<std::mutex> lock(mu_);
      wake_cv_.notify_all();
    }
    task(0);
    if (!spin_until([this] { return pending_.load(std::memory_order_acquire) == 0; })) {
      std::unique_lock<std::mutex> lock(mu_);
      caller_sleeping_.store(true);
      done_cv_.wait(lock, [this] { return pending_.load() == 0; });
      caller_sleeping_.store(false);
    }
  }

 private:
  // One per worker, on its own cache line: the caller writes a worker's slot only while that
  // worker is idle (every handed-out task finished before run() returned), so no call can be
  // seen half-published.
  struct alignas(64) Slot {
    std::atomic<uint64_t> generation{0};
    std::atomic<const std::function<void(int)>*> task{nullptr};
  };

  void worker(Slot& slot, int id) {
    uint64_t seen = 0;
    auto handed_work = [&] { return slot.generation.load(std::memory_order_acquire) != seen; };
    for (;;) {
      if (!spin_until(handed_work)) {
        std::unique_lock<std::mutex> lock(mu_);
        sleeping_.fetch_add(1);
        wake_cv_.wait(lock, [&] { return slot.generation.load() != seen; });
        sleeping_.fetch_sub(1);
      }
      seen = slot.generation.load(std::memory_order_acquire);
      if (stop_.load()) return;
      (*slot.task.load(std::memory_order_relaxed))(id);
      if (pending_.fetch_sub(1) == 1 && caller_sleeping_.load()) {
        std::lock_guard<std::mutex> lock(mu_);
        done_cv_.notify_one();
      }
    }
  }

  std::mutex call_mu_;  // one parallel call at a time; other callers queue here
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::thread> workers_;
  std::atomic<int> pending_{0};
  std::atomic<int> sleeping_{0};
  std::atomic<bool> caller_sleeping_{false};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable wake_cv_, done_cv_;
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

void parallel_for_threads(int threads, const std::function<void(int)>& task) { pool().run(threads, task); }

}  // namespace pa
