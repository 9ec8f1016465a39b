package jrkt.cli.pod;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jrkt prepare}: prepares a pod without running it and prints its UUID (see run-prepared). */
@Command(name = "prepare", customSynopsis = "jrkt prepare [POD-FLAGS] IMAGE [APP-FLAGS] [-- ARGS... ---] [IMAGE [APP-FLAGS] ...]%n", description = {
        "Prepare a pod from images, to be started with 'jrkt run-prepared'; prints the pod's UUID.",
        "Pod flags come before the first image; each app's flags follow its image (as for 'jrkt run')."})
public final class PrepareCommand extends PreparingCommand {
    // Whether an app gets the terminal is part of the pod's plan, so it is decided here.
    @Option(names = "--interactive", description = "the (single) app gets stdin and the terminal when the pod runs")
    boolean interactive;

    @Override boolean interactive() { return interactive; }

    @Override public Integer call() throws IOException {
        out().println(preparePod());
        out().flush();
        return 0;
    }
}
