package jrkt.cli.pod;

import java.util.ArrayList;
import java.util.List;
import jrkt.cli.BaseCommand;
import jrkt.core.pod.Pod;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.PodRemover;
import jrkt.core.pod.Pods;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code jrkt rm UUID...}: removes pods that are not running; prints each removed pod's UUID. */
@Command(name = "rm", description = "Remove pods that are not running (prepared, exited, garbage). Prints each removed pod's UUID.")
public final class RmCommand extends BaseCommand {
    @Parameters(arity = "0..*", paramLabel = "UUID", description = "pods: each a UUID or an unambiguous prefix")
    List<String> uuids = new ArrayList<>();

    @Mixin PodArgument podArgument;

    @Override public Integer call() {
        PodDirs dirs = new PodDirs(jrkt().dataDir());
        PodRemover remover = new PodRemover(dirs, jrkt().debug());
        return forEachItem("rm", podArgument.each(uuids), what -> {
            Pod pod = new Pods(dirs).resolve(what);
            remover.remove(pod);
            return pod.uuid();
        });
    }
}
