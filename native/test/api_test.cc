// The registry (names, lookup, dispatch), argument checking of pa_f32_bsrmm, and the thread pool.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pruneaug/pruneaug.h"
#include "random_bsr.h"

namespace pa {
// internal to libpruneaug (src/thread_pool.h), exported like every symbol of the library
void parallel_for_threads(int threads, const std::function<void(int)>& task);
}

namespace {

const int kDims[] = {1, 2, 4, 8, 16, 32};

TEST(Registry, EveryIsaHasEveryBlockShapeWithAGrammaticalName) {
  std::set<std::string> names, isas;
  for (int i = 0; i < pa_kernel_count(); ++i) {
    const std::string isa = pa_kernel_isa(i);
    char expected[64];
    std::snprintf(expected, sizeof expected, "f32_bsrmm_b%dx%d__%s", pa_kernel_block_rows(i), pa_kernel_block_cols(i),
                  isa.c_str());
    EXPECT_EQ(pa_kernel_name(i), std::string(expected));
    EXPECT_TRUE(names.insert(pa_kernel_name(i)).second) << "duplicate " << pa_kernel_name(i);
    isas.insert(isa);
  }
  EXPECT_EQ(pa_kernel_count(), 36 * (int)isas.size());
  EXPECT_TRUE(isas.count("ref") && isas.count("generic"));
  for (const std::string& isa : isas) {
    for (int br : kDims) {
      for (int bc : kDims) {
        const int k = pa_kernel_find(isa.c_str(), br, bc);
        ASSERT_GE(k, 0) << isa << " lacks " << br << "x" << bc;
        EXPECT_EQ(pa_kernel_block_rows(k), br);
        EXPECT_EQ(pa_kernel_block_cols(k), bc);
        EXPECT_EQ(pa_kernel_isa(k), isa);
      }
    }
  }
}

TEST(Registry, DispatchPicksAnAvailableIsaAndSaysWhich) {
  const std::string best = pa_cpu_best_isa();
  std::printf("best ISA: %s; CPU features: \"%s\"\n", best.c_str(), pa_cpu_features());
  const int k = pa_kernel_find("auto", 8, 8);
  ASSERT_GE(k, 0);
  EXPECT_EQ(pa_kernel_isa(k), best);
  EXPECT_TRUE(pa_kernel_available(k));
  EXPECT_TRUE(pa_kernel_available(pa_kernel_find("ref", 8, 8)));
  EXPECT_TRUE(pa_kernel_available(pa_kernel_find("generic", 8, 8)));
  if (std::strstr(pa_cpu_features(), "avx2") && std::strstr(pa_cpu_features(), "fma")) {
    EXPECT_TRUE(pa_kernel_available(pa_kernel_find("avx2", 8, 8)));
  }
}

TEST(Registry, UnknownLookupsFailQuietly) {
  EXPECT_EQ(pa_kernel_name(-1), nullptr);
  EXPECT_EQ(pa_kernel_name(pa_kernel_count()), nullptr);
  EXPECT_EQ(pa_kernel_isa(pa_kernel_count()), nullptr);
  EXPECT_EQ(pa_kernel_block_rows(-5), 0);
  EXPECT_EQ(pa_kernel_available(pa_kernel_count()), 0);
  EXPECT_EQ(pa_kernel_find("ref", 3, 8), -1);
  EXPECT_EQ(pa_kernel_find("vax", 8, 8), -1);
  EXPECT_EQ(pa_kernel_find(nullptr, 8, 8), -1);
}

class BsrmmArguments : public ::testing::Test {
 protected:
  pa_test::RandomBsr w = pa_test::random_bsr(16, 12, 4, 4, 0.5, 1);
  pa_bsr_f32 view = w.view();
  std::vector<float> x = std::vector<float>(12 * 10, 1.0f), y = std::vector<float>(16 * 10), bias = std::vector<float>(16);
  int kernel = pa_kernel_find("auto", 4, 4);
  int call(int kern, const pa_bsr_f32* wp, int32_t n, const float* xp, int32_t ldx, float* yp, int32_t ldy, int act,
           int threads) {
    return pa_f32_bsrmm(kern, wp, n, xp, ldx, yp, ldy, bias.data(), act, threads);
  }
};

TEST_F(BsrmmArguments, AcceptsGoodCall) {
  EXPECT_EQ(call(kernel, &view, 10, x.data(), 10, y.data(), 10, PA_ACT_RELU, 2), PA_OK) << pa_last_error();
  EXPECT_STREQ(pa_last_error(), "");
}

TEST_F(BsrmmArguments, RejectsEachBadArgumentWithAMessage) {
  pa_bsr_f32 wrong_shape = view;
  wrong_shape.bc = 8;
  pa_bsr_f32 zero_m = view;
  zero_m.m = 0;
  pa_bsr_f32 no_row_ptr = view;
  no_row_ptr.row_ptr = nullptr;
  struct Bad {
    const char* what;
    int status;
  };
  const Bad cases[] = {
      {"kernel -1", call(-1, &view, 10, x.data(), 10, y.data(), 10, PA_ACT_NONE, 1)},
      {"kernel past the end", call(pa_kernel_count(), &view, 10, x.data(), 10, y.data(), 10, PA_ACT_NONE, 1)},
      {"NULL weight", call(kernel, nullptr, 10, x.data(), 10, y.data(), 10, PA_ACT_NONE, 1)},
      {"NULL row_ptr", call(kernel, &no_row_ptr, 10, x.data(), 10, y.data(), 10, PA_ACT_NONE, 1)},
      {"NULL X", call(kernel, &view, 10, nullptr, 10, y.data(), 10, PA_ACT_NONE, 1)},
      {"NULL Y", call(kernel, &view, 10, x.data(), 10, nullptr, 10, PA_ACT_NONE, 1)},
      {"block shape mismatch", call(kernel, &wrong_shape, 10, x.data(), 10, y.data(), 10, PA_ACT_NONE, 1)},
      {"m = 0", call(kernel, &zero_m, 10, x.data(), 10, y.data(), 10, PA_ACT_NONE, 1)},
      {"n = 0", call(kernel, &view, 0, x.data(), 10, y.data(), 10, PA_ACT_NONE, 1)},
      {"ldx < n", call(kernel, &view, 10, x.data(), 9, y.data(), 10, PA_ACT_NONE, 1)},
      {"ldy < n", call(kernel, &view, 10, x.data(), 10, y.data(), 9, PA_ACT_NONE, 1)},
      {"unknown activation", call(kernel, &view, 10, x.data(), 10, y.data(), 10, 7, 1)},
      {"threads 0", call(kernel, &view, 10, x.data(), 10, y.data(), 10, PA_ACT_NONE, 0)},
  };
  for (const Bad& c : cases) {
    EXPECT_NE(c.status, PA_OK) << c.what;
  }
  // the message belongs to the last failing call; spot-check that it names the problem
  call(kernel, &view, 10, x.data(), 9, y.data(), 10, PA_ACT_NONE, 1);
  EXPECT_NE(std::string(pa_last_error()).find("ldx"), std::string::npos) << pa_last_error();
  call(kernel, &wrong_shape, 10, x.data(), 10, y.data(), 10, PA_ACT_NONE, 1);
  EXPECT_NE(std::string(pa_last_error()).find("expects 4x4"), std::string::npos) << pa_last_error();
}

TEST(ThreadPool, RunsEachIndexExactlyOnceOnDistinctThreads) {
  for (int round = 0; round < 200; ++round) {
    const int threads = 1 + round % 5;
    std::vector<std::atomic<int>> hits(threads);
    std::mutex mu;
    std::set<std::thread::id> ids;
    pa::parallel_for_threads(threads, [&](int t) {
      hits[t].fetch_add(1);
      std::lock_guard<std::mutex> lock(mu);
      ids.insert(std::this_thread::get_id());
    });
    for (int t = 0; t < threads; ++t) ASSERT_EQ(hits[t].load(), 1) << "threads=" << threads << " t=" << t;
    ASSERT_EQ((int)ids.size(), threads) << "threads=" << threads;
  }
}

TEST(ThreadPool, WakesWorkersThatWentToSleep) {
  // workers spin briefly after a call, then block: calls spaced wider than the spin must still run
  for (int round = 0; round < 5; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    std::atomic<int> sum{0};
    pa::parallel_for_threads(3, [&](int t) { sum.fetch_add(t + 1); });
    ASSERT_EQ(sum.load(), 6);
  }
}

TEST(ThreadPool, WaitsForASlowWorker) {
  // the caller's own share is short; it must outwait its spin and sleep until the worker is done
  std::atomic<int> done{0};
  pa::parallel_for_threads(2, [&](int t) {
    if (t == 1) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    done.fetch_add(1);
  });
  EXPECT_EQ(done.load(), 2);
}

TEST(ThreadPool, ConcurrentCallersGetCorrectResults) {
  // e.g. several JVM threads running layers at once: calls are serialised inside the pool
  const pa_test::RandomBsr w = pa_test::random_bsr(64, 48, 8, 8, 0.5, 11);
  const pa_bsr_f32 view = w.view();
  const int kernel = pa_kernel_find("auto", 8, 8);
  const std::vector<float> x = pa_test::random_floats(48 * 20, 12);
  std::vector<float> expected(64 * 20);
  ASSERT_EQ(pa_f32_bsrmm(kernel, &view, 20, x.data(), 20, expected.data(), 20, nullptr, PA_ACT_NONE, 1), PA_OK);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&, c] {
      std::vector<float> y(64 * 20);
      for (int i = 0; i < 50; ++i) {
        if (pa_f32_bsrmm(kernel, &view, 20, x.data(), 20, y.data(), 20, nullptr, PA_ACT_NONE, 1 + (c + i) % 3) != PA_OK ||
            y != expected) {
          mismatches.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace

// ---- pa_alloc ------------------------------------------------------------------------------------

TEST(Memory, SmallBuffersAreCacheLineAlignedAndZeroed) {
  auto* p = static_cast<unsigned char*>(pa_alloc(1000));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(p[i], 0) << i;
  pa_free(p);
}

TEST(Memory, LargeBuffersAreHugePageAlignedAndZeroed) {
  const size_t bytes = PA_HUGE_THRESHOLD * 3 + 12;
  auto* p = static_cast<unsigned char*>(pa_alloc(bytes));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (size_t{2} << 20), 0u);
  for (size_t i = 0; i < bytes; i += 4093) ASSERT_EQ(p[i], 0) << i;
  p[bytes - 1] = 1;  // the whole size is writable
  pa_free(p);
}

TEST(Memory, ZeroBytesAndNullAreHarmless) {
  EXPECT_EQ(pa_alloc(0), nullptr);
  pa_free(nullptr);
}
