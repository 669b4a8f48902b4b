package org.pruneaug.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options every subcommand takes (mixed in). */
public final class CommonOptions {
    @Option(names = {"-v", "--verbose"}, description = "Print stack traces and extra diagnostics.")
    public boolean verbose;

    static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("-v")) {
                return true;
            }
        }
        return false;
    }
}
