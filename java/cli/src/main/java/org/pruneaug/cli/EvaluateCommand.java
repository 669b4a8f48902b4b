package org.pruneaug.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a model on the Fashion-MNIST test set.")
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        System.err.println("pruneaug evaluate: not implemented yet");
        return PruneAugCli.EXIT_FAILURE;
    }
}
