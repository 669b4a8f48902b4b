package org.pruneaug.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.GemmShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.dl4j.GemmView;
import org.pruneaug.dl4j.Models;
import org.pruneaug.platforms.LayerShapes;
import org.pruneaug.platforms.Platforms;
import org.pruneaug.platforms.ProfileReport;
import org.pruneaug.platforms.Profiler;
import org.pruneaug.platforms.SparsePlatform;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Measure a platform's latency per (GEMM shape, block shape, density) into its latency table.",
            "Cells already measured on this hardware with the same libraries, kernels and threads are reused.",
            "The dense-openblas baseline runs too (unless listed or --no-baseline), for speedups and the plot."})
public final class ProfileCommand implements Callable<Integer> {
    /** Ten block shapes: square ones, and the column strips r x 1 the kernels favour. */
    static final String DEFAULT_BLOCKS = "1x1,2x2,4x4,8x8,16x16,32x32,4x1,8x1,16x1,32x1";
    static final String DEFAULT_DENSITIES = "0.05,0.1,0.2,0.3,0.5,0.7,0.9,1.0";
    static final String BASELINE = "dense-openblas";

    @Mixin
    CommonOptions common;

    @Option(names = "--platform", paramLabel = "ID[,ID...]",
            description = "Platforms to profile (default: the default platform here; see 'pruneaug platforms').")
    String platformIds;

    static final class Shapes {
        @Option(names = "--shapes", paramLabel = "MxKxN[,...]", required = true,
                description = "Layer GEMM shapes Y[M x N] = W[M x K] X[K x N].")
        String list;

        @Option(names = "--model", paramLabel = "FILE", required = true,
                description = {"The prunable layers of a model: a DL4J model zip (GEMMs at --batch images),",
                    "or a shape list (.txt as in bench/shapes/, or .json)."})
        Path model;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Shapes shapes;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "64",
            description = "Images per batch when shapes come from a model zip (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--blocks", paramLabel = "RxC[,...]",
            description = "Block shapes (default: " + DEFAULT_BLOCKS + ", those each platform supports).")
    String blocks;

    @Option(names = "--densities", paramLabel = "D[,...]", defaultValue = DEFAULT_DENSITIES,
            description = "Fractions of blocks kept (default: ${DEFAULT-VALUE}).")
    String densities;

    @Option(names = "--threads", paramLabel = "T",
            description = "Threads of every library (default: each platform's default, the cores here).")
    Integer threads;

    @Option(names = "--out", paramLabel = "FILE.json", description = "Write the measured rows as JSON.")
    Path out;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Plot latency vs density per block shape.")
    Path plot;

    @Option(names = "--compare-to", paramLabel = "RUN.json",
            description = "An earlier --out of the same cells: report how many medians agree within 10%%.")
    Path compareTo;

    @Option(names = "--platforms-dir", paramLabel = "DIR",
            description = "Platform descriptors and latency tables (default: ./platforms of the checkout).")
    Path platformsDir;

