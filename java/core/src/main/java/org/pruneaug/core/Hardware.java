package org.pruneaug.core;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The hardware a measurement ran on: what makes latencies comparable. Two runs with the same
 * {@link #fingerprint()} may share a latency table; a different fingerprint means a foreign table.
 *
 * @param cpuModel    e.g. "AMD EPYC" (from /proc/cpuinfo)
 * @param arch        os.arch, e.g. "amd64"
 * @param cores       processors this process may use
 * @param isaFeatures the SIMD features that change which kernels run (a fixed subset of the flags)
 * @param accelerator GPU name, or "" for CPU-only platforms
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Hardware(String cpuModel, String arch, int cores, List<String> isaFeatures, String accelerator) {
    /** Flags that select kernels or change their speed; others (e.g. microcode bugs) would only add noise. */
    private static final Set<String> ISA_FLAGS = Set.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw",
            "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile", "asimd", "asimdhp", "sve", "sve2");

    public Hardware {
        isaFeatures = List.copyOf(isaFeatures);
        accelerator = accelerator == null ? "" : accelerator;
    }

    /** This machine's CPU, no accelerator. */
    public static Hardware host() {
        String model = "unknown";
        List<String> features = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (model.equals("unknown") && (key.equals("model name") || key.equals("Model") || key.equals("CPU part"))) {
                    model = value;
                } else if (features.isEmpty() && (key.equals("flags") || key.equals("Features"))) {
                    for (String f : value.split("\\s+")) {
                        if (ISA_FLAGS.contains(f)) {
                            features.add(f);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // not Linux: the model stays "unknown" and the fingerprint still separates architectures
        }
        features.sort(null);
        return new Hardware(model, System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
                features, "");
    }

    public Hardware withAccelerator(String name) {
        return new Hardware(cpuModel, arch, cores, isaFeatures, name);
    }

    /** 12 hex digits identifying the hardware (CPU model, arch, cores, ISA features, accelerator). */
    public String fingerprint() {
        String key = String.join("|", cpuModel, arch, Integer.toString(cores), String.join(" ", isaFeatures),
                accelerator);
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** One line for people: "AMD EPYC, amd64, 2 cores, avx avx2 fma ... [+ GPU]". */
    public String describe() {
        String s = String.format(Locale.ROOT, "%s, %s, %d cores, %s", cpuModel, arch, cores,
                isaFeatures.isEmpty() ? "no SIMD flags seen" : String.join(" ", isaFeatures));
        return accelerator.isEmpty() ? s : s + ", " + accelerator;
    }
}
