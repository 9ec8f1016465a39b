package jrkt.core.pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** Real pod directories and real flocks held by another process, for the pod tests. */
final class PodTestSupport {
    private PodTestSupport() {}

    /** Creates {@code <data>/pods/<state>/<uuid>} with a pod manifest naming one app. */
    static Path makePod(PodDirs dirs, String state, String uuid) throws IOException {
        Path dir = Files.createDirectories(dirs.pod(state, uuid));
        Files.writeString(dir.resolve(Pod.MANIFEST), """
            {"acKind":"PodManifest","acVersion":"0.8.11","apps":[{"name":"web","image":{"name":"example.com/web","id":"sha512-00"}}]}""");
        return dir;
    }

    /** A child process ({@code flock -x DIR sleep 60}) holding the pod's lock, as stage1 does; returns once it holds it. */
    static Process holdLock(Path dir) throws IOException, InterruptedException {
        // --no-fork: flock execs sleep itself, so the holder is one process. Forking, it made the
        // child after taking the lock, and a release between the two left that child holding it.
        Process p = new ProcessBuilder("flock", "--no-fork", "-x", dir.toString(), "sleep", "60").inheritIO().start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!PodLock.isHeld(dir)) {
            if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                p.destroyForcibly();
                throw new IllegalStateException("flock did not take the lock on " + dir);
            }
            Thread.sleep(20);
        }
        return p;
    }

    static void release(Process p) throws InterruptedException {
        if (p != null) {
            // anything the holder started inherits the locked fd: end it too
            java.util.List<ProcessHandle> all = new java.util.ArrayList<>(p.descendants().toList());
            all.add(p.toHandle());
            for (ProcessHandle h : all) h.destroyForcibly();
            for (ProcessHandle h : all) {
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException("lock holder " + h.pid() + " did not end", e);
                }
            }
        }
    }
}
