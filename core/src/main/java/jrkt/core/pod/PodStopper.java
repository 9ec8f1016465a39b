package jrkt.core.pod;

import java.nio.file.Path;
import java.util.List;
import jrkt.core.JrktException;

/** {@code jrkt stop}: asks stage1's stop entrypoint to end a running pod (SIGTERM, or SIGKILL with force). */
public final class PodStopper {
    private PodStopper() {}

    public static void stop(Pod pod, boolean force) {
        requireRunning(pod, "stop");
        Path stop = Stage1Entrypoints.require(pod.stage1().stop(), pod.dir(), "stop");
        int status = Stage1Process.run(pod.dir(), stop, force ? List.of("--force") : List.of());
        if (status != 0) throw new JrktException("stage1 stop of pod " + pod.uuid() + " failed with status " + status);
    }

    static void requireRunning(Pod pod, String what) {
        if (pod.state() != PodState.RUNNING) {
            throw new JrktException("cannot " + what + " pod " + pod.uuid() + ": it is " + pod.state() + ", not running");
        }
    }
}
