package jrkt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top command: global flags shared by every subcommand. */
@Command(name = "jrkt", mixinStandardHelpOptions = true, description = "A pod-native container runtime.")
public final class JrktCommand implements Runnable {
    public void run() { new CommandLine(this).usage(System.out); }

    static int execute(String[] args) { return new CommandLine(new JrktCommand()).execute(args); }
}
