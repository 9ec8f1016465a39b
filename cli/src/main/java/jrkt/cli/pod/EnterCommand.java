package jrkt.cli.pod;

import java.util.ArrayList;
import java.util.List;
import jrkt.cli.BaseCommand;
import jrkt.core.pod.Pod;
import jrkt.core.pod.PodEnter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jrkt enter [--app=NAME] UUID [CMD [ARGS...]]}: runs a command in a running app; exits
 * with its status. Parsed with stopAtPositional, so the command's own flags stay its own.
 */
@Command(name = "enter", description = {
        "Run a command (default: /bin/sh) inside an app of a running pod; exits with the command's status.",
        "Flags go before the UUID; everything after the UUID is the command."})
public final class EnterCommand extends BaseCommand {
    @Parameters(arity = "0..*", paramLabel = "[UUID] [CMD [ARGS...]]", hideParamSyntax = true,
            description = "the pod (UUID or unambiguous prefix; omitted with --uuid-file), then the command")
    List<String> arguments = new ArrayList<>();

    @Mixin PodArgument podArgument;

    @Option(names = "--app", paramLabel = "NAME", description = "the app to enter (needed when the pod has several)")
    String app;

    @Override protected boolean opensStore() { return false; }

    @Override public Integer call() {
        List<String> rest = new ArrayList<>(arguments);
        String uuid = podArgument.uuidFile == null && !rest.isEmpty() ? rest.removeFirst() : null;
        Pod pod = podArgument.resolve(jrkt().dataDir(), uuid);
        PodEnter.enter(pod, app, rest, jrkt().debug()); // becomes stage1's enter, whose status is the command's
        throw new IllegalStateException("unreachable: enter returned");
    }
}
