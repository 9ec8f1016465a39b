package jrkt.core.pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.Threads;
import jrkt.core.net.PodNetworks;

/**
 * {@code jrkt gc}, as rkt does it: marks exited pods as exited-garbage and prepared pods that
 * expired or preparations that died as garbage, then (after the grace period for exited pods)
 * sweeps them. A pod whose lock someone holds is never touched, so a running pod, or one that
 * is being started, is safe even when gc races its start.
 */
public final class PodGc {
    /** Written when an exited pod is marked; its mtime starts the grace period. */
    public static final String MARK_FILE = "gc-marked";
    /**
     * An unlocked embryo or prepare/ directory is collected only once nothing changed in it for
     * this long: its preparer may be between mkdir and flock, or be an older jrkt that did not lock.
     */
    public static final Duration ABANDONED_AFTER = Duration.ofMinutes(10);

    public record Options(Duration gracePeriod, Duration expirePrepared, boolean markOnly, boolean debug) {
        public static Options defaults() { return new Options(Duration.ofMinutes(30), Duration.ofHours(24), false, false); }
    }

    /** What one gc did: pods marked, pods deleted, and one line for each pod it failed on. */
    public record Result(List<String> marked, List<String> removed, List<String> failures) {}

    private final PodDirs dirs;
    private final Pods pods;
    private final Consumer<String> progress;

    /** progress receives one line per action ("Moving pod ... to garbage"), for the CLI to print. */
    public PodGc(PodDirs dirs, Consumer<String> progress) {
        this.dirs = dirs;
        this.pods = new Pods(dirs);
        this.progress = progress;
    }

    public Result gc(Options options) {
        Result r = new Result(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        PodRemover remover = new PodRemover(dirs, options.debug());

        for (String uuid : pods.uuidsIn(PodDirs.RUN)) {
            mark(remover, PodDirs.RUN, uuid, PodDirs.EXITED_GARBAGE, "exited", r);
        }
        for (String uuid : pods.uuidsIn(PodDirs.PREPARED)) {
            Path dir = dirs.pod(PodDirs.PREPARED, uuid);
            Instant created = createdOf(dir);
            if (created != null && !created.plus(options.expirePrepared()).isAfter(Instant.now())) {
                mark(remover, PodDirs.PREPARED, uuid, PodDirs.GARBAGE, "expired prepared", r);
            } else {
                releaseAbandonedNetworks(PodDirs.PREPARED, uuid, r);
            }
        }
        for (String uuid : pods.uuidsIn(PodDirs.PREPARE)) {
            if (untouchedFor(dirs.pod(PodDirs.PREPARE, uuid), ABANDONED_AFTER)) {
                mark(remover, PodDirs.PREPARE, uuid, PodDirs.GARBAGE, "aborted prepare", r);
            } else {
                releaseAbandonedNetworks(PodDirs.PREPARE, uuid, r);
            }
        }
        for (String uuid : pods.uuidsIn(PodDirs.EMBRYO)) {
            if (untouchedFor(dirs.pod(PodDirs.EMBRYO, uuid), ABANDONED_AFTER)) {
                mark(remover, PodDirs.EMBRYO, uuid, PodDirs.GARBAGE, "abandoned embryo", r);
            }
        }
        if (options.markOnly()) return r;

        List<String> due = new ArrayList<>();
        for (String uuid : pods.uuidsIn(PodDirs.EXITED_GARBAGE)) {
            Path dir = dirs.pod(PodDirs.EXITED_GARBAGE, uuid);
            Instant marked = Pod.mtime(dir.resolve(MARK_FILE));
            if (marked == null) marked = Pod.mtime(dir);
            if (marked != null && !marked.plus(options.gracePeriod()).isAfter(Instant.now())) due.add(uuid);
        }
        sweepAll(remover, PodDirs.EXITED_GARBAGE, due, r);
        List<String> garbage = new ArrayList<>();
        for (String uuid : pods.uuidsIn(PodDirs.GARBAGE)) {
            if (!failed(r, uuid)) garbage.add(uuid); // tried once in this gc is enough
        }
        sweepAll(remover, PodDirs.GARBAGE, garbage, r);
        return r;
    }

    private void mark(PodRemover remover, String fromState, String uuid, String toState, String why, Result r) {
        Path dir = dirs.pod(fromState, uuid);
        try (PodLock lock = lockOrNull(dir)) {
            if (lock == null) return; // running, being prepared, or someone else is on it
            Path moved = remover.moveLocked(dir, toState, uuid);
            if (toState.equals(PodDirs.EXITED_GARBAGE)) {
                // created (or emptied) by java.io: NIO's Files.write sets up its channels, some 35
                // classes that the pods group's AOT cache would load at every start
                new java.io.FileOutputStream(moved.resolve(MARK_FILE).toFile()).close();
            }
            report("Moving " + why + " pod " + uuid + " to " + toState);
            r.marked().add(uuid);
        } catch (RuntimeException | IOException e) {
            r.failures().add("pod " + uuid + ": " + why(e));
        }
    }

    /**
     * Sweeps the pods on two threads a CPU (at most {@link #MAX_SWEEPERS}): a sweep is one pod's own
     * files, cgroups, networks and stage1 gc process, under that pod's lock, and a sweeper spends
     * much of its time waiting for that process. 1,000 exited pods on 2 CPUs: 3.7-3.8 s on one
     * thread, 2.2-2.5 s on two, 1.3-1.4 s on four.
     */
    private void sweepAll(PodRemover remover, String state, List<String> uuids, Result r) {
        int threads = Math.min(uuids.size(), Math.min(MAX_SWEEPERS, 2 * Runtime.getRuntime().availableProcessors()));
        Sweeper sweeper = new Sweeper(this, remover, state, uuids);
        Thread[] helpers = new Thread[Math.max(0, threads - 1)];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Thread(sweeper, "jrkt-gc-sweep-" + (i + 1));
            helpers[i].start();
        }
        sweeper.run();
        for (Thread helper : helpers) Threads.joinUninterruptibly(helper);
        // the result in the pods' order, whichever thread finished first
        for (int i = 0; i < uuids.size(); i++) {
            if (sweeper.removed[i]) r.removed().add(uuids.get(i));
            else if (sweeper.failures[i] != null) r.failures().add("pod " + uuids.get(i) + ": " + sweeper.failures[i]);
        }
    }

