/* Status codes shared by every entry point of the PruneAug kernel library. */
#ifndef PRUNEAUG_STATUS_H
#define PRUNEAUG_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pa_status {
  PA_OK = 0,
  PA_ERR_INVALID_ARG = 1,   /* null pointer, negative size, leading dimension too small, ... */
  PA_ERR_BAD_STRUCTURE = 2, /* BSR arrays inconsistent (see pa_bsr_validate's message) */
  PA_ERR_UNSUPPORTED = 3,   /* block shape or kernel not available on this host */
  PA_ERR_NO_DEVICE = 4,     /* CUDA: no GPU / driver */
  PA_ERR_OUT_OF_MEMORY = 5,
  PA_ERR_CAPACITY = 6,      /* an output buffer given by the caller is too small */
  PA_ERR_INTERNAL = 7
} pa_status;

/* Static, human-readable name of a status code. Never NULL. */
const char* pa_status_string(int status);

/* Message of the last error raised on the calling thread ("" if none): says which argument or
 * which part of a structure was wrong. Valid until the next call on this thread. */
const char* pa_last_error(void);

#ifdef __cplusplus
}
#endif
#endif
