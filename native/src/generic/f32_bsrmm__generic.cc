// Portable kernels: the shared tiled kernel (bsrmm_kernel.h) over a "vector" that is a plain
// array of 8 floats. Every operation is a fixed-length loop the compiler turns into whatever
// SIMD the target has (SSE2 on baseline x86-64, NEON on AArch64), so this runs everywhere.
//
// This file is also the starting point of a port (see "Porting a kernel to new hardware" in the
// README): copy it to src/<isa>/f32_bsrmm__<isa>.cc, replace the body of each member of Portable
// by the ISA's intrinsics (a NEON port: float32x4_t, kLanes 4, vld1q_f32, vfmaq_f32, vdupq_n_f32,
// vmaxq_f32; for the masked tail a lane loop or a predicate), set the register budget, rename the
// entry point and add its 36 registry rows plus the CPU check. Nothing else needs to change.
#include "../bsrmm_kernel.h"

namespace {

struct Portable {
  static constexpr int kLanes = 8;
  struct T {
    float v[kLanes];
  };
  struct Mask {
    int count;  // lanes [0, count) are live
  };
  // Each T takes two 128-bit registers on SSE2/NEON; 6 accumulators (12 registers) of the 16
  // leave room for X and the broadcast weight. Block columns stay a loop: unrolling them made
  // this file compile 3x slower for no measured gain.
  static constexpr int kMaxRowGroup = 2;
  static constexpr int accumulators(int, int) { return 6; }
  static constexpr int column_unroll(int, int) { return 1; }
  static constexpr int kPrefetchBelowFmas = 16;

  static PA_INLINE T zero() { return broadcast_value(0.0f); }
  static PA_INLINE T load(const float* p) {
    T r;
    for (int l = 0; l < kLanes; ++l) r.v[l] = p[l];
    return r;
  }
  // Tail of a row: lanes past `count` are neither read nor written.
  static PA_INLINE T load(const float* p, Mask m) {
    T r = zero();
    for (int l = 0; l < m.count; ++l) r.v[l] = p[l];
    return r;
  }
  static PA_INLINE void store(float* p, T v) {
    for (int l = 0; l < kLanes; ++l) p[l] = v.v[l];
  }
  static PA_INLINE void store(float* p, T v, Mask m) {
    for (int l = 0; l < m.count; ++l) p[l] = v.v[l];
  }
  static PA_INLINE T broadcast(const float* p) { return broadcast_value(*p); }
  static PA_INLINE T fma(T a, T b, T c) {
    for (int l = 0; l < kLanes; ++l) c.v[l] += a.v[l] * b.v[l];
    return c;
  }
  static PA_INLINE T max(T a, T b) {
    for (int l = 0; l < kLanes; ++l) a.v[l] = a.v[l] > b.v[l] ? a.v[l] : b.v[l];
    return a;
  }
  static PA_INLINE Mask mask(int count) { return Mask{count}; }
  static PA_INLINE void prefetch(const float* p) { __builtin_prefetch(p); }

 private:
  static PA_INLINE T broadcast_value(float s) {
    T r;
    for (int l = 0; l < kLanes; ++l) r.v[l] = s;
    return r;
  }
};

}  // namespace

namespace pa {

template <int BR, int BC>
void f32_bsrmm__generic(PA_BSRMM_PARAMS) {
  bsrmm_kernel::bsrmm<Portable, BR, BC>(w, n, x, ldx, y, ldy, bias, act, rb_begin, rb_end);
}

PA_INSTANTIATE_ALL_SHAPES(f32_bsrmm__generic)

}  // namespace pa
