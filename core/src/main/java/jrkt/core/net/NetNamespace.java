package jrkt.core.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
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
 * thread; after it, the mount is what {@link #remove} (or gc's unmounting) undoes.
 */
public final class NetNamespace {
    private NetNamespace() {}

    /** Creates the namespace, with lo up, bind-mounted at {@code file} (created empty). */
    static void create(Path file) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file);
        } catch (IOException e) {
            throw new JrktException("cannot create " + file + " for the pod's network namespace: " + e.getMessage(), e);
        }
        AtomicReference<SysException> failure = new AtomicReference<>();
        Thread maker = Thread.ofPlatform().name("jrkt-netns").start(() -> {
            Linux linux = Linux.get();
            try {
                linux.unshare(Linux.CLONE_NEWNET);
                linux.setLinkUp("lo");
                linux.mount("/proc/thread-self/ns/net", file.toString(), null, Linux.MS_BIND, null);
            } catch (SysException e) {
                failure.set(e);
            }
        });
        try {
            maker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JrktException("interrupted while creating the pod's network namespace", e);
        }
        if (failure.get() != null) {
            throw new JrktException("cannot create the pod's network namespace at " + file + ": " + failure.get().getMessage(), failure.get());
        }
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
