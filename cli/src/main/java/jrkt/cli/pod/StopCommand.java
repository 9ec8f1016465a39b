package jrkt.cli.pod;

import java.util.ArrayList;
import java.util.List;
import jrkt.cli.BaseCommand;
import jrkt.core.pod.Pod;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.PodStopper;
import jrkt.core.pod.Pods;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jrkt stop UUID...}: asks running pods to end; prints each pod it stopped. */
@Command(name = "stop", description = "Stop running pods: SIGTERM to the pod's init (SIGKILL with --force). Prints each stopped pod's UUID.")
public final class StopCommand extends BaseCommand {
    @Parameters(arity = "0..*", paramLabel = "UUID", description = "pods: each a UUID or an unambiguous prefix")
    List<String> uuids = new ArrayList<>();

    @Mixin PodArgument podArgument;

    @Option(names = "--force", description = "kill the pod (SIGKILL) instead of asking it to stop")
    boolean force;

    @Override protected boolean opensStore() { return false; }

    @Override public Integer call() {
        Pods pods = new Pods(new PodDirs(jrkt().dataDir()));
        return forEachItem("stop", podArgument.each(uuids), what -> {
            Pod pod = pods.resolve(what);
            PodStopper.stop(pod, force);
            return pod.uuid();
        });
    }
}
