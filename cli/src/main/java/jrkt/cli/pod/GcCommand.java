package jrkt.cli.pod;

import java.time.Duration;
import jrkt.cli.BaseCommand;
import jrkt.cli.Errors;
import jrkt.cli.GoDuration;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.PodGc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jrkt gc}: rkt's two-phase pod garbage collection (docs/pods.md, "Garbage collection"). */
@Command(name = "gc", description = {
        "Garbage-collect pods: mark exited pods, and remove those marked longer than the grace period.",
        "Prepared pods older than --expire-prepared and abandoned preparations are removed too."})
public final class GcCommand extends BaseCommand {
    @Option(names = "--grace-period", paramLabel = "DURATION", converter = GoDuration.class, defaultValue = "30m",
            description = "keep exited pods this long after they were marked (default: ${DEFAULT-VALUE})")
    Duration gracePeriod;

    @Option(names = "--expire-prepared", paramLabel = "DURATION", converter = GoDuration.class, defaultValue = "24h",
            description = "remove prepared pods not run within this long (default: ${DEFAULT-VALUE})")
    Duration expirePrepared;

    @Option(names = "--mark-only", description = "only mark exited pods as garbage; remove nothing")
    boolean markOnly;

    @Override public Integer call() {
        PodGc gc = new PodGc(new PodDirs(jrkt().dataDir()), line -> {
            out().println(line);
            out().flush();
        });
        PodGc.Result result = gc.gc(new PodGc.Options(gracePeriod, expirePrepared, markOnly, jrkt().debug()));
        for (String failure : result.failures()) warn("gc: " + failure);
        return result.failures().isEmpty() ? 0 : Errors.EXIT_ERROR;
    }
}
