package org.pruneaug.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.pruneaug.core.GemmShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.dl4j.PrunableLayer;
import org.pruneaug.nativ.BsrMatrix;
import org.pruneaug.platforms.PreparedGemm;
import org.pruneaug.platforms.SparsePlatform;
import org.pruneaug.pruning.LayerMask;

/**
 * A DL4J network compiled into a sequence of native operators over off-heap buffers, each prunable
 * layer's GEMM prepared on the platform its {@link Placement} names: the pruned network as it runs
 * in production, for one batch size.
 *
 * <p>Activations are feature-major. Convolution activations use the grid layout
 * ({@link Grid}); a stride-1 "same" convolution on a platform that can address X rows by offset
 * runs as an implicit GEMM straight on the grid (no im2col matrix), every other convolution as
 * im2col + GEMM. Dense layers run on a (features x batch) matrix. Bias and ReLU are fused into the
 * GEMM; batch normalisation is folded into the preceding layer at compile time.
 */
public final class SparseNetwork implements AutoCloseable {
    /** One executable step. */
    interface Step extends AutoCloseable {
        OpInfo info();

        /** The ops this step times: itself, or the steps it schedules. */
        default List<OpInfo> infos() {
            return List.of(info());
        }

        void run(int threads);

        /** Runs, and with times != null records the ns of each of {@link #infos()} from times[offset]. */
        default void run(int threads, long[] times, int offset) {
            long t0 = times == null ? 0 : System.nanoTime();
            run(threads);
            if (times != null) {
                times[offset] = System.nanoTime() - t0;
            }
        }

        @Override
        default void close() {
        }
    }

    private final int batch;
    private final int inputFeatures;
    private final int classes;
    private final FloatPointer input;
    private final FloatPointer output;
    private final List<Step> steps;
    private final List<AutoCloseable> resources;
    private long passes;

    SparseNetwork(int batch, int inputFeatures, int classes, FloatPointer input, FloatPointer output, List<Step> steps,
            List<AutoCloseable> resources) {
        this.batch = batch;
        this.inputFeatures = inputFeatures;
        this.classes = classes;
        this.input = input;
        this.output = output;
        this.steps = steps;
        this.resources = resources;
    }

    /**
     * Compiles {@code net} for batches of {@code batch} images, placing each prunable layer as
     * {@code placement} says.
     */
    public static SparseNetwork compile(MultiLayerNetwork net, Function<PrunableLayer, Placement> placement, int batch) {
        return compile(net, placement, batch, Execution.LAYER_BY_LAYER);
    }

    /** The same with a schedule: layer by layer, or the convolutional part on micro-batches ({@link Execution}). */
    public static SparseNetwork compile(MultiLayerNetwork net, Function<PrunableLayer, Placement> placement, int batch,
            Execution exec) {
        if (batch < 1) {
            throw new InvalidInputException("batch must be >= 1, got " + batch);
        }
        return new NetworkCompiler(net, placement, batch, exec).compile();
    }

    public int batch() {
        return batch;
    }

    public List<OpInfo> ops() {
        return steps.stream().flatMap(s -> s.infos().stream()).toList();
    }

    /**
     * Class probabilities of up to {@code batch} images (rows of 784 floats in [0, 1], as the DL4J
     * model takes them): returns count x classes, row-major. A short batch is zero-padded.
     */
    public float[] predict(float[] images, int count, int threads) {
        if (count < 1 || count > batch) {
            throw new IllegalArgumentException("count must be in [1, " + batch + "], got " + count);
        }
        if (images.length < (long) count * inputFeatures) {
            throw new IllegalArgumentException("images hold " + images.length + " floats, " + count + " images need "
                    + (long) count * inputFeatures);
        }
        input.position(0).put(images, 0, count * inputFeatures);
        if (count < batch) {
            float[] zeros = new float[(batch - count) * inputFeatures];
            input.position((long) count * inputFeatures).put(zeros);
            input.position(0);
        }
        forward(threads, null);
        float[] out = new float[count * classes];
        output.position(0).get(out);
        return out;
    }

