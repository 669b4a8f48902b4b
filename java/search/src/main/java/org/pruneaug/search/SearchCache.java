package org.pruneaug.search;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.Json;
import org.pruneaug.core.LayerAssignment;

/**
 * A search's output directory as its memory: the identity of the search it holds, the cheap
 * fidelity's measurements and every fine-tuning outcome (with its model), each written atomically
 * as soon as it exists. A search interrupted at any point resumes from here and redoes nothing it
 * finished; a directory holding another search is refused, never overwritten.
 */
public final class SearchCache {
    static final String IDENTITY_FILE = "search.json";

    /** The cheap fidelity's measurement of one network (loss and accuracy on the validation subset). */
    public record Fidelity(double loss, double accuracy) {
    }

    /** One fine-tuned candidate: validation accuracy after fine-tuning, and what it cost. */
    public record FineTuned(String key, List<LayerAssignment> plan, double validationAccuracy, double validationLoss,
                            int updates, double seconds) {
    }

    private record IdentityFile(String format, SearchConfig.Identity identity) {
    }

    private static final String FORMAT = "pruneaug-search/1";

    private final Path dir;
    private final Path sensitivityFile;
    private final Map<String, Fidelity> sensitivity;

    private SearchCache(Path dir) {
        this.dir = dir;
        this.sensitivityFile = dir.resolve("cache").resolve("sensitivity.json");
        this.sensitivity = Files.exists(sensitivityFile)
                ? new TreeMap<>(readJson(sensitivityFile, new TypeReference<Map<String, Fidelity>>() { }))
                : new TreeMap<>();
    }

    /**
     * Opens {@code dir} for the search of this identity: creates it, or resumes it when it holds the
     * same search. A non-empty directory without a search, or with another one, is refused.
     */
    public static SearchCache open(Path dir, SearchConfig.Identity identity) {
        Path idFile = dir.resolve(IDENTITY_FILE);
        if (Files.isRegularFile(idFile)) {
            IdentityFile existing;
            try {
                existing = Json.MAPPER.readValue(idFile.toFile(), IdentityFile.class);
            } catch (IOException e) {
                throw new InvalidInputException("output directory " + dir + " holds an unreadable " + IDENTITY_FILE
                        + "; choose another --out");
            }
            if (!FORMAT.equals(existing.format()) || !identity.equals(existing.identity())) {
                throw new InvalidInputException("output directory " + dir + " holds another search ("
                        + describe(existing.identity()) + "); choose another --out or delete it");
            }
            return new SearchCache(dir);
        }
        if (Files.exists(dir) && !isEmptyDirectory(dir)) {
            throw new InvalidInputException("output directory " + dir + " is not empty and holds no PruneAug search;"
                    + " choose another --out");
        }
        Json.write(idFile, new IdentityFile(FORMAT, identity));
        return new SearchCache(dir);
    }

    private static String describe(SearchConfig.Identity id) {
        return id == null ? "unknown" : String.format(Locale.ROOT, "platform %s, method %s, budget %.2f, batch %d, threads %d",
                id.platform(), id.method(), id.maxAccuracyLoss(), id.batch(), id.threads());
    }

    private static boolean isEmptyDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path directory() {
        return dir;
    }

    // ---- cheap fidelity ----------------------------------------------------------------------

    public Optional<Fidelity> sensitivity(String key) {
        return Optional.ofNullable(sensitivity.get(key));
    }

    public void putSensitivity(String key, Fidelity f) {
        sensitivity.put(key, f);
        Json.write(sensitivityFile, sensitivity);
    }

    public int sensitivityCount() {
        return sensitivity.size();
    }

    // ---- latency calibration -----------------------------------------------------------------

    /** Where the latency calibration is kept: deleting it makes a resumed search calibrate again. */
    private Path calibrationFile() {
        return dir.resolve("cache").resolve("calibration.json");
    }

