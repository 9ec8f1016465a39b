package jrkt.core.isolation;

import java.util.concurrent.CountDownLatch;

import jrkt.core.Threads;

/**
 * The cgroups of a pod started right after it is prepared ({@code jrkt run}), made on a thread of
 * their own while the preparer writes the rest of the pod. Once the isolation plan is decided,
 * prepare still writes the pod manifest, the metadata, the app roots and the plan, and making the
 * cgroups of nine hierarchies (some twenty mkdirs in cgroupfs and a dozen control files, 2-4 ms)
 * fits beside that on a second core. {@link Cgroups#createFor} in the same process
 * then waits for them rather than making them, {@link Cgroups#removeFor} waits before it removes,
 * and a failed prepare removes them ({@link #abandon}). {@link #none} does nothing, for a pod only
 * prepared: cgroup file systems do not survive a reboot, so a prepared pod gets its cgroups when
 * it starts.
 *
 * <p>Once they are made the thread moves the process into its own cgroup again
 * ({@link CgroupMovesPrime#now}): a quick move, which keeps the kernel's moves quick for stage1's
 * placement of the pod's PID 1. The exec waits for the cgroups only ({@link #made}), not for it.
 */
public final class EarlyCgroups {
    /** The pod whose cgroups this process is making ahead (one: a run starts one pod), or null. */
    private static volatile EarlyCgroups ahead;

    private final boolean wanted;
    private String uuid;
    private CgroupPlan plan;
    private Thread thread;
    private volatile RuntimeException failure;
    /** Counted down once the cgroups are made or their making failed (and was undone). */
    private final CountDownLatch made = new CountDownLatch(1);

    private EarlyCgroups(boolean wanted) { this.wanted = wanted; }

    public static EarlyCgroups none() { return new EarlyCgroups(false); }

    /** For a pod that starts at once: {@link #start} will make its cgroups. */
    public static EarlyCgroups wanted() { return new EarlyCgroups(true); }

    /** Starts making the plan's cgroups (the pod's record, written already, names the same); a no-op for none(). */
    public void start(String uuid, CgroupPlan plan) {
        if (!wanted || thread != null) return;
        this.uuid = uuid;
        this.plan = plan;
        thread = new Thread(new Maker(this), "jrkt-cgroups");
        thread.setDaemon(true); // waited for before the exec of stage1, joined before any removal
        ahead = this;
        thread.start();
    }

    /** The thread's work: a failure, already undone by create, is kept for whoever waits. */
    private static final class Maker implements Runnable {
        private final EarlyCgroups of;

        Maker(EarlyCgroups of) { this.of = of; }

        @Override public void run() {
            try {
                Cgroups.createNew(of.plan);
            } catch (RuntimeException e) {
                of.failure = e;
            } finally {
                of.made.countDown();
            }
            if (of.failure == null) CgroupMovesPrime.now();
        }
    }

    /** Removes what was made, after waiting for it; a failure to remove joins the start's error. */
    public void abandon(Throwable failure) {
        if (thread == null) return;
        join();
        try {
            Cgroups.remove(plan);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * For {@link Cgroups#createFor}: whether this process is making the cgroups of pod uuid ahead;
     * then waits for them, and throws what failed (create removed what it had made).
     */
    static boolean madeAhead(String uuid) {
        EarlyCgroups e = ahead;
        if (e == null || !e.uuid.equals(uuid)) return false;
        e.awaitMade(); // not the move after
        if (e.failure != null) throw e.failure;
        return true;
    }

    /** For {@link Cgroups#removeFor}: lets a making of pod uuid's cgroups ahead finish first. */
    static void awaitAhead(String uuid) {
        EarlyCgroups e = ahead;
        if (e != null && e.uuid.equals(uuid)) e.join();
    }

    private void awaitMade() {
        Threads.awaitUninterruptibly(made); // the cgroups must be known made or not before anyone goes on
    }

    private void join() {
        Threads.joinUninterruptibly(thread); // the cgroups must be known made or not before anyone goes on
        if (ahead == this) ahead = null;
    }
}