    static final int MAX_SWEEPERS = 8;

    /** Takes the next pod of the list until none is left; as many run as sweepAll starts. */
    private static final class Sweeper implements Runnable {
        private final PodGc gc;
        private final PodRemover remover;
        private final String state;
        private final List<String> uuids;
        // each element written by the one thread that swept that pod, read after the joins;
        // neither set: the pod was skipped (another gc or rm holds it)
        private final boolean[] removed;
        private final String[] failures;
        private final AtomicInteger next = new AtomicInteger();

        Sweeper(PodGc gc, PodRemover remover, String state, List<String> uuids) {
            this.gc = gc;
            this.remover = remover;
            this.state = state;
            this.uuids = uuids;
            this.removed = new boolean[uuids.size()];
            this.failures = new String[uuids.size()];
        }

        @Override public void run() {
            for (int i = next.getAndIncrement(); i < uuids.size(); i = next.getAndIncrement()) {
                String uuid = uuids.get(i);
                try {
                    removed[i] = gc.sweep(remover, state, uuid);
                } catch (RuntimeException e) {
                    // One pod that cannot go (immutable files, a stage1 gc that fails) must not keep the
                    // others: it is reported, stays where it is, and the next gc tries it again.
                    failures[i] = why(e);
                }
            }
        }
    }

    /** Removes one pod; false: someone else holds it. */
    private boolean sweep(PodRemover remover, String state, String uuid) {
        Path dir = dirs.pod(state, uuid);
        try (PodLock lock = lockOrNull(dir)) {
            if (lock == null) return false; // another gc or rm is deleting it
            Path garbage = remover.moveLocked(dir, PodDirs.GARBAGE, uuid);
            report("Garbage collecting pod " + uuid);
            remover.sweepLocked(garbage, uuid);
            return true;
        }
    }

    /** One progress line at a time, whichever sweeping thread tells it. */
    private synchronized void report(String line) { progress.accept(line); }

    private static String why(Exception e) {
        if (e instanceof java.io.UncheckedIOException u) return IoErrors.describe(u.getCause());
        if (e instanceof IOException io) return IoErrors.describe(io);
        return e instanceof JrktException ? e.getMessage() : String.valueOf(e);
    }

    private static boolean failed(Result r, String uuid) {
        for (String f : r.failures()) if (f.startsWith("pod " + uuid + ": ")) return true;
        return false;
    }

    /**
     * A {@code jrkt run} killed before it started its pod leaves the networks it set up meanwhile
     * (jrkt.core.net.PodNetworks.setUpAbandoned): they go now, not when the pod expires.
     */
    private void releaseAbandonedNetworks(String state, String uuid, Result r) {
        Path dir = dirs.pod(state, uuid);
        if (!PodNetworks.setUpAbandoned(dir)) return;
        try (PodLock lock = lockOrNull(dir)) {
            if (lock == null || !PodNetworks.setUpAbandoned(dir)) return; // someone is on it
            PodNetworks.tearDown(dir, uuid);
            report("Released the networks of pod " + uuid + ", whose start was interrupted");
        } catch (JrktException e) {
            r.failures().add("pod " + uuid + ": " + e.getMessage());
        }
    }

    private static PodLock lockOrNull(Path dir) {
        try {
            return PodLock.tryExclusive(dir);
        } catch (PodLock.NoSuchPod moved) {
            return null;
        }
    }

    private static boolean untouchedFor(Path dir, Duration d) {
        Instant t = Pod.mtime(dir);
        return t != null && !t.plus(d).isAfter(Instant.now());
    }

    private static Instant createdOf(Path dir) {
        Instant t = Pod.mtime(dir.resolve(Pod.MANIFEST));
        return t != null ? t : Pod.mtime(dir);
    }
}
