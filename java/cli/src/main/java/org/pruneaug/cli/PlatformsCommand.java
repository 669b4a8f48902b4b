package org.pruneaug.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "platforms", mixinStandardHelpOptions = true,
        description = "List the sparse platforms and whether each is available here.")
public final class PlatformsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        System.err.println("pruneaug platforms: not implemented yet");
        return PruneAugCli.EXIT_FAILURE;
    }
}
