package org.pruneaug.platforms;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.bytedeco.javacpp.FloatPointer;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.GemmShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.Progress;
import org.pruneaug.nativ.BsrMatrix;
import org.pruneaug.nativ.OffHeap;

/**
 * Measures a platform's latency per (layer GEMM shape, block shape, density) into its latency table.
 * Each cell runs a random block-sparse weight of that density (the same weight, from the same seed,
 * on every platform), warms up, then takes {@code samples} timings of enough back-to-back calls to
 * last {@code minSampleMs}; it keeps the median and the interquartile range. Every library's pool is
 * pinned to the requested thread count and platforms are measured one after another with a pause
 * between them, so that one library's spinning workers never steal the cores of the next.
 *
 * <p>Cells already in the table for this hardware, thread count, library versions and kernel are
 * reused; only missing ones are measured. {@link #plan} checks everything (platform, blocks,
 * densities, existing tables) before anything is measured or written. A profiler runs one plan at a
 * time.
 */
public final class Profiler {
    /**
     * How each cell is timed: {@code samples} timings of back-to-back calls lasting at least
     * {@code minSampleMs} each, taken in {@code rounds} visits to the cell spread over every other
     * cell of the request (each visit warms up for {@code warmupMs} first), so that a disturbance of a
     * few seconds spoils at most one visit of a cell and the median stays clean. A visit during which
     * other tasks waited for a core more than {@code maxStall} of the time is repeated once the
     * machine is quiet (up to 3 times; infinity: never).
     */
    public record Method(int samples, int rounds, double minSampleMs, double warmupMs, double maxStall, long seed) {
        public Method {
            if (rounds < 1 || samples < 3 * rounds || !(minSampleMs > 0) || !(warmupMs >= 0)) {
                throw new InvalidInputException("profiling needs >= 1 round, >= 3 samples per round, a positive sample"
                        + " time and warm-up >= 0");
            }
        }

        /**
         * 15 samples of >= 2 ms in 3 rounds, 10 ms warm-up per round, re-timed above 5% CPU pressure (the
         * JVM's own compiler and GC threads alone reach 1-3% while two kernel threads hold both cores).
         */
        public static Method defaults() {
            return new Method(15, 3, 2.0, 10.0, 0.05, 1);
        }

        int samplesPerRound() {
            return (samples + rounds - 1) / rounds;
        }
    }

    /** What to measure: every shape x block x density at one thread count. */
    public record Request(List<GemmShape> shapes, List<BlockShape> blocks, List<Double> densities, int threads) {
        public Request {
            shapes = List.copyOf(shapes);
            blocks = List.copyOf(blocks);
            densities = densities.stream().sorted().distinct().toList();
            if (shapes.isEmpty() || blocks.isEmpty() || densities.isEmpty()) {
                throw new InvalidInputException("nothing to profile: give at least one shape, block and density");
            }
            for (double d : densities) {
                if (!(d >= 0 && d <= 1)) {
                    throw new InvalidInputException("density " + d + " is outside [0, 1]");
                }
            }
            if (threads < 1) {
                throw new InvalidInputException("threads must be >= 1, got " + threads);
            }
        }
    }

    /** Everything checked and loaded; {@link #run} measures {@code toMeasure} and saves. */
    public record Plan(SparsePlatform platform, Request request, Path tableFile, LatencyTable base,
            List<LatencyTable.Key> wanted, List<LatencyTable.Key> toMeasure, String staleReason) {
    }

    /**
     * The request's cells (reused or measured), the table they are now part of, the time it took, and
     * how many measured cells other processes disturbed beyond the method's maxStall anyway.
     */
    public record Result(SparsePlatform platform, Path tableFile, LatencyTable table, List<LatencyTable.Cell> cells,
            int measured, int reused, double seconds, int disturbed) {
    }

    private static final long JVM_WARMUP_MS = 300;

    /** Pause before measuring a platform: OpenBLAS/OpenMP workers spin for up to ~200 ms after a call. */
    private static final long QUIESCE_MS = 300;

    private static final int ATTEMPTS = 4;
    /** After a disturbed attempt: how long to look for a quiet moment, in steps of QUIET_PROBE_MS. */
    private static final long QUIET_WAIT_MS = 3000;
    private static final long QUIET_PROBE_MS = 100;
    /** Waiting for quiet moments stops after this much per platform run; later cells keep their stall. */
    private static final long WAIT_BUDGET_MS = 60_000;

