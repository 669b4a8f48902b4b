// Run-time CPU feature detection used by the registry's dispatch.
#ifndef PRUNEAUG_CPU_H
#define PRUNEAUG_CPU_H

namespace pa {
// True if this host can run kernels of the named ISA ("ref" and "generic" always can).
bool cpu_supports_isa(const char* isa);
}

#endif
