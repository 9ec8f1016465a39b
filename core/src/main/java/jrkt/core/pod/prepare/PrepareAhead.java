package jrkt.core.pod.prepare;

import jrkt.core.isolation.CgroupHost;
import jrkt.core.isolation.CgroupMovesPrime;

/**
 * What preparing a pod reads that depends on no flag, no image and no store: the host's cgroup
 * hierarchies ({@link CgroupHost#current}, remembered for the process). run and prepare hand it
 * to the warm-up thread ({@code jrkt.sys.NativeWarmUp}), which reads it while the main thread
 * parses, builds the request and opens the store: 2-3 ms of interpreted parsing of
 * /proc/self/mountinfo off the path to stage1's exec. A main thread that gets there first reads
 * it itself; the later read is free. A pod started at once (run) also has its first cgroup
 * move made here, last, as nothing waits for this thread after it, unless the JNI gate made it
 * already ({@link CgroupMovesPrime}).
 */
public final class PrepareAhead implements Runnable {
    private final boolean primeCgroupMoves;

    /** primeCgroupMoves: the pod starts right after it is prepared (run). */
    public PrepareAhead(boolean primeCgroupMoves) { this.primeCgroupMoves = primeCgroupMoves; }

    /** Reads it, then moves; a failure is left for prepare's own read to report. */
    @Override public void run() {
        try {
            CgroupHost.current();
        } catch (RuntimeException e) {
            // prepare reads it again and reports what is wrong
        }
        if (primeCgroupMoves && !jrkt.sys.NativeWarmUp.cgroupMovesPrimed()) CgroupMovesPrime.now(); // else the gate did, earlier
    }
}
