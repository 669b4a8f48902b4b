#include "cpu.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "pruneaug/bsrmm.h"

namespace {

struct Features {
  bool avx2 = false, fma = false, avx512f = false, neon = false;
  std::string text;
};

Features detect() {
  Features f;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();  // libgcc also checks (xgetbv) that the OS saves the ymm / zmm state
  f.avx2 = __builtin_cpu_supports("avx2");
  f.fma = __builtin_cpu_supports("fma");
  f.avx512f = __builtin_cpu_supports("avx512f");
#elif defined(__aarch64__)
  f.neon = true;  // Advanced SIMD is mandatory on AArch64
#endif
  if (f.avx2) f.text += "avx2 ";
  if (f.fma) f.text += "fma ";
  if (f.avx512f) f.text += "avx512f ";
  if (f.neon) f.text += "neon ";
  if (!f.text.empty()) f.text.pop_back();
  return f;
}

const Features& features() {
  static const Features f = detect();
  return f;
}

}  // namespace

namespace pa {
bool cpu_supports_isa(const char* isa) {
  if (std::strcmp(isa, "ref") == 0 || std::strcmp(isa, "generic") == 0) return true;
  if (std::strcmp(isa, "avx2") == 0) return features().avx2 && features().fma;
  if (std::strcmp(isa, "avx512") == 0) return features().avx512f && features().avx2 && features().fma;
  if (std::strcmp(isa, "neon") == 0) return features().neon;
  return false;
}
}  // namespace pa

extern "C" const char* pa_cpu_features(void) { return features().text.c_str(); }

extern "C" const char* pa_cpu_best_isa(void) {
  // PA_FORCE_ISA lets a kernel engineer pin dispatch (e.g. to "generic") without recompiling.
  static const char* best = [] {
    const char* forced = std::getenv("PA_FORCE_ISA");
    if (forced != nullptr && pa::cpu_supports_isa(forced)) return forced;
    if (pa::cpu_supports_isa("avx512")) return "avx512";
    if (pa::cpu_supports_isa("avx2")) return "avx2";
    if (pa::cpu_supports_isa("neon")) return "neon";
    return "generic";
  }();
  return best;
}
