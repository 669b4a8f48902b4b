/* Buffers whose cache behaviour does not depend on where the allocator put them.
 *
 * A kernel's speed on a buffer larger than L2 depends on how its physical pages map to cache sets;
 * with 4 KiB pages that changes from one allocation to the next, so two runs of the same benchmark
 * (or two networks) differ by 10-20% for no reason of their own. Large buffers are therefore
 * allocated 2 MiB-aligned and advised to use transparent huge pages (where the kernel allows it),
 * which makes their cache mapping the same in every process. Small buffers are 64-byte aligned. */
#ifndef PRUNEAUG_MEMORY_H
#define PRUNEAUG_MEMORY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Buffers of at least this many bytes get 2 MiB alignment and MADV_HUGEPAGE. */
#define PA_HUGE_THRESHOLD ((size_t)1 << 20)

/* bytes zeroed bytes (64-byte aligned; 2 MiB-aligned and huge-page advised from PA_HUGE_THRESHOLD),
 * or NULL when bytes is 0 or memory is exhausted. Free with pa_free. */
void* pa_alloc(size_t bytes);

/* Frees a pa_alloc buffer; NULL is ignored. */
void pa_free(void* p);

#ifdef __cplusplus
}
#endif
#endif
