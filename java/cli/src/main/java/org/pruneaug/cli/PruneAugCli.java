package org.pruneaug.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.pruneaug.core.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code pruneaug}: latency-driven block pruning. Exit codes: 0 success, 1 internal failure, 2 bad
 * input (unknown option, malformed file, unavailable platform, ...), always with a one-line message.
 */
@Command(name = "pruneaug", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Per-layer block pruning that minimises latency measured on a sparse platform.",
        subcommands = {
            PlatformsCommand.class,
            ProfileCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            PruneCommand.class,
            SearchCommand.class,
            InferCommand.class,
            ReportCommand.class,
        })
public final class PruneAugCli implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PruneAugCli());
        cl.setExecutionExceptionHandler(PruneAugCli::handleException);
        cl.setParameterExceptionHandler(PruneAugCli::handleParameterException);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    static int handleException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        InvalidInputException bad = findCause(e, InvalidInputException.class);
        UncheckedIOException io = findCause(e, UncheckedIOException.class);
        if (bad != null || io != null) {
            err.println("pruneaug: error: " + (bad != null ? bad.getMessage() : io.getMessage()));
            return EXIT_BAD_INPUT;
        }
        Throwable cause = e;
        err.println("pruneaug: internal error: " + cause);
        if (CommonOptions.verbose(parsed)) {
            cause.printStackTrace(err);
        } else {
            err.println("(run again with -v for the stack trace)");
        }
        return EXIT_FAILURE;
    }

    /** A usage error is one line plus a pointer to --help, not the whole usage text. */
    static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        cl.getErr().println("pruneaug: error: " + e.getMessage());
        cl.getErr().println("(see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        return EXIT_BAD_INPUT;
    }

    static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }
}
