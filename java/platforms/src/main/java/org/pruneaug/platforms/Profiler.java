package org.pruneaug.platforms;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.bytedeco.javacpp.FloatPointer;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.GemmShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.Progress;
import org.pruneaug.nativ.BsrMatrix;

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
 * densities, existing tables) before anything is measured or written.
 */
public final class Profiler {
    /** How each cell is timed. */
    public record Method(int samples, double minSampleMs, double warmupMs, long seed) {
        public Method {
            if (samples < 3 || !(minSampleMs > 0) || !(warmupMs >= 0)) {
                throw new InvalidInputException("profiling needs >= 3 samples, a positive sample time and warm-up >= 0");
            }
        }

        /** 15 samples of >= 2 ms after 20 ms of warm-up: LeNet-class tables in well under 2 minutes. */
        public static Method defaults() {
            return new Method(15, 2.0, 20.0, 1);
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

    /** The request's cells (reused or measured) and the table they are now part of. */
    public record Result(SparsePlatform platform, Path tableFile, LatencyTable table, List<LatencyTable.Cell> cells,
            int measured, int reused) {
    }

    /** Pause before measuring a platform: OpenBLAS/OpenMP workers spin for up to ~200 ms after a call. */
    private static final long QUIESCE_MS = 300;

    private final Method method;
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

    /** Measures what the plan lacks, saving the table after each shape so an interrupted run keeps its work. */
    public Result run(Plan plan) {
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
            quiesce();
            try (Progress progress = showProgress ? new Progress("profile " + p.id(), plan.toMeasure().size()) : null) {
                List<LatencyTable.Cell> pending = new ArrayList<>();
                for (int i = 0; i < plan.toMeasure().size(); i++) {
                    LatencyTable.Key k = plan.toMeasure().get(i);
                    pending.add(measure(p, k, threads));
                    if (progress != null) {
                        progress.step(String.format(Locale.ROOT, "%dx%dx%d %s d=%.2f", k.m(), k.k(), k.n(), k.block(),
                                k.densityMicro() / 1e6));
                    }
                    boolean shapeDone = i + 1 == plan.toMeasure().size() || !sameShape(k, plan.toMeasure().get(i + 1));
                    if (shapeDone) {
                        table = table.withCells(pending);
                        table.write(plan.tableFile());
                        pending.clear();
                    }
                }
            }
        }
        Map<LatencyTable.Key, LatencyTable.Cell> byKey = new LinkedHashMap<>();
        for (LatencyTable.Cell c : table.cells()) {
            byKey.put(c.key(), c);
        }
        List<LatencyTable.Cell> cells = plan.wanted().stream().map(byKey::get).toList();
        int measured = plan.toMeasure().size();
        return new Result(p, plan.tableFile(), table, cells, measured, cells.size() - measured);
    }

    private static boolean sameShape(LatencyTable.Key a, LatencyTable.Key b) {
        return a.m() == b.m() && a.k() == b.k() && a.n() == b.n();
    }

    private static String kernelOf(SparsePlatform p, String block) {
        return p.kernelName(p.isDense() ? BlockShape.UNSTRUCTURED : BlockShape.parse(block));
    }

    private static void quiesce() {
        try {
            Thread.sleep(QUIESCE_MS);
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

    private LatencyTable.Cell measure(SparsePlatform p, LatencyTable.Key key, int threads) {
        long seed = seedOf(key);
        Random random = new Random(seed);
        double density = key.densityMicro() / 1e6;
        BlockShape block = p.isDense() ? BlockShape.UNSTRUCTURED : BlockShape.parse(key.block());
        BsrMatrix w = BsrMatrix.random(key.m(), key.k(), block, density, random);
        float[] x = new float[key.k() * key.n()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() * 2f - 1f;
        }
        int n = key.n();
        try (PreparedGemm gemm = p.prepare(w, null, false);
                FloatPointer xp = new FloatPointer(x);
                FloatPointer yp = new FloatPointer((long) key.m() * n)) {
            double[] t = time(() -> gemm.run(xp, n, yp, n, n, threads));
            return new LatencyTable.Cell(key.m(), key.k(), key.n(), key.block(), density, w.blockDensity(), gemm.kernel(),
                    t[0], t[1], t[2], t[3], method.samples(), (int) t[4], seed,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        }
    }

    /** {median, p25, p75, min} ms per call, and the calls per sample. */
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
        double[] samples = new double[method.samples()];
        for (int s = 0; s < samples.length; s++) {
            long a = System.nanoTime();
            for (int i = 0; i < inner; i++) {
                call.run();
            }
            samples[s] = (System.nanoTime() - a) / 1e6 / inner;
        }
        Arrays.sort(samples);
        return new double[] {quantile(samples, 0.5), quantile(samples, 0.25), quantile(samples, 0.75), samples[0], inner};
    }

    /** Linear-interpolated quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
