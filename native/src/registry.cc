// The kernel registry: the single hand-edited list of kernels. Tests and benchmarks iterate it, so
// a kernel listed here is tested and benchmarked; one not listed does not exist for callers.
//
// Adding an ISA (e.g. NEON): write src/<isa>/f32_bsrmm__<isa>.cc (start from the generic one),
// declare its template in internal.h, add one PA_KERNEL_ROWS line below, teach cpu.cc to detect
// the ISA and CMake to compile the file with the ISA's flags. Callers, tests and benchmarks pick
// the new rows up by themselves.
#include <cstring>

#include "cpu.h"
#include "internal.h"

namespace {

// kernel(r, c) names the function serving block shape r x c
#define PA_ROW(isa, kernel, r, c) {"f32_bsrmm_b" #r "x" #c "__" #isa, #isa, r, c, kernel(r, c)}
#define PA_ROWS_FOR_R(isa, kernel, r)                                                           \
  PA_ROW(isa, kernel, r, 1), PA_ROW(isa, kernel, r, 2), PA_ROW(isa, kernel, r, 4),             \
      PA_ROW(isa, kernel, r, 8), PA_ROW(isa, kernel, r, 16), PA_ROW(isa, kernel, r, 32)
// every block shape r x c, r and c in {1, 2, 4, 8, 16, 32}, for one ISA
#define PA_KERNEL_ROWS(isa, kernel)                                                             \
  PA_ROWS_FOR_R(isa, kernel, 1), PA_ROWS_FOR_R(isa, kernel, 2), PA_ROWS_FOR_R(isa, kernel, 4), \
      PA_ROWS_FOR_R(isa, kernel, 8), PA_ROWS_FOR_R(isa, kernel, 16), PA_ROWS_FOR_R(isa, kernel, 32)

#define PA_REF(r, c) &pa::f32_bsrmm__ref  // one function reads the shape at run time
#define PA_GENERIC(r, c) &pa::f32_bsrmm__generic<r, c>
#define PA_AVX2(r, c) &pa::f32_bsrmm__avx2<r, c>
#define PA_AVX512(r, c) &pa::f32_bsrmm__avx512<r, c>

// Reference first, then the optimised ISAs (the BLIS habit: an ISA without a kernel for some
// operation still has the reference). pa_kernel_find("auto", ...) picks by pa_cpu_best_isa().
const pa::KernelEntry kKernels[] = {
    PA_KERNEL_ROWS(ref, PA_REF),
    PA_KERNEL_ROWS(generic, PA_GENERIC),
#if defined(__x86_64__) || defined(__i386__)
    PA_KERNEL_ROWS(avx2, PA_AVX2),
    PA_KERNEL_ROWS(avx512, PA_AVX512),
#endif
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
