package jrkt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import jrkt.core.store.Store;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every jrkt subcommand needs: the global options, the store, and its output streams. */
public abstract class BaseCommand implements Callable<Integer> {
    @Spec protected CommandSpec spec;

    protected JrktCommand jrkt() { return JrktCommand.of(spec); }

    protected Store store() throws IOException { return jrkt().openStore(); }

    protected PrintWriter out() { return spec.commandLine().getOut(); }

    protected PrintWriter err() { return spec.commandLine().getErr(); }

    /** A message about one item among several (rm, verify): {@code jrkt: <message>} on stderr. */
    protected void warn(String message) {
        err().println("jrkt: " + message);
        err().flush();
    }
}
