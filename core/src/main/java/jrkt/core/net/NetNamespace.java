package jrkt.core.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import jrkt.core.JrktException;
import jrkt.core.pod.PodDeleter;
import jrkt.sys.Errno;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/**
 * A pod's network namespace, kept alive by a bind mount of its nsfs file at a path in the pod
 * directory ({@code <pod>/netns}), where CNI plugins and stage1 ({@code net join netns}) find it.
 *
 * <p>A JVM is multithreaded and {@code unshare(CLONE_NEWNET)} moves only the calling thread, so the
 * namespace is made on a short-lived thread of its own: it unshares, brings {@code lo} up, and
 * bind-mounts {@code /proc/thread-self/ns/net}; then it ends, and no other thread of jrkt ever
 * leaves the host's namespace. Should jrkt die before the bind mount, the namespace dies with the
 * thread; after it, the mount is what {@link #remove} (or gc's unmounting) undoes. The thread can
 * start before the pod directory exists ({@link #begin}), so that {@code jrkt run} has the
 * namespace ready by the time it needs it.
 */
public final class NetNamespace {
    private NetNamespace() {}

    /** Creates the namespace, with lo up, bind-mounted at {@code file} (created empty). */
    static void create(Path file) { begin().mountAt(file); }

    /**
     * Starts making a namespace now, before the place to mount it is known: its thread unshares and
     * brings lo up at once (the first FFM calls of a jrkt bind their native stubs, which takes time),
     * then waits for {@link Pending#mountAt}. Until then only the thread holds the namespace: if jrkt
     * dies or {@link Pending#cancel} is called, it is gone without a trace. A daemon thread, so that
     * it never keeps a failed jrkt from exiting.
     */
    static Pending begin() { return new Pending(); }

    /** A namespace being made or made, not yet mounted; see {@link #begin}. */
    static final class Pending implements Runnable {
        private static final Path CANCELLED = Path.of("");
        private final CompletableFuture<Path> target = new CompletableFuture<>();
        private final CompletableFuture<Void> mounted = new CompletableFuture<>();

        private Pending() {
            // itself, not a lambda: see PodNetworks.anyState
            Thread.ofPlatform().name("jrkt-netns").daemon().start(this);
        }

        /** The thread's work: the namespace, then its mount once the place is known. */
        @Override public void run() {
            Linux linux = Linux.get();
            try {
                linux.unshare(Linux.CLONE_NEWNET);
                linux.setLinkUp("lo");
                Path file = target.join();
                if (file == CANCELLED) return;
                linux.mount("/proc/thread-self/ns/net", file.toString(), null, Linux.MS_BIND, null);
                mounted.complete(null);
            } catch (Throwable e) {
                mounted.completeExceptionally(e);
            }
        }

        /** Bind-mounts the namespace at {@code file} (created empty) and returns once it is there. */
        void mountAt(Path file) {
            try {
                jrkt.core.fs.Lstat.deleteIfExists(file);
                jrkt.core.fs.NewFiles.write(file, new byte[0]); // as Files.createFile, without NIO's channel (see CniPlugin)
            } catch (IOException e) {
                cancel();
                throw new JrktException("cannot create " + file + " for the pod's network namespace: " + e.getMessage(), e);
            }
            target.complete(file);
            try {
                mounted.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JrktException("interrupted while creating the pod's network namespace", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw new JrktException("cannot create the pod's network namespace at " + file + ": " + cause.getMessage(), cause);
            }
        }

        /** Lets the namespace go without mounting it (a no-op once mounted). */
        void cancel() { target.complete(CANCELLED); }
    }

    /** Whether a namespace is mounted at file (it may be a plain file left by a crash, or gone). */
    static boolean isMounted(Path file) {
        Path real;
        try {
            real = file.toRealPath(LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return false;
        }
        return PodDeleter.mountsBelow(real).contains(real.toString());
    }

    /** Unmounts the namespace (it ends once no process is in it) and deletes the file; nothing there is fine. */
    static void remove(Path file) {
        Linux linux = Linux.get();
        // A file can carry stacked mounts (a setup retried by hand): unmount until none is left.
        for (int i = 0; i < 8 && isMounted(file); i++) {
            try {
                linux.umount2(file.toString(), Linux.MNT_DETACH | Linux.UMOUNT_NOFOLLOW);
            } catch (SysException e) {
                if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT)
                    throw new JrktException("cannot unmount the pod's network namespace " + file + ": " + e.getMessage(), e);
            }
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new JrktException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }
}
