// The kernel registry: the single hand-edited list of kernels. Tests and benchmarks iterate it, so
// a kernel listed here is tested and benchmarked; one not listed does not exist for callers.
//
// Adding an ISA (e.g. NEON): write src/<isa>/f32_bsrmm__<isa>.cc defining the kernels, declare
// them below, add their rows with PA_KERNEL_ROWS, and teach cpu.cc to detect the ISA.
#include <cstring>

#include "cpu.h"
#include "internal.h"

namespace pa {
void f32_bsrmm__ref(const pa_bsr_f32&, int32_t, const float*, int32_t, float*, int32_t, const float*, int,
                    int32_t, int32_t);
}

namespace {

#define PA_ROW(isa, fn, r, c) {"f32_bsrmm_b" #r "x" #c "__" #isa, #isa, r, c, fn}
#define PA_ROWS_FOR_R(isa, fn, r) \
  PA_ROW(isa, fn, r, 1), PA_ROW(isa, fn, r, 2), PA_ROW(isa, fn, r, 4), PA_ROW(isa, fn, r, 8), \
      PA_ROW(isa, fn, r, 16), PA_ROW(isa, fn, r, 32)
// every block shape r x c, r and c in {1, 2, 4, 8, 16, 32}, for one ISA served by one function
#define PA_KERNEL_ROWS(isa, fn) \
  PA_ROWS_FOR_R(isa, fn, 1), PA_ROWS_FOR_R(isa, fn, 2), PA_ROWS_FOR_R(isa, fn, 4), \
      PA_ROWS_FOR_R(isa, fn, 8), PA_ROWS_FOR_R(isa, fn, 16), PA_ROWS_FOR_R(isa, fn, 32)

const pa::KernelEntry kKernels[] = {
    PA_KERNEL_ROWS(ref, pa::f32_bsrmm__ref),
};

constexpr int kKernelCount = sizeof(kKernels) / sizeof(kKernels[0]);

}  // namespace

namespace pa {
const KernelEntry* kernel_entry(int kernel) {
  return kernel >= 0 && kernel < kKernelCount ? &kKernels[kernel] : nullptr;
}
}  // namespace pa

extern "C" {

int pa_kernel_count(void) { return kKernelCount; }

const char* pa_kernel_name(int kernel) {
  const pa::KernelEntry* e = pa::kernel_entry(kernel);
  return e ? e->name : nullptr;
}

const char* pa_kernel_isa(int kernel) {
  const pa::KernelEntry* e = pa::kernel_entry(kernel);
  return e ? e->isa : nullptr;
}

int pa_kernel_block_rows(int kernel) {
  const pa::KernelEntry* e = pa::kernel_entry(kernel);
  return e ? e->br : 0;
}

int pa_kernel_block_cols(int kernel) {
  const pa::KernelEntry* e = pa::kernel_entry(kernel);
  return e ? e->bc : 0;
}

int pa_kernel_available(int kernel) {
  const pa::KernelEntry* e = pa::kernel_entry(kernel);
  return e != nullptr && pa::cpu_supports_isa(e->isa);
}

int pa_kernel_find(const char* isa, int br, int bc) {
  if (isa == nullptr) return -1;
  const char* wanted = std::strcmp(isa, "auto") == 0 ? pa_cpu_best_isa() : isa;
  for (int i = 0; i < kKernelCount; ++i) {
    if (std::strcmp(kKernels[i].isa, wanted) == 0 && kKernels[i].br == br && kKernels[i].bc == bc) return i;
  }
  return -1;
}

}  // extern "C"
