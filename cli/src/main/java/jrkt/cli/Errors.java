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

    /**
     * The message on one line: each line break, with the white space around it, becomes "; ".
     * What {@code replaceAll("\\s*\\R\\s*", "; ")} does, written out: a failed start prints its
     * error through here, and the AOT training's starts all fail, so a regex here put the regex
     * engine in the run group's cache, loaded at every start.
     */
    static String oneLine(String message) {
        if (message == null) return "unknown error";
        String s = message.strip();
        StringBuilder out = null;
        int n = s.length(), copied = 0;
        for (int i = 0; i < n; ) {
            char c = s.charAt(i);
            boolean space = isSpace(c);
            if (!space && !isUnicodeBreak(c)) {
                i++;
                continue;
            }
            int end = i; // the run of \s from i
            boolean breaks = false;
            while (end < n && isSpace(s.charAt(end))) breaks |= isSpaceBreak(s.charAt(end++));
            if (end < n && isUnicodeBreak(s.charAt(end))) { // \R after the run: it and the spaces after it go too
                breaks = true;
                end++;
                while (end < n && isSpace(s.charAt(end))) end++;
            }
            if (breaks) {
                if (out == null) out = new StringBuilder(n);
                out.append(s, copied, i).append("; ");
                copied = end;
            }
            i = end;
        }
        return out == null ? s : out.append(s, copied, n).toString();
    }

    /** {@code \s}: ASCII white space. */
    private static boolean isSpace(char c) { return c == ' ' || c == '\t' || isSpaceBreak(c); }

    /** The line breaks of {@code \R} that are also {@code \s}. */
    private static boolean isSpaceBreak(char c) { return c == '\n' || c == '\r' || c == '\u000B' || c == '\f'; }

    /** The line breaks of {@code \R} that are not {@code \s}: NEL and the Unicode line and paragraph separators. */
    private static boolean isUnicodeBreak(char c) { return c == '\u0085' || c == '\u2028' || c == '\u2029'; }

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
