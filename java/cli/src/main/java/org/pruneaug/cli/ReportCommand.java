package org.pruneaug.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Render the report of a search output directory.")
public final class ReportCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        System.err.println("pruneaug report: not implemented yet");
        return PruneAugCli.EXIT_FAILURE;
    }
}
