package jrkt.core.net;

import java.nio.file.Path;

/**
 * The networks of a pod that is started right after it is prepared ({@code jrkt run}), set up
 * while the preparer goes on (PodPreparer.prepareToRun): {@link #start} once the network plan is
 * written, {@link #finish} once the pod's files are, {@link #abandon} when the preparation fails,
 * which tears down whatever was set up, even after finish. A no-op unless wanted.
 */
public final class EarlyNetworks {
    private final boolean wanted;
    private Path pod;
    private String uuid;
    private PodNetworks.Background running;

    public EarlyNetworks(boolean wanted) { this.wanted = wanted; }

    /** Starts the ADDs of the pod's network plan on a thread of their own. */
    public void start(Path pod, String uuid) {
        if (!wanted) return;
        this.pod = pod;
        this.uuid = uuid;
        running = PodNetworks.Background.start(pod, uuid);
    }

    /** Waits for the ADDs and completes the setup (etc files, status); throws what failed, undone. */
    public void finish() {
        if (running == null) return;
        PodNetworks.Background r = running;
        running = null;
        try {
            r.finish();
        } catch (RuntimeException e) {
            pod = null; // finish undid its own failure
            throw e;
        }
    }

    /** Undoes what was set up; a failure to undo joins the preparation's error. */
    public void abandon(Throwable failure) {
        if (running != null) {
            running.abandon(failure);
        } else if (pod != null) {
            try {
                PodNetworks.tearDown(pod, uuid);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
