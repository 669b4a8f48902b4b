package org.pruneaug.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.FloatPointer;
import org.pruneaug.core.GemmShape;

/**
 * A micro-batched network ({@link Execution}) run as chunks of images, taken in turn by up to
 * {@code lanes.size()} threads, each running its lane's compiled steps with single-threaded kernels:
 * the convolutional part on the chunk's {@code microBatch}-image micro-batches one after the other,
 * then the dense part and the softmax on the whole chunk. Lane 0 runs on the calling thread, the
 * others on the {@link LaneCrew}.
 *
 * <p>Why the dense part runs in the lanes too: on the whole batch after the lanes, it ran on the
 * kernel library's own thread pool, whose worker had often gone to sleep during the lanes' part
 * (VGG's fc1: 0.06 ms or 0.18 ms per batch, depending on the wake-up), it read a features x batch
 * matrix half of which sat in the other core's cache, and the lanes' flattens wrote interleaved
 * columns of that matrix (cache lines going back and forth between the cores). A chunk's flatten and
 * dense layers now stay on one core.
 *
 * <p>Its ops are the lane's ops with the time of one whole batch: each op's time summed over the
 * micro-batches (or chunks) and divided by the threads that ran them (their sum is the network's wall
 * time when the threads are balanced), and GEMM shapes with n for the whole batch, as the latency
 * tables have them.
 */
final class MicroBatchStep implements SparseNetwork.Step {
    /**
     * One lane: steps for one micro-batch and, after a chunk's micro-batches, the tail steps on the
     * chunk, over the lane's own buffers; input, flat and output are views moved per micro-batch or chunk.
     */
    record Lane(List<SparseNetwork.Step> steps, List<SparseNetwork.Step> tail, List<AutoCloseable> resources,
                FloatPointer input, FloatPointer flat, FloatPointer output, int classes) implements AutoCloseable {
        @Override
        public void close() {
            SparseNetwork.closeAll(tail, List.of());
            SparseNetwork.closeAll(steps, resources);
        }
    }

    private final List<Lane> lanes;
    private final int count;
    private final int microBatch;
    private final int perChunk;
    private final int inputFeatures;
    private final List<OpInfo> infos;

    /** {@code count} micro-batches of {@code microBatch} images, {@code perChunk} of them per chunk. */
    MicroBatchStep(List<Lane> lanes, int count, int microBatch, int perChunk, int inputFeatures) {
        if (perChunk < 1 || count % perChunk != 0) {
            throw new IllegalArgumentException(count + " micro-batches do not make chunks of " + perChunk);
        }
        this.lanes = List.copyOf(lanes);
        this.count = count;
        this.microBatch = microBatch;
        this.perChunk = perChunk;
        this.inputFeatures = inputFeatures;
        List<OpInfo> ops = new ArrayList<>();
        for (SparseNetwork.Step s : lanes.get(0).steps()) {
            ops.add(wholeBatch(s.info(), count));
        }
        for (SparseNetwork.Step s : lanes.get(0).tail()) {
            ops.add(wholeBatch(s.info(), count / perChunk));
        }
        this.infos = List.copyOf(ops);
    }

    private static OpInfo wholeBatch(OpInfo o, int times) {
        GemmShape g = o.gemm() == null ? null : new GemmShape(o.gemm().m(), o.gemm().k(), o.gemm().n() * times);
        return new OpInfo(o.name(), o.kind(), o.layer(), g, o.platform(), o.kernel(), o.density());
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
        int chunks = count / perChunk;
        int workers = Math.max(1, Math.min(threads, Math.min(lanes.size(), chunks)));
        AtomicInteger next = new AtomicInteger();
        long[][] laneTimes = new long[workers][infos.size()];
        List<Runnable> others = new ArrayList<>();
        for (int w = 1; w < workers; w++) {
            int lane = w;
            others.add(() -> work(lanes.get(lane), next, laneTimes[lane]));
        }
        Runnable own = () -> {
            try {
                work(lanes.get(0), next, laneTimes[0]);
            } catch (RuntimeException | Error e) {
                next.set(chunks); // the other lanes stop after their current chunk
                throw e;
            }
        };
        if (others.isEmpty()) {
            own.run();
        } else {
            LaneCrew.shared().run(own, others);
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
        List<SparseNetwork.Step> steps = lane.steps();
        List<SparseNetwork.Step> tail = lane.tail();
        int chunks = count / perChunk;
        for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
            for (int m = 0; m < perChunk; m++) {
                int i = c * perChunk + m;
                lane.input().position((long) i * microBatch * inputFeatures);
                lane.flat().position((long) m * microBatch);
                for (int j = 0; j < steps.size(); j++) {
                    long t0 = System.nanoTime();
                    steps.get(j).run(1);
                    times[j] += System.nanoTime() - t0;
                }
            }
            lane.output().position((long) c * perChunk * microBatch * lane.classes());
            for (int j = 0; j < tail.size(); j++) {
                long t0 = System.nanoTime();
                tail.get(j).run(1);
                times[steps.size() + j] += System.nanoTime() - t0;
            }
        }
    }

    @Override
    public void close() {
        lanes.forEach(Lane::close);
    }
}
