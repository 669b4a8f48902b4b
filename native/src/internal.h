// Internal plumbing shared by the kernel sources: the kernel function type, the registry entry and
// error reporting. Not installed, not seen by JavaCPP.
#ifndef PRUNEAUG_INTERNAL_H
#define PRUNEAUG_INTERNAL_H

#include <cstdint>
#include <string>

#include "pruneaug/bsr.h"
#include "pruneaug/bsrmm.h"
#include "pruneaug/status.h"

// Forces inlining of the small vector helpers the kernels call in their inner loops: a call that
// survives (GCC's inliner gives up once a file holds many instantiations) would pass the
// accumulators through memory.
#define PA_INLINE inline __attribute__((always_inline))

namespace pa {

// Computes block rows [rb_begin, rb_end) of Y = act(W X + bias) for all n columns. Arguments are
// already checked. Each thread of the pool calls it on a disjoint share: a range of block rows,
// or all rows of a slice of columns (x and y then point at the slice, n is its width). Row k of X
// starts at x + k*ldx, or at x + xoff[k] when xoff is not NULL (pa_f32_bsrmm_rows).
#define PA_BSRMM_PARAMS                                                                         \
  const pa_bsr_f32 &w, int32_t n, const float *x, int32_t ldx, const int64_t *xoff, float *y,   \
      int32_t ldy, const float *bias, int act, int32_t rb_begin, int32_t rb_end
using BsrmmFn = void (*)(PA_BSRMM_PARAMS);

// The kernels of each ISA (src/<isa>/f32_bsrmm__<isa>.cc), one instantiation per block shape.
void f32_bsrmm__ref(PA_BSRMM_PARAMS);  // block shape read from w at run time
template <int BR, int BC> void f32_bsrmm__generic(PA_BSRMM_PARAMS);
template <int BR, int BC> void f32_bsrmm__avx2(PA_BSRMM_PARAMS);
template <int BR, int BC> void f32_bsrmm__avx512(PA_BSRMM_PARAMS);

struct KernelEntry {
  const char* name;  // f32_bsrmm_b<BR>x<BC>__<isa>
  const char* isa;
  int br, bc;
  BsrmmFn fn;
};

// Sets the thread-local message returned by pa_last_error() and returns status.
int fail(int status, const std::string& message);
void clear_error();

inline int32_t ceil_div(int32_t a, int32_t b) { return (a + b - 1) / b; }

}  // namespace pa

#endif