    /** Runs the network on whatever the input buffer holds; with times != null, records each step's ns. */
    private void forward(int threads, long[] times) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        passes++;
        int offset = 0;
        for (Step s : steps) {
            s.run(threads, times, offset);
            offset += s.infos().size();
        }
    }

    /**
     * Kinds of operator (kind and platform, e.g. "GEMM@cpu-avx512") this JVM has already run for
     * {@link #JIT_WARMUP_NS}: their Java side (the micro-batch loop, the JNI calls) is compiled.
     */
    private static final Set<String> WARM_OPS = ConcurrentHashMap.newKeySet();
    /**
     * How long a network with an operator kind new to this JVM runs before it is timed. A fresh JVM
     * interprets the Java side of every step at first: `infer` on the demo's pruned VGG measured
     * 1.8-2.4 ms per batch with 5 warm-up passes and 1.5 ms after 300 passes (the search, long warm,
     * measured the same network at 1.28 ms). {@code -Dpruneaug.jitWarmupMs=0} turns it off.
     */
    static final long JIT_WARMUP_NS = Long.getLong("pruneaug.jitWarmupMs", 1500) * 1_000_000L;

    /**
     * Median latency of a forward pass (and of each op) over {@code reps} runs after {@code warmup}
     * passes; the first network of this JVM with an operator kind it has not run yet keeps running
     * until {@link #JIT_WARMUP_NS} have passed as well.
     */
    public Timing time(int warmup, int reps, int threads) {
        if (reps < 1 || warmup < 0) {
            throw new IllegalArgumentException("need reps >= 1 and warmup >= 0");
        }
        float[] images = new float[batch * inputFeatures];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < images.length; i++) {
            images[i] = r.nextFloat();
        }
        input.position(0).put(images);
        List<OpInfo> infos = ops();
        Set<String> kinds = kinds(infos);
        boolean cold = !WARM_OPS.containsAll(kinds);
        long start = System.nanoTime();
        for (int i = 0; i < warmup || (cold && System.nanoTime() - start < JIT_WARMUP_NS); i++) {
            forward(threads, null);
        }
        WARM_OPS.addAll(kinds);
        long[][] perStep = new long[infos.size()][reps];
        double[] totals = new double[reps];
        double[] gaps = new double[reps];
        long[] times = new long[infos.size()];
        for (int rep = 0; rep < reps; rep++) {
            long t0 = System.nanoTime();
            forward(threads, times);
            totals[rep] = (System.nanoTime() - t0) / 1e6;
            long inOps = 0;
            for (int i = 0; i < infos.size(); i++) {
                perStep[i][rep] = times[i];
                inOps += times[i];
            }
            gaps[rep] = totals[rep] - inOps / 1e6;
        }
        List<Timing.OpTime> ops = new ArrayList<>();
        for (int i = 0; i < infos.size(); i++) {
            ops.add(new Timing.OpTime(infos.get(i), median(perStep[i]) / 1e6));
        }
        double[] sorted = totals.clone();
        Arrays.sort(sorted);
        return new Timing(batch, threads, reps, median(totals), sorted[0], sorted[reps - 1], ops, median(gaps));
    }

    /** The kinds of these operators, as {@link #WARM_OPS} keys them. */
    private static Set<String> kinds(List<OpInfo> ops) {
        return ops.stream().map(o -> o.kind() + "@" + (o.platform() == null ? "" : o.platform()))
                .collect(Collectors.toSet());
    }

    /** Whether every operator kind of this network has had its JIT warm-up in this JVM. */
    boolean warm() {
        return WARM_OPS.containsAll(kinds(ops()));
    }

    /** Forgets which operator kinds are warm (tests). */
    static void resetWarmUp() {
        WARM_OPS.clear();
    }

    /** Forward passes this network has run. */
    long passes() {
        return passes;
    }

    /**
     * The best (lowest-median) of {@code rounds} calls of {@link #time}: on a shared machine a round
     * disturbed by another process only ever makes the median larger.
     */
    public Timing timeBestOf(int rounds, int warmup, int reps, int threads) {
        Timing best = null;
        for (int r = 0; r < rounds; r++) {
            Timing t = time(r == 0 ? warmup : 1, reps, threads);
            if (best == null || t.medianMs() < best.medianMs()) {
                best = t;
            }
        }
        return best;
    }

    /**
     * Every round's timing of every network, [round][network]: the networks one after the other in
     * each round (in reverse order every other round, so that none is always the first after a
     * pause), the first round after {@code warmup} passes each, later rounds {@code gapMs} apart.
     */
    public static List<List<Timing>> timeRounds(List<SparseNetwork> nets, int rounds, int warmup, int reps,
            int threads, long gapMs) {
        List<List<Timing>> out = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            if (round > 0 && gapMs > 0) {
                try {
                    Thread.sleep(gapMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Timing[] t = new Timing[nets.size()];
            for (int j = 0; j < nets.size(); j++) {
                int i = round % 2 == 0 ? j : nets.size() - 1 - j;
                t[i] = nets.get(i).time(round == 0 ? warmup : 1, reps, threads);
            }
            out.add(List.of(t));
        }
        return out;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static double median(long[] v) {
        return median(Arrays.stream(v).asDoubleStream().toArray());
    }

    @Override
    public void close() {
        closeAll(steps, resources);
    }

    /** Closes the steps, then the buffers they ran on (a compiled network's, or a micro-batch lane's). */
    static void closeAll(List<Step> steps, List<AutoCloseable> resources) {
        for (Step s : steps) {
            try {
                s.close();
            } catch (Exception ignored) {
                // closing native buffers does not fail
            }
        }
        for (AutoCloseable c : resources) {
            try {
                c.close();
            } catch (Exception ignored) {
                // idem
            }
        }
    }

    // ---- steps ------------------------------------------------------------------------------

    /** A prunable layer's GEMM over a plain (k x n) X, e.g. dense layers and im2col columns. */
    record GemmStep(OpInfo info, PreparedGemm gemm, FloatPointer x, int ldx, FloatPointer y, int ldy, int n)
            implements Step {
        @Override
        public void run(int threads) {
            gemm.run(x, ldx, y, ldy, n, threads);
        }

        @Override
        public void close() {
            gemm.close();
        }
    }

    /** A convolution as an implicit GEMM on the grid: X row r starts at xOrigin + offsets[r]. */
    record ImplicitConvStep(OpInfo info, PreparedGemm gemm, FloatPointer xOrigin, LongPointer offsets,
            FloatPointer yOrigin, int ldy, int n) implements Step {
        @Override
        public void run(int threads) {
            gemm.runRowOffsets(xOrigin, offsets, yOrigin, ldy, n, threads);
        }

        @Override
        public void close() {
            gemm.close();
            offsets.close();
        }
    }

    /** A step that is a lambda over buffers the network owns. */
    record SimpleStep(OpInfo info, java.util.function.IntConsumer body) implements Step {
        @Override
        public void run(int threads) {
            body.accept(threads);
        }
    }

    static OpInfo op(String name, OpInfo.Kind kind, String layer) {
        return new OpInfo(name, kind, layer, null, null, null, Double.NaN);
    }

    static OpInfo gemmOp(String name, String layer, GemmShape shape, SparsePlatform p, PreparedGemm g, double density) {
        return new OpInfo(name, OpInfo.Kind.GEMM, layer, shape, p.id(), g.kernel(), density);
    }

    /** Prepares the layer's GEMM on its placement's platform. */
    static PreparedGemm prepare(Placement place, PrunableLayer layer, float[] weights, float[] bias, boolean relu) {
        LayerMask mask = place.mask();
        BsrMatrix w;
        if (mask == null) {
            w = BsrMatrix.fromDense(weights, layer.rows(), layer.cols(), org.pruneaug.core.BlockShape.UNSTRUCTURED,
                    null);
        } else {
            place.platform().requireSupported(mask.block());
            float[] em = mask.elementMask();
            boolean[] keep = new boolean[em.length];
            for (int i = 0; i < em.length; i++) {
                keep[i] = em[i] != 0f;
            }
            w = BsrMatrix.fromDense(weights, layer.rows(), layer.cols(), mask.block(), keep);
        }
        return place.platform().prepare(w, bias.length == 0 ? null : bias, relu);
    }
}
