package jrkt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import picocli.CommandLine;

/**
 * Turns every failure into one line on stderr, {@code jrkt: <message>}, and exit status 254
 * (rkt's status for its own errors). With --debug the stack trace follows the line.
 */
public final class Errors {
    /** The exit status of every error of jrkt itself. */
    public static final int EXIT_ERROR = 254;

    private Errors() {}

    /**
     * picocli's handlers of usage errors and of exceptions, reporting as {@link #report} does.
     * In a class of their own: their types would make every jrkt load picocli when Errors is linked.
     */
    static final class Picocli {
        private Picocli() {}

        static CommandLine install(CommandLine commandLine, JrktCommand root) {
            commandLine.setParameterExceptionHandler((ex, args) -> {
                CommandLine failed = ex.getCommandLine();
                String help = failed.getCommandSpec().qualifiedName() + " --help";
                report(failed.getErr(), oneLine(ex.getMessage()) + " (see '" + help + "')", ex, root.debug());
                return EXIT_ERROR;
            });
            commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
                report(cmd.getErr(), describe(ex), ex, root.debug());
                return EXIT_ERROR;
            });
            return commandLine;
        }
    }

    /** The message a user sees for an exception: jrkt's own message, or a clean I/O message. */
    public static String describe(Throwable ex) {
        if (ex instanceof UncheckedIOException u && u.getCause() != null) ex = u.getCause();
        if (ex instanceof JrktException) return oneLine(ex.getMessage());
        if (ex instanceof IOException io) return oneLine(IoErrors.describe(io));
        return "internal error: " + oneLine(String.valueOf(ex)) + " (run with --debug for the stack trace)";
    }

    static String oneLine(String message) {
        if (message == null) return "unknown error";
        return message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    static void report(PrintWriter err, String line, Throwable ex, boolean debug) {
        err.println("jrkt: " + line);
        if (debug) ex.printStackTrace(err);
        err.flush();
    }
}
