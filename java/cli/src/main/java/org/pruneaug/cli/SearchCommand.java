package org.pruneaug.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search per-layer block shape and sparsity minimising platform latency under an accuracy budget.")
public final class SearchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        System.err.println("pruneaug search: not implemented yet");
        return PruneAugCli.EXIT_FAILURE;
    }
}
