package org.pruneaug.nativ;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.pruneaug.core.BlockShape;

/**
 * The kernel registry of libpruneaug as seen from Java, and the CPU features its dispatch saw. Code
 * against the registry (find by ISA and block), never against fixed indices: rows are added as
 * kernels for new ISAs land.
 */
public final class Kernels {
    /** The scalar reference ISA: always built, the oracle of every test. */
    public static final String REF = "ref";

    private static final List<Kernel> ALL = load();

    private Kernels() {
    }

    private static List<Kernel> load() {
        int count = PaNative.pa_kernel_count();
        List<Kernel> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new Kernel(i, NativeCalls.string(PaNative.pa_kernel_name(i)),
                    NativeCalls.string(PaNative.pa_kernel_isa(i)),
                    new BlockShape(PaNative.pa_kernel_block_rows(i), PaNative.pa_kernel_block_cols(i)),
                    PaNative.pa_kernel_available(i) != 0));
        }
        return Collections.unmodifiableList(out);
    }

    /** Every kernel of the registry, available here or not. */
    public static List<Kernel> all() {
        return ALL;
    }

    /** The kernel for (isa, block), or empty when the registry has none; "auto" = {@link #bestIsa()}. */
    public static Optional<Kernel> find(String isa, BlockShape block) {
        if (isa == null || block == null) {
            throw new IllegalArgumentException("isa and block must not be null");
        }
        int i = PaNative.pa_kernel_find(isa, block.rows(), block.cols());
        return i < 0 ? Optional.empty() : Optional.of(ALL.get(i));
    }

    /**
     * The first of {@code isas} that has an available kernel for {@code block}: how a platform falls
     * back (e.g. avx2, then generic, then ref) while an ISA's port is incomplete.
     */
    public static Optional<Kernel> firstAvailable(List<String> isas, BlockShape block) {
        for (String isa : isas) {
            Optional<Kernel> k = find(isa, block);
            if (k.isPresent() && k.get().available()) {
                return k;
            }
        }
        return Optional.empty();
    }

    /** The reference kernel for a block shape (every supported shape has one). */
    public static Kernel reference(BlockShape block) {
        return find(REF, block).orElseThrow(() -> new IllegalStateException("registry lacks " + REF + " kernel for "
                + block));
    }

    /**
     * The ISA of a registry kernel by its name (e.g. "f32_bsrmm_b4x1__avx512" -> "avx512"); empty for a
     * name the registry does not have (a library routine such as OpenBLAS's sgemm, a CUDA kernel).
     */
    public static Optional<String> isaOf(String kernelName) {
        return ALL.stream().filter(k -> k.name().equals(kernelName)).map(Kernel::isa).findFirst();
    }

    /** ISAs present in the registry, in registry order. */
    public static List<String> isas() {
        return ALL.stream().map(Kernel::isa).distinct().toList();
    }

    /** ISA the library's run-time dispatch picks on this host ("avx2", "generic", ...). */
    public static String bestIsa() {
        return NativeCalls.string(PaNative.pa_cpu_best_isa());
    }

    /**
     * Version and content digest of a loaded native library of this binding ("pruneaug",
     * "pruneaug_cuda"), e.g. "0.1.0-SNAPSHOT sha256:1a2b3c4d5e6f": latencies measured with one build of
     * the kernels say nothing about the next, even at the same project version.
     */
    public static String libraryDigest(String library) {
        String path = org.bytedeco.javacpp.Loader.getLoadedLibraries().get(library);
        String version = org.pruneaug.core.Provenance.currentToolVersion();
        if (path == null) {
            return version + " (not loaded)";
        }
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(path))) {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r = in.read(buf); r > 0; r = in.read(buf)) {
                sha.update(buf, 0, r);
            }
            return version + " sha256:" + java.util.HexFormat.of().formatHex(sha.digest(), 0, 6);
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            return version + " (unreadable: " + e.getMessage() + ")";
        }
    }

    /** CPU features the library detected, e.g. "avx2 fma avx512f". */
    public static String cpuFeatures() {
        return NativeCalls.string(PaNative.pa_cpu_features());
    }
}
