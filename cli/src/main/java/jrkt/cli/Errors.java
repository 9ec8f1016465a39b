package jrkt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.Quote;
import jrkt.core.fs.DiskSpace;
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
                report(failed.getErr(), ex.getMessage() + " (see '" + help + "')", ex, root.debug());
                return EXIT_ERROR;
            });
            commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
                report(cmd.getErr(), noSpace(ex, root) ? new DiskSpace.NoSpaceException(root.dataDir()).getMessage() : describe(ex),
                    ex, root.debug());
                return EXIT_ERROR;
            });
            return commandLine;
        }
    }

    /**
     * Whether an I/O failure happened while the data directory's file system is full: then
     * that is what the user is told, whichever low-level error the lack of space surfaced as.
     */
    static boolean noSpace(Throwable ex, JrktCommand root) {
        if (ex instanceof DiskSpace.NoSpaceException || !DiskSpace.couldBeNoSpace(ex)) return false;
        try {
            return DiskSpace.isFull(root.dataDir());
        } catch (RuntimeException badDir) {
            return false;
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

    /** A word longer than this in a message is an argument or a file's content quoted back: it is shortened. */
    static final int LONGEST_WORD = 200;
    /** No message is longer than this, whatever it quotes. */
    static final int LONGEST_MESSAGE = 2000;

    /**
     * A message made fit for a terminal line: one line, long words (a 1 MB argument, a deep path)
     * shortened by their middle, the whole capped, and every control character escaped, since
     * messages quote what users, images and pods gave.
     */
    public static String line(String message) {
        String one = oneLine(message);
        if (one.length() > LONGEST_WORD) {
            StringBuilder sb = new StringBuilder();
            for (String word : one.split(" ", -1)) {
                if (sb.length() > 0) sb.append(' ');
                sb.append(Quote.shorten(word, LONGEST_WORD));
            }
            one = Quote.shorten(sb.toString(), LONGEST_MESSAGE);
        }
        return Quote.escape(one);
    }

    /** Prints one error line; with debug, the stack trace after it. */
    static void report(PrintWriter err, String message, Throwable ex, boolean debug) {
        err.println("jrkt: " + line(message));
        if (debug && ex != null) ex.printStackTrace(err);
        err.flush();
    }
}
