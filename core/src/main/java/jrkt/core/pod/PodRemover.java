package jrkt.core.pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.isolation.Cgroups;
import jrkt.core.metadata.PodKeys;
import jrkt.core.net.PodNetworks;
import jrkt.core.pod.userns.IdRanges;

/** {@code jrkt rm}: removes pods that are not running, undoing what stage1 left behind first. */
public final class PodRemover {
    private static final Set<PodState> REMOVABLE = Set.of(PodState.EMBRYO, PodState.ABORTED_PREPARE,
        PodState.PREPARED, PodState.EXITED, PodState.EXITED_GARBAGE, PodState.GARBAGE);

    private final PodDirs dirs;
    private final boolean debug;

    public PodRemover(PodDirs dirs, boolean debug) {
        this.dirs = dirs;
        this.debug = debug;
    }

    /** Removes one pod; throws JrktException when it is running, busy, or its stage1 gc failed. */
    public void remove(Pod pod) {
        if (!REMOVABLE.contains(pod.state())) {
            throw new JrktException("pod " + pod.uuid() + " is " + pod.state() + "; only pods that are not running can be removed"
                + (pod.state() == PodState.RUNNING ? " (stop it first)" : ""));
        }
        PodLock lock;
        try {
            lock = PodLock.tryExclusive(pod.dir());
        } catch (PodLock.NoSuchPod e) {
            throw new JrktException("pod " + pod.uuid() + " changed state while being removed; try again");
        }
        if (lock == null) throw new JrktException("pod " + pod.uuid() + " is locked by another process (running, being started or removed)");
        try (lock) {
            Path garbage = moveLocked(pod.dir(), PodDirs.GARBAGE, pod.uuid());
            sweepLocked(garbage, pod.uuid());
        }
    }

    /** Renames a locked pod directory into another state directory; returns its new path. */
    Path moveLocked(Path from, String toState, String uuid) {
        Path to = dirs.pod(toState, uuid);
        if (from.equals(to)) return to;
        try {
            Files.createDirectories(to.getParent());
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new JrktException("cannot move pod " + uuid + " from " + from + " to " + to + ": " + e.getMessage(), e);
        }
        return to;
    }

    /**
     * The pod's stage1 gc entrypoint, or null when there is none to run: the pod has no stage1, or
     * it never started (no pid) and its stage1 is unusable because a preparation killed while
     * copying it left it incomplete; stage1 then has nothing to undo.
     */
    private static Path stage1Gc(Path podDir) {
        if (!Files.exists(podDir.resolve(Stage1Entrypoints.MANIFEST))) return null;
        boolean neverStarted = !Files.exists(podDir.resolve("pid"));
        try {
            Path gc = Stage1Entrypoints.read(podDir).gc();
            return gc != null && neverStarted && !Files.isExecutable(gc) ? null : gc;
        } catch (JrktException unreadable) {
            if (neverStarted) return null;
            throw unreadable;
        }
    }

    /**
     * With the pod's lock held and the pod in garbage/: its signing key, stage1 gc (when the pod has a stage1),
     * then the pod's cgroups, the networks' teardown (CNI DEL, the namespace), then unmount and
     * delete. A failing stage1 gc, a cgroup that stays busy or a failing DEL keeps the pod, so that
     * what it should have undone is not forgotten; the next gc tries again.
     */
    void sweepLocked(Path garbageDir, String uuid) {
        PodKeys.destroy(dirs, uuid); // first: a pod half deleted no longer verifies
        Path gc = stage1Gc(garbageDir);
        if (gc != null) {
            List<String> args = new ArrayList<>();
            if (debug) args.add("--debug");
            args.add(uuid);
            int status = Stage1Process.run(garbageDir, gc, args);
            if (status != 0) {
                throw new JrktException("stage1 gc of pod " + uuid + " failed with status " + status + "; the pod stays in " + garbageDir);
            }
            // stage1's work is done: a deletion that stops half-way (an immutable file) must not
            // leave a manifest naming a gc entrypoint that is already deleted, or no gc could go on.
            try {
                Files.delete(garbageDir.resolve(Stage1Entrypoints.MANIFEST));
            } catch (IOException e) {
                throw new JrktException("cannot delete pod " + uuid + ": " + IoErrors.describe(e), e);
            }
        }
        Cgroups.removeFor(garbageDir);
        try {
            PodNetworks.tearDown(garbageDir, uuid);
        } catch (JrktException e) {
            throw new JrktException(e.getMessage() + "; the pod stays in " + garbageDir, e);
        }
        PodDeleter.delete(garbageDir);
        IdRanges.release(dirs, uuid); // after the files: a crash in between leaves a record the next allocation drops
    }
}
