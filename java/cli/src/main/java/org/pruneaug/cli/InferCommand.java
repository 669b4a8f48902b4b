package org.pruneaug.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "infer", mixinStandardHelpOptions = true,
        description = "Run a pruned model on a platform's sparse kernels and compare with dense.")
public final class InferCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        System.err.println("pruneaug infer: not implemented yet");
        return PruneAugCli.EXIT_FAILURE;
    }
}
