package jrkt.cli;

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;
import jrkt.cli.args.CliModel;
import jrkt.cli.args.ModelParser;
import jrkt.core.Phases;
import jrkt.core.fs.DiskSpace;
import jrkt.sys.NativeWarmUp;

/**
 * Entry point. A command line is parsed by the build-time model of the command tree
 * ({@link ModelParser}) and its command run here; anything the model leaves to picocli (help, a
 * usage error, a rare syntax) goes to picocli, which parses and runs it as it always did.
 * Failures become one line on stderr and exit 254; subcommands' statuses pass through.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int status = run(args);
        System.out.flush();
        System.err.flush();
        // halt, not exit: everything is flushed and closed, no shutdown hook is jrkt's, and
        // System.exit would first set up the JDK's logging to log the exit (10 ms of every command)
        Runtime.getRuntime().halt(status);
    }

    /** Runs one jrkt command line and returns its exit status. */
    static int run(String[] args) {
        Phases.start();
        if (callsNativeSurely()) NativeWarmUp.begin(); // the gate loads while the line is parsed
        CliModel model = CliModel.get();
        ModelParser.Parsed parsed = model == null ? null : ModelParser.parse(model, args);
        if (parsed == null) {
            NativeWarmUp.cancel();
            return runWithPicocli(args);
        }
        if (!(parsed.command() instanceof BaseCommand base)) NativeWarmUp.plan(false, true, null);
        else if (base.callsNative()) NativeWarmUp.plan(base.primesCgroupMoves(), base.opensStore(), base.workAhead());
        else NativeWarmUp.cancel();
        Phases.mark("parse");
        return execute(parsed);
    }

    /**
     * Whether the command line, before it is parsed, is sure to name a command that calls C
     * functions: the launcher tells the group of commands it picked the AOT cache for
     * ({@code -Djrkt.command-group}); all but "info" (version, config, help) open the store or
     * read pods. Without the launcher's word, the warm-up waits for the parse.
     */
    private static boolean callsNativeSurely() {
        String group = System.getProperty("jrkt.command-group");
        return group != null && !group.equals("info");
    }

    /** Runs a command the model parsed, as picocli's execute would: call(), its status, errors as one line. */
    private static int execute(ModelParser.Parsed parsed) {
        try (JrktCommand root = (JrktCommand) parsed.root()) {
            PrintWriter out = writer(System.out, "sun.stdout.encoding");
            PrintWriter err = writer(System.err, "sun.stderr.encoding");
            Object command = parsed.command();
            if (command instanceof BaseCommand base) base.attach(root, parsed.model(), out, err);
            int status;
            try {
                Object result = ((Callable<?>) command).call();
                status = result instanceof Integer code ? code : 0;
            } catch (Exception e) {
                String message = Errors.noSpace(e, root) ? new DiskSpace.NoSpaceException(root.dataDir()).getMessage() : Errors.describe(e);
                Errors.report(err, message, e, root.debug());
                status = Errors.EXIT_ERROR;
            } catch (StackOverflowError | OutOfMemoryError e) {
                // never a JVM stack trace on the user's terminal, whatever escapes
                Errors.report(err, "internal error: " + e + " (run with --debug for the stack trace)", e, root.debug());
                status = Errors.EXIT_ERROR;
            }
            out.flush();
            Phases.mark("command");
            if (root.debug()) {
                err.print(Phases.report("exit"));
                err.flush();
            }
            return status;
        }
    }

    /** picocli's parse and run of the whole command tree (only the command named is built). */
    private static int runWithPicocli(String[] args) {
        try (JrktCommand root = new JrktCommand()) {
            var commandLine = root.commandLine(args);
            int status;
            try {
                status = commandLine.execute(args);
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                // picocli hands only Exceptions to jrkt's handler: whatever else escapes still
                // becomes one line, never a JVM stack trace on the user's terminal
                Errors.report(commandLine.getErr(), "internal error: " + e + " (run with --debug for the stack trace)", e, root.debug());
                status = Errors.EXIT_ERROR;
            }
            commandLine.getOut().flush();
            Phases.mark("picocli");
            if (root.debug()) {
                PrintWriter err = commandLine.getErr();
                err.print(Phases.report("exit"));
                err.flush();
            }
            return status;
        }
    }

    /** The writer picocli would make for this stream: its charset property, else the default, autoflush on println. */
    private static PrintWriter writer(OutputStream stream, String charsetProperty) {
        Charset charset = Charset.defaultCharset();
        String name = System.getProperty(charsetProperty);
        if (name != null) {
            try {
                charset = Charset.forName(name);
            } catch (RuntimeException e) {
                // picocli too falls back to the default charset
            }
        }
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, charset)), true);
    }
}
