// pa_alloc / pa_free: see pruneaug/memory.h for why large buffers sit on huge pages.
#include "pruneaug/memory.h"

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

}  // extern "C"
