#include <string>

#include "internal.h"

namespace {
thread_local std::string g_last_error;
}

namespace pa {
int fail(int status, const std::string& message) {
  g_last_error = message;
  return status;
}
void clear_error() { g_last_error.clear(); }
}  // namespace pa

extern "C" const char* pa_status_string(int status) {
  switch (status) {
    case PA_OK: return "ok";
    case PA_ERR_INVALID_ARG: return "invalid argument";
    case PA_ERR_BAD_STRUCTURE: return "bad BSR structure";
    case PA_ERR_UNSUPPORTED: return "unsupported";
    case PA_ERR_NO_DEVICE: return "no device";
    case PA_ERR_OUT_OF_MEMORY: return "out of memory";
    case PA_ERR_CAPACITY: return "output capacity too small";
    case PA_ERR_INTERNAL: return "internal error";
    default: return "unknown status";
  }
}

extern "C" const char* pa_last_error(void) { return g_last_error.c_str(); }
