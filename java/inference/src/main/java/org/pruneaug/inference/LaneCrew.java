package org.pruneaug.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The threads that run micro-batch lanes 1.. of a pass (lane 0 runs on the caller), shared by every
 * network of the JVM, one pass at a time. Between passes a thread spins, then yields, then parks, as
 * the kernel library's pool does: a parked thread took 50-900 us (average over 200 passes, 2-vCPU VM)
 * to start its lane, which the pass then waited for, since every lane takes its own chunk.
 */
final class LaneCrew {
    /** Spinning answers within a microsecond: covers back-to-back passes. */
    static final long SPIN_NS = 200_000;
    /** Then yielding, still quick to answer, leaves the core to other runnable threads. */
    static final long YIELD_NS = 2_000_000;

    private static final LaneCrew SHARED = new LaneCrew();

    static LaneCrew shared() {
        return SHARED;
    }

    private static final class Worker {
        final Thread thread;
        volatile long generation;
        volatile Runnable task;
        volatile Throwable failure;

        Worker(Thread thread) {
            this.thread = thread;
        }
    }

    private final List<Worker> workers = new ArrayList<>();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread caller;

    /**
     * Runs {@code others.get(i)} on worker i and {@code own} on the calling thread, and returns when all
     * have finished; rethrows the first failure (the caller's first).
     */
    synchronized void run(Runnable own, List<Runnable> others) {
        while (workers.size() < others.size()) {
            start();
        }
        caller = Thread.currentThread();
        pending.set(others.size());
        for (int i = 0; i < others.size(); i++) {
            Worker w = workers.get(i);
            w.failure = null;
            w.task = others.get(i);
            w.generation = w.generation + 1; // volatile write after the task: publishes it
            LockSupport.unpark(w.thread);
        }
        Throwable failure = null;
        try {
            own.run();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        waitFor(() -> pending.get() == 0); // the last worker to finish unparks the caller
        for (int i = 0; i < others.size() && failure == null; i++) {
            failure = workers.get(i).failure;
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        } else if (failure instanceof Error e) {
            throw e;
        }
    }

    /**
     * Spins, then yields, then parks until {@code done}; whoever makes it true unparks the waiting
     * thread afterwards (a permit left from an earlier unpark only costs one more check).
     */
    private void waitFor(BooleanSupplier done) {
        long start = System.nanoTime();
        while (!done.getAsBoolean()) {
            long waited = System.nanoTime() - start;
            if (waited < SPIN_NS) {
                Thread.onSpinWait();
            } else if (waited < SPIN_NS + YIELD_NS) {
                Thread.yield();
            } else {
                LockSupport.park(this);
            }
        }
    }

    private void start() {
        Worker[] self = new Worker[1];
        Thread t = new Thread(() -> loop(self[0]), "pruneaug-lane-" + (workers.size() + 1));
        t.setDaemon(true);
        self[0] = new Worker(t);
        workers.add(self[0]);
        t.start();
    }

    private void loop(Worker w) {
        long seen = 0;
        for (;;) {
            long last = seen;
            waitFor(() -> w.generation != last); // run() unparks the worker after publishing its task
            seen = w.generation;
            try {
                w.task.run();
            } catch (Throwable e) {
                w.failure = e;
            }
            w.task = null;
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }
}
