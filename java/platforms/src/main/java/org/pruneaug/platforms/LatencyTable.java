package org.pruneaug.platforms;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.GemmShape;
import org.pruneaug.core.Hardware;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.Json;
import org.pruneaug.core.Provenance;

/**
 * Measured latencies of one platform on one machine at one thread count, with their provenance:
 * the file {@code platforms/<id>/tables/<fingerprint>-t<threads>.json}. Cells are added as new
 * shapes are profiled; a table is only reused on the hardware it was measured on.
 *
 * @param libraries      library versions the cells were measured with; a change makes the table stale
 * @param threadSettings every pool pinned while measuring, e.g. {"openblas": 2, "libpruneaug": 2}
 * @param environment    thread-related environment variables of the measuring process
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LatencyTable(
        String format,
        String platform,
        String fingerprint,
        Hardware hardware,
        int threads,
        Map<String, String> libraries,
        Map<String, Integer> threadSettings,
        Map<String, String> environment,
        Provenance provenance,
        List<Cell> cells) {

    public static final String FORMAT = "pruneaug-latency-table/1";

    /** Thread-related variables recorded with every table. */
    static final List<String> THREAD_ENV = List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
            "KMP_BLOCKTIME", "OMP_WAIT_POLICY", "PA_FORCE_ISA");

    /**
     * One measured (shape, block, density) point. {@code block} is "RxC", or "dense" for a dense
     * baseline (density then 1). Times are per call, in milliseconds, over {@code samples} samples of
     * {@code runsPerSample} calls each. {@code cpuStall} is the share of the measurement's wall time in
     * which some other task waited for a core (Linux PSI): above a few percent, other processes
     * disturbed it (the profiler retries such cells and keeps the least disturbed attempt).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Cell(int m, int k, int n, String block, double density, double achievedDensity, String kernel,
            double medianMs, double p25Ms, double p75Ms, double minMs, int samples, int runsPerSample, long seed,
            String measured, double cpuStall) {

        public GemmShape shape() {
            return new GemmShape(m, k, n);
        }

        @JsonIgnore
        public boolean isDense() {
            return PlatformDescriptor.DENSE.equals(block);
        }

        /** Interquartile range relative to the median: the spread figure. */
        public double relativeSpread() {
            return (p75Ms - p25Ms) / medianMs;
        }

        public Key key() {
            return new Key(m, k, n, block, density);
        }
    }

    /** Identity of a cell; densities are rounded so that 0.1 and 0.1000000001 are one point. */
    public record Key(int m, int k, int n, String block, long densityMicro) {
        public Key(int m, int k, int n, String block, double density) {
            this(m, k, n, block, Math.round(density * 1e6));
        }

        public static Key of(GemmShape s, String block, double density) {
            return new Key(s.m(), s.k(), s.n(), block, density);
        }
    }

    public LatencyTable {
        libraries = libraries == null ? Map.of() : Map.copyOf(libraries);
        threadSettings = threadSettings == null ? Map.of() : Map.copyOf(threadSettings);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        cells = cells == null ? List.of() : List.copyOf(cells);
    }

    /** An empty table for a platform as it is now on this machine. */
    static LatencyTable empty(SparsePlatform p, int threads, Map<String, Integer> threadSettings) {
        Hardware hw = p.hardware();
        Map<String, String> env = new LinkedHashMap<>();
        for (String v : THREAD_ENV) {
            String value = System.getenv(v);
            if (value != null) {
                env.put(v, value);
            }
        }
        return new LatencyTable(FORMAT, p.id(), hw.fingerprint(), hw, threads, p.libraryVersions(), threadSettings, env,
                Provenance.now(hw), List.of());
    }

    /** This table with cells added (replacing cells of the same key), sorted for stable files. */
    LatencyTable withCells(List<Cell> added) {
        Map<Key, Cell> byKey = new LinkedHashMap<>();
        for (Cell c : cells) {
            byKey.put(c.key(), c);
        }
        for (Cell c : added) {
            byKey.put(c.key(), c);
        }
        List<Cell> sorted = new ArrayList<>(byKey.values());
        sorted.sort(Comparator.comparingInt(Cell::m).thenComparingInt(Cell::k).thenComparingInt(Cell::n)
                .thenComparing(Cell::block).thenComparingDouble(Cell::density));
        return new LatencyTable(format, platform, fingerprint, hardware, threads, libraries, threadSettings, environment,
                provenance, sorted);
    }

    Optional<Cell> cell(GemmShape s, String block, double density) {
        Key k = Key.of(s, block, density);
        return cells.stream().filter(c -> c.key().equals(k)).findFirst();
    }

    /** Reads and checks a table file; a malformed one is an InvalidInputException naming the file. */
    public static LatencyTable read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("latency table " + file + " does not exist");
        }
        LatencyTable t;
        try {
            t = Json.read(file, LatencyTable.class, "latency table");
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.getMessage() + " (corrupt; delete it to profile again)");
        }
        String problem = t.problem();
        if (problem != null) {
            throw new InvalidInputException("latency table " + file + " is corrupt: " + problem
                    + " (delete it to profile again)");
        }
        return t;
    }

    /** Reads a table and refuses one measured for another platform, other hardware or thread count. */
    public static LatencyTable readFor(Path file, SparsePlatform p, int threads) {
        LatencyTable t = read(file);
        t.requireBelongsTo(file, p, threads);
        return t;
    }

    void requireBelongsTo(Path file, SparsePlatform p, int threads) {
        if (!platform.equals(p.id())) {
            throw new InvalidInputException("latency table " + file + " belongs to platform " + platform + ", not " + p.id());
        }
        Hardware here = p.hardware();
        if (!fingerprint.equals(here.fingerprint())) {
            throw new InvalidInputException("latency table " + file + " is foreign: measured on " + hardware.describe()
                    + " (fingerprint " + fingerprint + "), this machine is " + here.describe() + " (fingerprint "
                    + here.fingerprint() + "); profile here instead");
        }
        if (this.threads != threads) {
            throw new InvalidInputException("latency table " + file + " was measured with " + this.threads
                    + " threads, not " + threads);
        }
    }

    void write(Path file) {
        Json.write(file, this);
    }

    /** First structural problem, or null. */
    private String problem() {
        if (!FORMAT.equals(format)) {
            return "format '" + format + "' is not " + FORMAT;
        }
        if (platform == null || fingerprint == null || hardware == null) {
            return "platform, fingerprint or hardware missing";
        }
        if (!fingerprint.equals(hardware.fingerprint())) {
            return "fingerprint " + fingerprint + " does not match its hardware record";
        }
        if (threads < 1) {
            return "threads " + threads;
        }
        for (int i = 0; i < cells.size(); i++) {
            Cell c = cells.get(i);
            String where = "cell " + i;
            if (c == null || c.m() <= 0 || c.k() <= 0 || c.n() <= 0) {
                return where + ": shape missing or not positive";
            }
            if (c.block() == null) {
                return where + ": no block";
            }
            if (!c.isDense()) {
                try {
                    BlockShape.parse(c.block());
                } catch (InvalidInputException e) {
                    return where + ": " + e.getMessage();
                }
            }
            if (!(c.density() >= 0 && c.density() <= 1)) {
                return where + ": density " + c.density();
            }
            if (!(c.medianMs() > 0 && Double.isFinite(c.medianMs()) && c.p25Ms() <= c.medianMs()
                    && c.medianMs() <= c.p75Ms())) {
                return String.format(Locale.ROOT, "%s: latencies p25 %s, median %s, p75 %s", where, c.p25Ms(),
                        c.medianMs(), c.p75Ms());
            }
        }
        return null;
    }
}
