// Internal plumbing shared by the kernel sources: the kernel function type, the registry entry and
// error reporting. Not installed, not seen by JavaCPP.
#ifndef PRUNEAUG_INTERNAL_H
#define PRUNEAUG_INTERNAL_H

#include <cstdint>
#include <string>

#include "pruneaug/bsr.h"
#include "pruneaug/bsrmm.h"
#include "pruneaug/status.h"

namespace pa {

// Computes block rows [rb_begin, rb_end) of Y = act(W X + bias) for all n columns. Arguments are
// already checked. Each thread of the pool calls it on a disjoint range of block rows.
using BsrmmFn = void (*)(const pa_bsr_f32& w, int32_t n, const float* x, int32_t ldx, float* y,
                         int32_t ldy, const float* bias, int act, int32_t rb_begin, int32_t rb_end);

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