    private final Method method;
    private long waitLeftNanos;
    private final boolean fresh;
    private final boolean showProgress;
    private final PrintStream log;

    /**
     * @param fresh        re-measure cells even when a table has them
     * @param showProgress draw a progress bar on stderr
     * @param log          where to say that a table is stale or reused (null: silent)
     */
    public Profiler(Method method, boolean fresh, boolean showProgress, PrintStream log) {
        this.method = method;
        this.fresh = fresh;
        this.showProgress = showProgress;
        this.log = log;
    }

    /** Where a platform's table for this machine and thread count lives under a platforms registry. */
    public static Path defaultTableFile(Platforms platforms, SparsePlatform p, int threads) {
        return platforms.tablesDirectory(p.id()).resolve(p.hardware().fingerprint() + "-t" + threads + ".json");
    }

    /** Plans and runs. */
    public Result profile(SparsePlatform p, Request r, Path tableFile) {
        return run(plan(p, r, tableFile));
    }

    /**
     * Checks that the platform is available and supports the request, and loads the existing table
     * (refusing a corrupt or foreign one), without measuring or writing anything.
     */
    public Plan plan(SparsePlatform p, Request r, Path tableFile) {
        Optional<String> why = p.unavailableReason();
        if (why.isPresent()) {
            throw new InvalidInputException("platform " + p.id() + " is not available here: " + why.get());
        }
        PlatformDescriptor.DensityRange range = p.descriptor().density();
        List<LatencyTable.Key> wanted = new ArrayList<>();
        for (GemmShape s : r.shapes()) {
            if (p.isDense()) {
                wanted.add(LatencyTable.Key.of(s, PlatformDescriptor.DENSE, 1.0));
                continue;
            }
            for (BlockShape b : r.blocks()) {
                p.requireSupported(b);
                for (double d : r.densities()) {
                    if (d < range.min() || d > range.max()) {
                        throw new InvalidInputException("platform " + p.id() + " accepts densities in [" + range.min()
                                + ", " + range.max() + "], not " + d);
                    }
                    wanted.add(LatencyTable.Key.of(s, b.toString(), d));
                }
            }
        }
        LatencyTable base = null;
        String stale = null;
        if (Files.exists(tableFile)) {
            LatencyTable existing = LatencyTable.readFor(tableFile, p, r.threads());
            if (!existing.libraries().equals(p.libraryVersions())) {
                stale = "measured with " + existing.libraries() + ", now " + p.libraryVersions();
            } else {
                base = existing;
            }
        }
        if (base == null) {
            base = LatencyTable.empty(p, r.threads(), Map.of());
        }
        List<LatencyTable.Key> toMeasure = new ArrayList<>();
        for (LatencyTable.Key k : wanted) {
            Optional<LatencyTable.Cell> c = base.cell(new GemmShape(k.m(), k.k(), k.n()), k.block(),
                    k.densityMicro() / 1e6);
            if (fresh || c.isEmpty() || !c.get().kernel().equals(kernelOf(p, k.block()))) {
                toMeasure.add(k);
            }
        }
        return new Plan(p, r, tableFile, base, List.copyOf(wanted), List.copyOf(toMeasure), stale);
    }

    /** Measures what the plan lacks and saves the table. */
    public Result run(Plan plan) {
        long start = System.nanoTime();
        waitLeftNanos = WAIT_BUDGET_MS * 1_000_000L;
        SparsePlatform p = plan.platform();
        int threads = plan.request().threads();
        LatencyTable table = plan.base();
        if (plan.staleReason() != null && log != null) {
            log.println("pruneaug: latency table " + plan.tableFile() + " is stale (" + plan.staleReason()
                    + "): measuring again");
        }
        if (!plan.toMeasure().isEmpty()) {
            Map<String, Integer> pins = new TreeMap<>(Blas.pinLoaded(threads));
            pins.putAll(p.pinThreads(threads));
            table = new LatencyTable(table.format(), table.platform(), table.fingerprint(), table.hardware(),
                    table.threads(), table.libraries(), pins, table.environment(), table.provenance(), table.cells());
            warmJvm(p, threads);
            quiesce();
            try (Progress progress = showProgress
                    ? new Progress("profile " + p.id(), (long) plan.toMeasure().size() * method.rounds()) : null) {
                table = table.withCells(measureAll(p, plan.toMeasure(), threads, progress));
                table.write(plan.tableFile());
            }
        }
        Map<LatencyTable.Key, LatencyTable.Cell> byKey = new LinkedHashMap<>();
        for (LatencyTable.Cell c : table.cells()) {
            byKey.put(c.key(), c);
        }
        List<LatencyTable.Cell> cells = plan.wanted().stream().map(byKey::get).toList();
        int measured = plan.toMeasure().size();
        Set<LatencyTable.Key> measuredNow = new HashSet<>(plan.toMeasure());
        int disturbed = (int) cells.stream().filter(c -> measuredNow.contains(c.key()) && c.cpuStall() > method.maxStall())
                .count();
        return new Result(p, plan.tableFile(), table, cells, measured, cells.size() - measured,
                (System.nanoTime() - start) / 1e9, disturbed);
    }

