package jrkt.cli;

/** Entry point: runs the picocli command tree; failures become one line on stderr and exit 254. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one jrkt command line and returns its exit status; subcommands' statuses pass through. */
    static int run(String[] args) {
        try (JrktCommand root = new JrktCommand()) {
            var commandLine = root.commandLine(args);
            try {
                int status = commandLine.execute(args);
                commandLine.getOut().flush();
                return status;
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                // picocli hands only Exceptions to jrkt's handler: whatever else escapes still
                // becomes one line, never a JVM stack trace on the user's terminal
                var err = commandLine.getErr();
                Errors.report(err, "internal error: " + e + " (run with --debug for the stack trace)", e, root.debug());
                return Errors.EXIT_ERROR;
            }
        }
    }
}
