package jrkt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import jrkt.cli.args.CommandModel;
import jrkt.core.json.Json;
import jrkt.core.store.Store;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every jrkt subcommand needs: the global options, the store, and its output streams.
 * A command runs in one of two ways: parsed by the build-time model ({@link Main}), which
 * {@link #attach attaches} the root and the streams, or parsed by picocli, which injects its spec.
 */
public abstract class BaseCommand implements Callable<Integer> {
    @Spec protected CommandSpec spec;

    private JrktCommand root;
    private CommandModel model;
    private PrintWriter out, err;

    /** For a command parsed without picocli: the root command with the global options, its model, the streams. */
    void attach(JrktCommand root, CommandModel model, PrintWriter out, PrintWriter err) {
        this.root = root;
        this.model = model;
        this.out = out;
        this.err = err;
    }

    /** This command's build-time model when it was parsed with it; null when picocli parsed it (then {@link #spec} is set). */
    protected CommandModel commandModel() { return model; }

    /**
     * Whether this command calls C functions (opens the store, tests a pod's lock): then
     * {@link Main} has the FFM API's first-use cost paid on a second thread while it parses.
     */
    protected boolean callsNative() { return true; }

    /**
     * Whether the command may open the image store: then the warm-up loads libsqlite3 too
     * (about a millisecond of a second core, and the dynamic loader's lock while it lasts).
     */
    protected boolean opensStore() { return true; }

    /**
     * Work the warm-up thread may do after its own, beside the main thread: it needs no flag and
     * no store, and what it computes is remembered where the command reads it (null: none).
     */
    protected Runnable workAhead() { return null; }

    /** Whether the command starts a pod at once (run): the warm-up then primes the kernel's cgroup moves (CgroupMovesPrime). */
    protected boolean primesCgroupMoves() { return false; }

    protected JrktCommand jrkt() { return root != null ? root : JrktCommand.of(spec); }

    protected Store store() throws IOException { return jrkt().openStore(); }

    /** The store, for a command that reads it and writes nothing (see {@link Store#openToRead}). */
    protected Store storeToRead() throws IOException { return jrkt().openStoreToRead(); }

    protected PrintWriter out() { return out != null ? out : spec.commandLine().getOut(); }

    protected PrintWriter err() { return err != null ? err : spec.commandLine().getErr(); }

    /** Does something to one item (an image, a pod) and returns the line to print for it. */
    protected interface ItemAction {
        String apply(String item) throws Exception;
    }

    /**
     * For commands taking several items (rm, stop, image rm): applies action to each, printing its
     * line; one that fails is reported as {@code jrkt: VERB ITEM: why} and the others still go on.
     * Returns 254 if any failed, else 0.
     */
    protected int forEachItem(String verb, List<String> items, ItemAction action) {
        int failed = 0;
        for (String item : items) {
            try {
                out().println(action.apply(item));
                out().flush();
            } catch (Exception e) {
                failed++;
                warn(verb + " " + item + ": " + Errors.describe(e));
            }
        }
        return failed == 0 ? 0 : Errors.EXIT_ERROR;
    }

    /** A manifest (cat-manifest of an image or a pod): the stored bytes as they are, or re-indented. */
    protected void printManifest(byte[] stored, boolean prettyPrint) {
        String text = prettyPrint ? Json.writePretty(Json.parse(stored)) : Json.terminalSafe(new String(stored, StandardCharsets.UTF_8));
        out().print(text);
        if (!text.endsWith("\n")) out().println();
        out().flush();
    }

    /** A message about one item among several (rm, verify): {@code jrkt: <message>} on stderr. */
    protected void warn(String message) {
        Errors.report(err(), message, null, false);
    }
}
