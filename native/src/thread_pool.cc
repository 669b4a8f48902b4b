#include "thread_pool.h"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace pa {
namespace {

class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      ++generation_;
    }
    start_cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  void run(int threads, const std::function<void(int)>& task) {
    std::lock_guard<std::mutex> call_lock(call_mu_);
    if (threads <= 1) {
      task(0);
      return;
    }
    {
      std::unique_lock<std::mutex> lock(mu_);
      while ((int)workers_.size() < threads - 1) {
        const int id = (int)workers_.size() + 1;
        workers_.emplace_back([this, id] { worker(id); });
      }
      task_ = &task;
      active_ = threads;
      pending_ = threads - 1;
      ++generation_;
    }
    start_cv_.notify_all();
    task(0);
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [this] { return pending_ == 0; });
    task_ = nullptr;
  }

 private:
  void worker(int id) {
    unsigned long seen = 0;
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      start_cv_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      if (stop_) return;
      if (id >= active_) continue;
      const std::function<void(int)>* task = task_;
      lock.unlock();
      (*task)(id);
      lock.lock();
      if (--pending_ == 0) done_cv_.notify_one();
    }
  }

  std::mutex call_mu_;
  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  std::vector<std::thread> workers_;
  const std::function<void(int)>* task_ = nullptr;
  unsigned long generation_ = 0;
  int active_ = 0, pending_ = 0;
  bool stop_ = false;
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

void parallel_for_threads(int threads, const std::function<void(int)>& task) { pool().run(threads, task); }

}  // namespace pa