    @Option(names = "--fresh", description = "Measure every cell again instead of reusing the table's.")
    boolean fresh;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "15",
            description = "Timed samples per cell; the median is kept (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "3",
            description = "Visits per cell, spread over the run, the samples split among them (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--max-stall", paramLabel = "F", defaultValue = "0.05",
            description = {"Re-time a cell visit when other tasks waited for a core more than this share of its time",
                "(Linux CPU pressure; 'Infinity' never re-times) (default: ${DEFAULT-VALUE})."})
    double maxStall;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the random weights and activations (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-baseline", description = "Do not add the dense-openblas baseline.")
    boolean noBaseline;

    @Override
    public Integer call() {
        Platforms platforms = platformsDir == null ? Platforms.load() : Platforms.load(platformsDir);
        List<SparsePlatform> targets = new ArrayList<>(platformIds == null
                ? List.of(platforms.defaultPlatform().orElseThrow(
                        () -> new InvalidInputException("no platform is available here; see 'pruneaug platforms'")))
                : platforms.parseList(platformIds));
        List<GemmShape> gemms = shapes.list != null ? GemmShape.parseList(shapes.list) : modelShapes(shapes.model);
        List<Double> grid = parseDensities(densities);
        List<BlockShape> explicitBlocks = blocks == null ? null : BlockShape.parseList(blocks);
        checkOutput(out, ".json", "--out");
        checkOutput(plot, ".png", "--plot");
        List<ProfileReport.Row> previous = compareTo == null ? null : ProfileReport.readRows(compareTo);

        SparsePlatform baseline = baseline(platforms, targets);
        Profiler.Method defaults = Profiler.Method.defaults();
        Profiler profiler = new Profiler(new Profiler.Method(samples, rounds, defaults.minSampleMs(), defaults.warmupMs(),
                maxStall, seed), fresh, true, System.err);
        // every check (platforms, blocks, densities, existing tables) before anything is measured or written
        List<Profiler.Plan> plans = new ArrayList<>();
        for (SparsePlatform p : targets) {
            List<BlockShape> b = explicitBlocks != null ? explicitBlocks
                    : BlockShape.parseList(DEFAULT_BLOCKS).stream().filter(p::supports).toList();
            int t = threads != null ? threads : p.defaultThreads();
            plans.add(profiler.plan(p, new Profiler.Request(gemms, b.isEmpty() ? List.of(BlockShape.UNSTRUCTURED) : b,
                    grid, t), Profiler.defaultTableFile(platforms, p, t)));
        }
        List<Profiler.Result> results = new ArrayList<>();
        Profiler.Result baselineResult = null;
        for (Profiler.Plan plan : plans) {
            Profiler.Result r = profiler.run(plan);
            System.err.printf(java.util.Locale.ROOT, "pruneaug: %s: %d cells measured, %d reused in %.1f s, table %s%n",
                    r.platform().id(), r.measured(), r.reused(), r.seconds(), r.tableFile());
            if (r.disturbed() > 0) {
                System.err.printf(java.util.Locale.ROOT, "pruneaug: %s: %d cells were disturbed by other processes (CPU"
                        + " pressure above %.0f%% of their time; see cpu_stall in the table)%n", r.platform().id(),
                        r.disturbed(), 100 * maxStall);
            }
            results.add(r);
            if (r.platform() == baseline) {
                baselineResult = r;
            }
        }
        ProfileReport report = ProfileReport.of(results, baselineResult);
        System.out.print(report.summary());
        if (previous != null) {
            ProfileReport.Stability st = report.compareTo(previous, 0.10);
            if (st.matched() == 0) {
                throw new InvalidInputException(compareTo + " has none of the cells measured now");
            }
            System.out.println("\nrepeat-run stability: " + st.describe());
        }
        if (out != null) {
            report.writeJson(out);
            System.err.println("pruneaug: rows written to " + out);
        }
        if (plot != null) {
            report.writePlot(plot);
            System.err.println("pruneaug: plot written to " + plot);
        }
        return PruneAugCli.EXIT_OK;
    }

    /** The distinct layer GEMMs of a model zip (through the dl4j GEMM view) or of a shape list. */
    private List<GemmShape> modelShapes(Path model) {
        if (!model.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".zip")) {
            return LayerShapes.read(model).stream().map(LayerShapes.Layer::shape).distinct().toList();
        }
        if (batch < 1) {
            throw new InvalidInputException("--batch must be >= 1, got " + batch);
        }
        return GemmView.layers(Models.load(model).network()).stream().map(l -> l.gemm(batch)).distinct().toList();
    }

    /** The dense platform speedups are computed against: one listed, else dense-openblas added first. */
    private SparsePlatform baseline(Platforms platforms, List<SparsePlatform> targets) {
        Optional<SparsePlatform> listed = targets.stream().filter(p -> p.id().equals(BASELINE)).findFirst()
                .or(() -> targets.stream().filter(SparsePlatform::isDense).findFirst());
        if (listed.isPresent() || noBaseline || !platforms.ids().contains(BASELINE)) {
            return listed.orElse(null);
        }
        SparsePlatform b = platforms.get(BASELINE);
        if (!b.available()) {
            return null;
        }
        targets.add(0, b);
        return b;
    }

    static List<Double> parseDensities(String text) {
        List<Double> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                out.add(Double.parseDouble(part.trim()));
            } catch (NumberFormatException e) {
                throw new InvalidInputException("malformed density '" + part.trim() + "' in --densities: expected numbers"
                        + " in [0, 1], e.g. 0.05,0.1");
            }
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("empty --densities");
        }
        return out;
    }

    private static void checkOutput(Path file, String extension, String option) {
        if (file != null && !file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(extension)) {
            throw new InvalidInputException(option + " " + file + " must end with " + extension);
        }
    }
}
