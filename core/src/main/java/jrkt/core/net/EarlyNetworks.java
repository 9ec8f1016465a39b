package jrkt.core.net;

import java.nio.file.Path;

/**
 * The networks of a pod that is started right after it is prepared ({@code jrkt run}), set up
 * while the rest of the start goes on: {@link #begin} makes the network namespace at once (before
 * the store is even opened), {@link #start} runs the ADDs on a thread of their own once the
 * preparer wrote the network plan, {@link #finish} completes them once the pod's files are
 * written, and {@link #abandon} undoes whatever was done when the start fails, even after finish.
 * {@link #none} does nothing, for a pod that is only prepared.
 */
public final class EarlyNetworks {
    private NetNamespace.Pending namespace;
    private Path pod;
    private String uuid;
    private PodNetworks.Background running;
    private final boolean wanted;

    private EarlyNetworks(boolean wanted) {
        this.wanted = wanted;
        if (wanted) namespace = NetNamespace.begin();
    }

    public static EarlyNetworks none() { return new EarlyNetworks(false); }

    /** Whether this makes networks at all (begin(), not none()). */
    public boolean wanted() { return wanted; }

    /** Starts making the namespace now. */
    public static EarlyNetworks begin() { return new EarlyNetworks(true); }

    /** Starts the ADDs of the pod's network plan (written by PodNetworks.prepare); a no-op for none(). */
    public void start(Path pod, String uuid) {
        if (!wanted) return;
        this.pod = pod;
        this.uuid = uuid;
        NetNamespace.Pending ns = namespace;
        namespace = null; // the background setup owns it now
        running = PodNetworks.Background.start(pod, uuid, ns);
    }

    /** Waits for the ADDs and completes the setup (etc files, status); throws what failed, undone. */
    public void finish() {
        if (namespace != null) { // never started: the pod has no networks after all
            namespace.cancel();
            namespace = null;
        }
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

    /** Undoes what was set up; a failure to undo joins the start's error. */
    public void abandon(Throwable failure) {
        if (namespace != null) {
            namespace.cancel();
            namespace = null;
        }
        if (running != null) {
            running.abandon(failure);
            running = null;
        } else if (pod != null) {
            try {
                PodNetworks.tearDown(pod, uuid);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        pod = null;
    }
}
