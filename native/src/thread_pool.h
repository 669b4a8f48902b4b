// A persistent pool of worker threads owned by the library (never OpenMP: the JVM also hosts the
// OpenMP pools of nd4j and MKL, and we want exactly the thread count the caller asked for).
#ifndef PRUNEAUG_THREAD_POOL_H
#define PRUNEAUG_THREAD_POOL_H

#include <functional>

namespace pa {
// Runs task(t) for t in [0, threads) on `threads` threads (the caller is thread 0) and returns when
// all are done. Calls from different caller threads are serialised.
void parallel_for_threads(int threads, const std::function<void(int)>& task);
}

#endif