    /**
     * Runs a tiny GEMM of the platform for a moment, so that the JIT has compiled the call path (and
     * its compiler threads are idle again) before the first cell is timed.
     */
    private static void warmJvm(SparsePlatform p, int threads) {
        BlockShape b = p.isDense() || p.supportedBlocks().isEmpty() ? BlockShape.UNSTRUCTURED : p.supportedBlocks().get(0);
        try (PreparedGemm g = p.prepare(BsrMatrix.random(8, 8, b, 1.0, new Random(0)), null, false);
                FloatPointer x = OffHeap.alignedFloats(64);
                FloatPointer y = OffHeap.alignedFloats(64)) {
            long end = System.nanoTime() + JVM_WARMUP_MS * 1_000_000L;
            while (System.nanoTime() < end) {
                g.run(x, 8, y, 8, 8, threads);
            }
        }
    }

    private static void quiesce() {
        pause(QUIESCE_MS);
    }

    /** Waits (at most QUIET_WAIT_MS) until a probe interval passes with CPU pressure below maxStall. */
    private static void waitForQuiet(double maxStall) {
        long deadline = System.nanoTime() + QUIET_WAIT_MS * 1_000_000L;
        do {
            long before = CpuPressure.stallMicros();
            pause(QUIET_PROBE_MS);
            long after = CpuPressure.stallMicros();
            if (before < 0 || after < 0 || (after - before) < maxStall * QUIET_PROBE_MS * 1000) {
                return;
            }
        } while (System.nanoTime() < deadline);
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Seed of a cell: independent of the platform, so every platform times the same weight. */
    private long seedOf(LatencyTable.Key k) {
        long h = method.seed();
        for (long v : new long[] {k.m(), k.k(), k.n(), k.block().hashCode(), k.densityMicro()}) {
            h = (h ^ v) * 0x9E3779B97F4A7C15L;
        }
        return h ^ (h >>> 29);
    }

    /** Samples of one cell gathered over the rounds, one list per visit. */
    private static final class Samples {
        final List<double[]> rounds = new ArrayList<>();
        int runsPerSample;
        double worstStall;
        String kernel;
        double achievedDensity;
    }

    private static String kernelOf(SparsePlatform p, String block) {
        return p.kernelName(p.isDense() ? BlockShape.UNSTRUCTURED : BlockShape.parse(block));
    }

    /**
     * Measures the cells in {@code rounds} rounds, each visiting every cell of every shape once in its
     * own random order, so that the visits of one cell are spread over the whole run. A cell's median is
     * that of its fastest visit: another process, or the host running this VM's cores as hyperthread
     * siblings for a while, can only slow a visit down, so the quickest one is the least disturbed, and
     * a slow period of the machine hits every shape alike instead of shifting one shape's cells
     * together. p25/p75 span all visits' samples, so the spread still shows the disturbance.
     */
    private List<LatencyTable.Cell> measureAll(SparsePlatform p, List<LatencyTable.Key> keys, int threads,
            Progress progress) {
        Map<LatencyTable.Key, Samples> acc = new LinkedHashMap<>();
        for (LatencyTable.Key k : keys) {
            acc.put(k, new Samples());
        }
        for (int round = 0; round < method.rounds(); round++) {
            List<LatencyTable.Key> order = new ArrayList<>(keys);
            java.util.Collections.shuffle(order, new Random(method.seed() * 31 + round));
            for (LatencyTable.Key k : order) {
                visit(p, k, threads, acc.get(k));
                if (progress != null) {
                    progress.step(String.format(Locale.ROOT, "%dx%dx%d %s d=%.2f", k.m(), k.k(), k.n(), k.block(),
                            k.densityMicro() / 1e6));
                }
            }
        }
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<LatencyTable.Cell> cells = new ArrayList<>();
        acc.forEach((k, smp) -> {
            double median = smp.rounds.stream().mapToDouble(r -> quantile(sorted(r), 0.5)).min().orElseThrow();
            double[] all = sorted(smp.rounds.stream().flatMapToDouble(Arrays::stream).toArray());
            cells.add(new LatencyTable.Cell(k.m(), k.k(), k.n(), k.block(), k.densityMicro() / 1e6, smp.achievedDensity,
                    smp.kernel, median, Math.min(median, quantile(all, 0.25)), Math.max(median, quantile(all, 0.75)),
                    all[0], all.length, smp.runsPerSample, seedOf(k), now, smp.worstStall));
        });
        return cells;
    }

    private static double[] sorted(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s;
    }

    /**
     * One visit of a cell: prepares its weight (the same every visit: the seed depends on the cell
     * only), warms up and takes a round's samples. When other processes took a core meanwhile (CPU
     * pressure above the method's maxStall), it waits for a quiet moment and tries again, keeping the
     * least disturbed attempt.
     */
    private void visit(SparsePlatform p, LatencyTable.Key key, int threads, Samples into) {
        Random random = new Random(seedOf(key));
        BlockShape block = p.isDense() ? BlockShape.UNSTRUCTURED : BlockShape.parse(key.block());
        BsrMatrix w = BsrMatrix.random(key.m(), key.k(), block, key.densityMicro() / 1e6, random);
        float[] x = new float[key.k() * key.n()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() * 2f - 1f;
        }
        int n = key.n();
        try (PreparedGemm gemm = p.prepare(w, null, false);
                FloatPointer xp = OffHeap.alignedCopy(x);
                FloatPointer yp = OffHeap.alignedFloats((long) key.m() * n)) {
            Runnable call = () -> gemm.run(xp, n, yp, n, n, threads);
            double[] best = null;
            double bestStall = Double.MAX_VALUE;
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                if (attempt > 0) {
                    if (waitLeftNanos <= 0) {
                        break;
                    }
                    long w0 = System.nanoTime();
                    waitForQuiet(method.maxStall());
                    waitLeftNanos -= System.nanoTime() - w0;
                }
                long stall0 = CpuPressure.stallMicros();
                long t0 = System.nanoTime();
                double[] samples = time(call);
                long stall1 = CpuPressure.stallMicros();
                double stall = stall0 < 0 || stall1 < 0 ? 0 : (stall1 - stall0) / ((System.nanoTime() - t0) / 1e3);
                if (stall < bestStall) {
                    best = samples;
                    bestStall = stall;
                }
                if (stall <= method.maxStall()) {
                    break;
                }
            }
            into.rounds.add(Arrays.copyOf(best, best.length - 1));
            into.runsPerSample = Math.max(into.runsPerSample, (int) best[best.length - 1]);
            into.worstStall = Math.max(into.worstStall, bestStall);
            into.kernel = gemm.kernel();
            into.achievedDensity = w.blockDensity();
        }
    }

    /** A round's samples (ms per call), followed by the calls per sample. */
    private double[] time(Runnable call) {
        long warmupNs = (long) (method.warmupMs() * 1e6);
        long start = System.nanoTime();
        int calls = 0;
        do {
            call.run();
            calls++;
        } while (calls < 2 || System.nanoTime() - start < warmupNs);
        long t0 = System.nanoTime();
        call.run();
        double one = Math.max((System.nanoTime() - t0) / 1e6, 1e-5);
        int inner = (int) Math.min(1_000_000, Math.max(1, Math.ceil(method.minSampleMs() / one)));
        double[] out = new double[method.samplesPerRound() + 1];
        for (int s = 0; s < out.length - 1; s++) {
            long a = System.nanoTime();
            for (int i = 0; i < inner; i++) {
                call.run();
            }
            out[s] = (System.nanoTime() - a) / 1e6 / inner;
        }
        out[out.length - 1] = inner;
        return out;
    }

    /** Linear-interpolated quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
