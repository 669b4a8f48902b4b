package org.pruneaug.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a zoo model on Fashion-MNIST.")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        System.err.println("pruneaug train: not implemented yet");
        return PruneAugCli.EXIT_FAILURE;
    }
}
