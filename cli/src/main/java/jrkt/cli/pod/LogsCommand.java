package jrkt.cli.pod;

import java.io.IOException;
import jrkt.cli.BaseCommand;
import jrkt.core.pod.Pod;
import jrkt.core.pod.PodLogs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jrkt logs UUID}: the output of the apps of a pod run with --detach. */
@Command(name = "logs", description = {
        "Print the output of a pod's apps (kept for pods run with --detach).",
        "With several apps each line starts with 'NAME| '."})
public final class LogsCommand extends BaseCommand {
    @Parameters(arity = "0..1", paramLabel = "UUID", description = PodArgument.UUID_HELP)
    String uuid;

    @Mixin PodArgument podArgument;

    @Option(names = "--app", paramLabel = "NAME", description = "only this app's output")
    String app;

    @Option(names = {"-f", "--follow"}, description = "keep printing new output until the pod ends")
    boolean follow;

    @Override protected boolean opensStore() { return false; }

    @Override public Integer call() throws IOException {
        Pod pod = podArgument.resolve(jrkt().dataDir(), uuid);
        out().flush();
        // The logs are bytes as the apps wrote them: copy them, do not decode them.
        PodLogs.print(pod, app, follow, System.out);
        return 0;
    }
}
