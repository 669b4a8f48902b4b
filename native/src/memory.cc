// pa_alloc / pa_free: see pruneaug/memory.h for why large buffers sit on huge pages.
#include "pruneaug/memory.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace {
constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kCacheLine = 64;
}  // namespace

extern "C" {

void* pa_alloc(size_t bytes) {
  if (bytes == 0) return nullptr;
  const bool huge = bytes >= PA_HUGE_THRESHOLD;
  const size_t alignment = huge ? kHugePage : kCacheLine;
  const size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  void* p = nullptr;
  if (posix_memalign(&p, alignment, rounded) != 0) return nullptr;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (huge) madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without THP the buffer still works
#endif
  std::memset(p, 0, rounded);  // touch every page now, so the huge pages are faulted in here
  return p;
}

void pa_free(void* p) { std::free(p); }

int pa_huge_pages_backed(const void* p) {
#if defined(__linux__)
  if (p == nullptr) return 0;
  FILE* f = std::fopen("/proc/self/smaps", "r");
  if (f == nullptr) return 0;
  const auto addr = reinterpret_cast<uintptr_t>(p);
  char line[512];
  bool inside = false;
  int backed = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    unsigned long lo = 0, hi = 0;
    if (std::sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {  // a mapping's header
      inside = addr >= lo && addr < hi;
      continue;
    }
    unsigned long kb = 0;
    if (inside && std::sscanf(line, "AnonHugePages: %lu kB", &kb) == 1) {
      backed = kb > 0;
      break;
    }
  }
  std::fclose(f);
  return backed;
#else
  (void)p;
  return 0;
#endif
}

}  // extern "C"
