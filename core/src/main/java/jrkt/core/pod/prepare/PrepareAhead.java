package jrkt.core.pod.prepare;

import jrkt.core.isolation.CgroupHost;
import jrkt.core.isolation.Cgroups;

/**
 * What preparing a pod reads that depends on no flag, no image and no store: the host's cgroup
 * hierarchies ({@link CgroupHost#current}, remembered for the process). run and prepare hand it
 * to the warm-up thread ({@code jrkt.sys.NativeWarmUp}), which reads it while the main thread
 * parses, builds the request and opens the store: 2-3 ms of interpreted parsing of
 * /proc/self/mountinfo off the path to stage1's exec. A main thread that gets there first reads
 * it itself; the later read is free. For {@code run} it also primes the kernel's cgroup moves
 * ({@link Cgroups#primeMoves}), which stage1 makes when the pod starts.
 */
public final class PrepareAhead implements Runnable {
    private final boolean startsAtOnce;

    /** startsAtOnce: the pod is run right after ({@code jrkt run}), and its start's cgroup moves are primed too. */
    public PrepareAhead(boolean startsAtOnce) { this.startsAtOnce = startsAtOnce; }

    /** Reads it; a failure is left for prepare's own read to report. */
    @Override public void run() {
        try {
            CgroupHost host = CgroupHost.current();
            if (startsAtOnce) Cgroups.primeMoves(host);
        } catch (RuntimeException e) {
            // prepare reads it again and reports what is wrong
        }
    }
}
