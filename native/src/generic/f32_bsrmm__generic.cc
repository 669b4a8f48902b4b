// Portable kernels: the shared tiled kernel (bsrmm_kernel.h) over a generic 4-float vector type
// (GCC/Clang vector extension) that the compiler maps onto whatever SIMD the target has (SSE2 on
// baseline x86-64, NEON on AArch64), so this file builds and runs everywhere without intrinsics.
//
// This file is also the starting point of a port (see "Porting a kernel to new hardware" in the
// README): copy it to src/<isa>/f32_bsrmm__<isa>.cc, rename Portable and replace the body of each
// member by the ISA's intrinsics (NEON: float32x4_t, vld1q_f32, vst1q_f32, vdupq_n_f32,
// vfmaq_f32, vmaxq_f32; SVE/RVV: predicated loads for the masked tail), set the lane count and
// register budget, rename the entry point, then add its 36 registry rows, the CPU check in
// cpu.cc and the file's compile flags in native/CMakeLists.txt. Nothing else needs to change.
#include <cstring>

#include "../bsrmm_kernel.h"

namespace {

struct Portable {
  // A GCC/Clang vector of 4 floats: 128 bits, the SIMD width every target of interest has (SSE2
  // on baseline x86-64, NEON on AArch64), so each operation is one instruction there; wider
  // generic vectors have no register on such targets and would live in memory.
  static constexpr int kLanes = 4;
  typedef float T __attribute__((vector_size(kLanes * sizeof(float))));
  struct Mask {
    int count;  // lanes [0, count) are live
  };
  // 16 registers on SSE2 (32 on NEON): 8 accumulators leave room for X and a broadcast weight.
  static constexpr int kMaxRowGroup = 4;
  static constexpr int accumulators(int, int) { return 8; }
  static constexpr int column_unroll(int, int) { return 2; }
  static constexpr int kPrefetchBelowFmas = 16;

  static PA_INLINE T zero() { return T{}; }
  static PA_INLINE T load(const float* p) {
    T r;
    std::memcpy(&r, p, sizeof r);  // unaligned load
    return r;
  }
  // Tail of a row: lanes past `count` are neither read nor written.
  static PA_INLINE T load(const float* p, Mask m) {
    T r{};
    for (int l = 0; l < m.count; ++l) r[l] = p[l];
    return r;
  }
  static PA_INLINE void store(float* p, T v) { std::memcpy(p, &v, sizeof v); }
  static PA_INLINE void store(float* p, T v, Mask m) {
    for (int l = 0; l < m.count; ++l) p[l] = v[l];
  }
  static PA_INLINE T broadcast(const float* p) { return T{} + *p; }
  static PA_INLINE T fma(T a, T b, T c) { return a * b + c; }
  static PA_INLINE T max(T a, T b) { return a > b ? a : b; }
  static PA_INLINE Mask mask(int count) { return Mask{count}; }
  static PA_INLINE void prefetch(const float* p) { __builtin_prefetch(p); }
};

}  // namespace

namespace pa {

template <int BR, int BC>
void f32_bsrmm__generic(PA_BSRMM_PARAMS) {
  bsrmm_kernel::bsrmm<Portable, BR, BC>(w, n, x, ldx, xoff, y, ldy, bias, act, rb_begin, rb_end);
}

PA_INSTANTIATE_ALL_SHAPES(f32_bsrmm__generic)

}  // namespace pa
