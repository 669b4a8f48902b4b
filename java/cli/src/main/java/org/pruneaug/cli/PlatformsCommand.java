package org.pruneaug.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.Hardware;
import org.pruneaug.nativ.Kernels;
import org.pruneaug.platforms.Platforms;
import org.pruneaug.platforms.SparsePlatform;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "platforms", mixinStandardHelpOptions = true,
        description = "List the sparse platforms and whether each is available here.")
public final class PlatformsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--platforms-dir", paramLabel = "DIR",
            description = "Platform descriptors and latency tables (default: ./platforms of the checkout).")
    Path platformsDir;

    @Override
    public Integer call() {
        Platforms platforms = platformsDir == null ? Platforms.load() : Platforms.load(platformsDir);
        Hardware host = Hardware.host();
        System.out.printf(Locale.ROOT, "host: %s (fingerprint %s)%n", host.describe(), host.fingerprint());
        System.out.printf(Locale.ROOT, "libpruneaug: dispatch %s, CPU features seen: %s, registry ISAs: %s%n",
                Kernels.bestIsa(), Kernels.cpuFeatures(), String.join(", ", Kernels.isas()));
        System.out.printf(Locale.ROOT, "platforms from %s%n%n", platforms.directory());
        Optional<SparsePlatform> def = platforms.defaultPlatform();
        System.out.printf(Locale.ROOT, "%-16s %-10s %-28s %s%n", "ID", "AVAILABLE", "BLOCKS", "DESCRIPTION / WHY NOT");
        for (SparsePlatform p : platforms.all()) {
            Optional<String> why = p.unavailableReason();
            String id = p.id() + (def.isPresent() && def.get() == p ? " *" : "");
            System.out.printf(Locale.ROOT, "%-16s %-10s %-28s %s%n", id, why.isEmpty() ? "yes" : "no",
                    why.isEmpty() ? blocks(p) : "-", why.orElse(p.descriptor().description()));
            if (why.isEmpty() && common.verbose) {
                System.out.printf(Locale.ROOT, "%-16s libraries: %s%n", "", p.libraryVersions());
                if (!p.isDense()) {
                    System.out.printf(Locale.ROOT, "%-16s kernels: %s%n", "", kernels(p));
                }
            }
        }
        System.out.println();
        System.out.println("* = default platform here" + (common.verbose ? "" : "; -v lists libraries and kernels"));
        return PruneAugCli.EXIT_OK;
    }

    private static String blocks(SparsePlatform p) {
        if (p.isDense()) {
            return "dense baseline";
        }
        List<BlockShape> b = p.supportedBlocks();
        if (b.size() == BlockShape.all().size()) {
            return "all 36 (1..32 x 1..32)";
        }
        return String.join(",", b.stream().map(BlockShape::toString).toList());
    }

    /** Which kernels run, as ISA counts for registry kernels, so a fallback to ref or generic shows. */
    private static String kernels(SparsePlatform p) {
        java.util.Map<String, Integer> byIsa = new java.util.TreeMap<>();
        java.util.Set<String> others = new java.util.TreeSet<>();
        for (BlockShape b : p.supportedBlocks()) {
            String name = p.kernelName(b);
            int isa = name.lastIndexOf("__");
            if (isa >= 0) {
                byIsa.merge(name.substring(isa + 2), 1, Integer::sum);
            } else {
                others.add(name);
            }
        }
        List<String> parts = new java.util.ArrayList<>();
        byIsa.forEach((isa, count) -> parts.add(count + " x " + isa));
        parts.addAll(others);
        return String.join(", ", parts);
    }
}
