package org.pruneaug.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pruneaug.core.Hardware;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.Json;
import org.pruneaug.core.LayerAssignment;
import org.pruneaug.core.Provenance;
import org.pruneaug.dl4j.LabeledImages;
import org.pruneaug.dl4j.Models;
import org.pruneaug.inference.Agreement;
import org.pruneaug.inference.Execution;
import org.pruneaug.inference.Placement;
import org.pruneaug.inference.Placements;
import org.pruneaug.inference.SparseNetwork;
import org.pruneaug.inference.Timing;
import org.pruneaug.inference.UnprunedPlacement;
import org.pruneaug.platforms.Platforms;
import org.pruneaug.platforms.SparsePlatform;
import org.pruneaug.pruning.PrunedNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "infer", mixinStandardHelpOptions = true,
        description = {"Run a pruned model on a platform's sparse kernels (its pruned layers; each unpruned layer where "
                + "the search placed it, or, for a model from 'prune', where it measured faster: on the platform with "
                + "every block kept or on the dense baseline) and the same model dense on the dense baseline, in the "
                + "same run: latency per batch, "
                + "speedup, per-operator breakdown, and agreement with DL4J's outputs on test images."})
public final class InferCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    DataOptions data;

    @Option(names = "--model", required = true, paramLabel = "P.zip", description = "Pruned (or dense) DL4J model zip.")
    Path model;

    @Option(names = "--platform", paramLabel = "ID", description = "Sparse platform (see 'pruneaug platforms'). Default: the default platform here.")
    String platform;

    @Option(names = "--dense-platform", paramLabel = "ID", description = "Dense baseline (default: ${DEFAULT-VALUE}).")
    String densePlatform = "dense-openblas";

    @Option(names = "--batch", paramLabel = "B", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batch = 64;

    @Option(names = "--threads", paramLabel = "T", description = "Threads of every kernel library (default: the cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--micro-batch", paramLabel = "M|auto|off",
            description = "Schedule: a chunk of the batch per thread, its convolutional part on micro-batches of M images"
                    + " (activations kept in cache), its dense layers on the whole chunk (auto: M sized to the cache), or"
                    + " off: every layer on the whole batch (default: ${DEFAULT-VALUE}).")
    String microBatch = "auto";

    @Option(names = "--reps", paramLabel = "N", description = "Timed forward passes per network (default: ${DEFAULT-VALUE}).")
    int reps = 30;

    @Option(names = "--check-images", paramLabel = "N",
            description = "Test images compared against DL4J (default: ${DEFAULT-VALUE}; 0 = skip).")
    int checkImages = 2000;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the measurements as JSON.")
    Path json;

    /** The JSON of one infer run. */
    public record Report(String model, String platform, String densePlatform, int batch, int threads,
                         List<LayerAssignment> placement, Timing sparse, Timing dense, double speedup, Agreement agreement,
                         Provenance provenance) {
    }

    @Override
    public Integer call() {
        if (batch < 1 || threads < 1 || reps < 1 || checkImages < 0) {
            throw new InvalidInputException("--batch, --threads and --reps must be >= 1 and --check-images >= 0");
        }
        if (json != null) {
            CliFiles.checkWritable(json, "--json");
        }
        Platforms platforms = Platforms.load();
        SparsePlatform sparse = PlatformArgs.available(platforms, platform);
        SparsePlatform dense = PlatformArgs.available(platforms, densePlatform);
        Models.Loaded loaded = Models.load(model);
        PrunedNetwork pruned = PrunedNetwork.of(loaded);
        // the search records where each layer runs; a model from `prune` records only its pruned layers
        Optional<List<LayerAssignment>> recorded = loaded.metadata().get(Placements.SECTION, LayerAssignment[].class)
                .map(List::of);
        Execution exec = Execution.parse(microBatch, pruned.network(), batch, threads);
        System.out.println("schedule: " + exec.describe() + ", for both networks");
        // for those, measure where its unpruned layers run faster
        List<LayerAssignment> plan = recorded.orElseGet(() -> UnprunedPlacement.choose(pruned.network(), pruned.layers(),
                pruned.plan(), pruned::mask, sparse, dense, batch, exec, threads, System.out));
        Timing denseTiming;
        Timing sparseTiming;
        Agreement agreement = null;
        try (SparseNetwork d = SparseNetwork.compile(pruned.network(), l -> Placement.dense(dense), batch, exec);
                SparseNetwork s = SparseNetwork.compile(pruned.network(), Placements.of(plan, pruned::mask, sparse, dense),
                        batch, exec)) {
            denseTiming = d.timeBestOf(3, 5, reps, threads);
            sparseTiming = s.timeBestOf(3, 5, reps, threads);
            if (checkImages > 0) {
                LabeledImages test = data.load().test();
                agreement = Agreement.check(s, pruned.network(), test.head(Math.min(checkImages, test.size())), threads);
            }
        }
        print("dense on " + dense.id(), denseTiming);
        print("pruned on " + sparse.id(), sparseTiming);
        double speedup = denseTiming.medianMs() / sparseTiming.medianMs();
        System.out.printf(Locale.ROOT, "speedup %.2fx (batch %d, %d threads; median of %d passes, best of 3 rounds)%n",
                speedup, batch, threads, reps);
        if (agreement != null) {
            System.out.printf(Locale.ROOT, "agreement with DL4J on %d test images: same class %.2f%%, max |p - p_dl4j| %.2e%n",
                    agreement.images(), 100 * agreement.argmaxAgreement(), agreement.maxAbsDiff());
        }
        if (json != null) {
            Json.write(json, new Report(model.toString(), sparse.id(), dense.id(), batch, threads, plan, sparseTiming, denseTiming,
                    speedup, agreement, Provenance.now(Hardware.host())));
            System.out.println("wrote " + json);
        }
        return PruneAugCli.EXIT_OK;
    }

    private static void print(String title, Timing t) {
        System.out.printf(Locale.ROOT, "%s: %.3f ms per batch (min %.3f, max %.3f)%n", title, t.medianMs(), t.minMs(),
                t.maxMs());
        List<Timing.OpTime> ops = t.ops();
        for (Timing.OpTime o : ops) {
            System.out.printf(Locale.ROOT, "  %-22s %-8s %-16s %-28s %8.3f ms%n", o.op().name(), o.op().kind(),
                    o.op().gemm() == null ? "" : o.op().gemm().toString(), o.op().kernel() == null ? "" : o.op().kernel(),
                    o.medianMs());
        }
    }
}