    public Optional<LatencyOracle.Calibration> calibration() {
        return Files.isRegularFile(calibrationFile())
                ? Optional.of(readJson(calibrationFile(), new TypeReference<LatencyOracle.Calibration>() { }))
                : Optional.empty();
    }

    public LatencyOracle.Calibration putCalibration(LatencyOracle.Calibration c) {
        Json.write(calibrationFile(), c);
        return c;
    }

    // ---- finalists ---------------------------------------------------------------------------

    private Path finalistsFile() {
        return dir.resolve("cache").resolve("finalists-paired.json");
    }

    /**
     * Finalists' measurements, in the order measured: each one's best round (ms), and the median over
     * rounds of its time over the time of the plan predicted fastest in the same round.
     */
    public record FinalistTimes(List<Double> bestMs, List<Double> ratioToChosen) {
        public FinalistTimes {
            bestMs = List.copyOf(bestMs);
            ratioToChosen = List.copyOf(ratioToChosen);
            if (bestMs.size() != ratioToChosen.size()) {
                throw new IllegalArgumentException(bestMs.size() + " times, " + ratioToChosen.size() + " ratios");
            }
        }
    }

    /**
     * The measurements of a set of finalists (plan keys, in the order measured), if this search
     * measured them before: a resumed search then answers as the interrupted one did, whatever the
     * machine's state now. (A finalists.json of searches before paired rounds is ignored.)
     */
    public Optional<FinalistTimes> finalistTimes(List<String> keys) {
        return Optional.ofNullable(finalists().get(String.join(",", keys)));
    }

    public void putFinalistTimes(List<String> keys, FinalistTimes times) {
        Map<String, FinalistTimes> all = new java.util.TreeMap<>(finalists());
        all.put(String.join(",", keys), times);
        Json.write(finalistsFile(), all);
    }

    private Map<String, FinalistTimes> finalists() {
        return Files.isRegularFile(finalistsFile())
                ? readJson(finalistsFile(), new TypeReference<Map<String, FinalistTimes>>() { })
                : Map.of();
    }

    // ---- fine-tuned candidates ---------------------------------------------------------------

    /** A stable key of a plan: the same assignments in any order give the same key. */
    public static String key(List<LayerAssignment> plan) {
        StringBuilder sb = new StringBuilder();
        plan.stream().sorted(java.util.Comparator.comparing(LayerAssignment::layer)).forEach(a -> sb.append(a.layer())
                .append(':').append(a.block()).append(':').append(String.format(Locale.ROOT, "%.6f", a.sparsity()))
                .append(';'));
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path fineTunedModel(String key) {
        return dir.resolve("cache").resolve("finetune").resolve(key + ".zip");
    }

    private Path fineTunedFile(String key) {
        return dir.resolve("cache").resolve("finetune").resolve(key + ".json");
    }

    /** A finished fine-tuning (its record and its model both written), if any. */
    public Optional<FineTuned> fineTuned(String key) {
        Path f = fineTunedFile(key);
        if (!Files.isRegularFile(f) || !Files.isRegularFile(fineTunedModel(key))) {
            return Optional.empty();
        }
        return Optional.of(readJson(f, new TypeReference<FineTuned>() { }));
    }

    /** Every finished fine-tuning in the directory (record and model both written), in key order. */
    public List<FineTuned> allFineTuned() {
        Path d = dir.resolve("cache").resolve("finetune");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(d)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted()
                    .map(n -> fineTuned(n.substring(0, n.length() - ".json".length()))).flatMap(Optional::stream).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + d, e);
        }
    }

    /** Records a fine-tuning whose model was already written to {@link #fineTunedModel}. */
    public void putFineTuned(FineTuned f) {
        Json.write(fineTunedFile(f.key()), f);
    }

    private static <T> T readJson(Path file, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new InvalidInputException("search cache file " + file + " is corrupt (" + e.getMessage().lines().findFirst()
                    .orElse("") + "); delete it to recompute");
        }
    }
}
