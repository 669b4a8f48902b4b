package org.pruneaug.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Measure a platform's latency per (GEMM shape, block shape, density) into a latency table.")
public final class ProfileCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        System.err.println("pruneaug profile: not implemented yet");
        return PruneAugCli.EXIT_FAILURE;
    }
}
