package org.pruneaug.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.pruneaug.search.SearchOutputs;
import org.pruneaug.search.SearchResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Render DIR/report.md and DIR/pareto.png again from a finished search's DIR/result.json, and "
                + "print its table.")
public final class ReportCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "A search output directory.")
    Path dir;

    @Override
    public Integer call() {
        SearchResult r = SearchOutputs.read(dir);
        SearchOutputs.render(dir, r);
        SearchCommand.printTable(r);
        System.out.println("wrote " + dir.resolve(SearchOutputs.REPORT) + " and " + dir.resolve(SearchOutputs.PLOT));
        return PruneAugCli.EXIT_OK;
    }
}
