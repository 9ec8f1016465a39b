package jrkt.core.pod.prepare;

import jrkt.core.isolation.CgroupHost;
import jrkt.core.isolation.SeccompPolicy;

/**
 * What preparing a pod reads that depends on no image and no store: the host's cgroup
 * hierarchies ({@link CgroupHost#current}) and jrkt's default seccomp filter (a resource of
 * jrkt's jars). run and prepare read them before they open the store, while the process's
 * first FFM downcall is being made on a thread of its own ({@code jrkt.sys.NativeWarmUp}):
 * the store cannot open before that is done, so the main thread would only wait, and these
 * reads, 5-7 ms of a start when prepare made them, cost no time there. Later reads are free.
 */
public final class PrepareAhead {
    private PrepareAhead() {}

    /** Reads them; a failure is left for prepare's own read to report. */
    public static void read() {
        try {
            CgroupHost.current();
            SeccompPolicy.jrktDefault().compile();
        } catch (RuntimeException e) {
            // prepare reads them again and reports what is wrong
        }
    }
}
