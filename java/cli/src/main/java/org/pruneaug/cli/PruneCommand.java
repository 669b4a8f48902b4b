package org.pruneaug.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Prune a model (unstructured or block-augmented) and fine-tune it.")
public final class PruneCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        System.err.println("pruneaug prune: not implemented yet");
        return PruneAugCli.EXIT_FAILURE;
    }
}
