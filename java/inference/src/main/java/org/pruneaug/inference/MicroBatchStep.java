package org.pruneaug.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.FloatPointer;
import org.pruneaug.core.GemmShape;

/**
 * The convolutional part of a micro-batched network ({@link Execution}): {@code count} micro-batches
 * of {@code microBatch} images, taken in turn by up to {@code lanes.size()} threads, each running
 * its lane's compiled steps with single-threaded kernels. Lane 0 runs on the calling thread.
 *
 * <p>Its ops are the lane's ops with the time of one whole batch: each op's time summed over the
 * micro-batches and divided by the threads that ran them (their sum is the stage's wall time when
 * the threads are balanced), and GEMM shapes with n for the whole batch, as the latency tables have
 * them.
 */
final class MicroBatchStep implements SparseNetwork.Step {
    /** One lane: steps for one micro-batch over its own buffers; input and flat are views moved per micro-batch. */
    record Lane(List<SparseNetwork.Step> steps, List<AutoCloseable> resources, FloatPointer input, FloatPointer flat,
                int features) implements AutoCloseable {
        @Override
        public void close() {
            SparseNetwork.closeAll(steps, resources);
        }
    }

    private final List<Lane> lanes;
    private final int count;
    private final int microBatch;
    private final int inputFeatures;
    private final List<OpInfo> infos;
    private ExecutorService pool;

    MicroBatchStep(List<Lane> lanes, int count, int microBatch, int inputFeatures) {
        this.lanes = List.copyOf(lanes);
        this.count = count;
        this.microBatch = microBatch;
        this.inputFeatures = inputFeatures;
        List<OpInfo> ops = new ArrayList<>();
        for (SparseNetwork.Step s : lanes.get(0).steps()) {
            OpInfo o = s.info();
            GemmShape g = o.gemm() == null ? null : new GemmShape(o.gemm().m(), o.gemm().k(), o.gemm().n() * count);
            ops.add(new OpInfo(o.name(), o.kind(), o.layer(), g, o.platform(), o.kernel(), o.density()));
        }
        this.infos = List.copyOf(ops);
    }

    @Override
    public OpInfo info() {
        return infos.get(0);
    }

    @Override
    public List<OpInfo> infos() {
        return infos;
    }

    @Override
    public void run(int threads) {
        run(threads, null, 0);
    }

    @Override
    public void run(int threads, long[] times, int offset) {
        int workers = Math.max(1, Math.min(threads, Math.min(lanes.size(), count)));
        AtomicInteger next = new AtomicInteger();
        long[][] laneTimes = new long[workers][infos.size()];
        List<Future<?>> others = new ArrayList<>();
        if (workers > 1) {
            ExecutorService p = pool();
            for (int w = 1; w < workers; w++) {
                int lane = w;
                others.add(p.submit(() -> work(lanes.get(lane), next, laneTimes[lane])));
            }
        }
        Throwable failure = null;
        try {
            work(lanes.get(0), next, laneTimes[0]);
        } catch (RuntimeException | Error e) {
            failure = e;
            next.set(count); // the other lanes stop after their current micro-batch
        }
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        } else if (failure instanceof Error e) {
            throw e;
        } else if (failure != null) {
            throw new IllegalStateException("micro-batch lane failed", failure);
        }
        if (times != null) {
            for (int j = 0; j < infos.size(); j++) {
                long sum = 0;
                for (long[] t : laneTimes) {
                    sum += t[j];
                }
                times[offset + j] = sum / workers;
            }
        }
    }

    private void work(Lane lane, AtomicInteger next, long[] times) {
        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
            lane.input().position((long) i * microBatch * inputFeatures);
            lane.flat().position((long) i * microBatch);
            List<SparseNetwork.Step> steps = lane.steps();
            for (int j = 0; j < steps.size(); j++) {
                long t0 = System.nanoTime();
                steps.get(j).run(1);
                times[j] += System.nanoTime() - t0;
            }
        }
    }

    private synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(lanes.size() - 1, r -> {
                Thread t = new Thread(r, "pruneaug-lane");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
        lanes.forEach(Lane::close);
    }
}
