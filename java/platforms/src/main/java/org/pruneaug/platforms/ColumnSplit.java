package org.pruneaug.platforms;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a column range [0, n) in {@code parts} contiguous chunks, one per thread: the calling thread
 * takes the first chunk, a shared pool of daemon threads the others. For libraries whose own thread
 * count is better left alone (see {@link DenseBlasPlatform}).
 */
final class ColumnSplit {
    /** Work on columns [from, to). */
    interface Chunk {
        void run(int from, int to);
    }

    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pruneaug-columns");
        t.setDaemon(true);
        return t;
    });

    private ColumnSplit() {
    }

    static void run(int parts, int n, Chunk chunk) {
        if (parts <= 1 || n <= 1) {
            chunk.run(0, n);
            return;
        }
        int p = Math.min(parts, n);
        List<Future<?>> others = new ArrayList<>();
        for (int i = 1; i < p; i++) {
            int from = (int) ((long) n * i / p);
            int to = (int) ((long) n * (i + 1) / p);
            others.add(POOL.submit(() -> chunk.run(from, to)));
        }
        RuntimeException failure = null;
        try {
            chunk.run(0, (int) ((long) n / p));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a GEMM chunk", e);
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
