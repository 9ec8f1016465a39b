package jrkt.core.pod;

import java.nio.file.Path;
import jrkt.core.JrktException;
import jrkt.sys.Errno;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/**
 * A {@code flock} on a pod directory's own fd. Whoever holds it exclusively owns the pod
 * (a preparer, stage1 while the pod runs, gc while it deletes); readers take it shared to
 * learn whether anyone holds it. The fd follows the directory across renames, which is what
 * makes "lock, then move between state directories" safe.
 */
public final class PodLock implements AutoCloseable {
    private final Path dir;
    private int fd;

    private PodLock(Path dir, int fd) {
        this.dir = dir;
        this.fd = fd;
    }

    /** The exclusive lock, or null when someone else holds the lock. Throws NoSuchPod when the directory is gone. */
    public static PodLock tryExclusive(Path dir) { return tryLock(dir, Linux.LOCK_EX); }

    /** A shared lock, or null when someone holds it exclusively. Throws NoSuchPod when the directory is gone. */
    public static PodLock tryShared(Path dir) { return tryLock(dir, Linux.LOCK_SH); }

    /** Whether someone holds the lock exclusively (the pod is being prepared, running or deleted). */
    public static boolean isHeld(Path dir) {
        try (PodLock shared = tryShared(dir)) {
            return shared == null;
        }
    }

    private static PodLock tryLock(Path dir, int op) {
        Linux linux = Linux.get();
        int fd;
        try {
            fd = linux.open(dir.toString(), Linux.O_RDONLY | Linux.O_DIRECTORY | Linux.O_NOFOLLOW | Linux.O_CLOEXEC, 0);
        } catch (SysException e) {
            if (e.errno() == Errno.ENOENT) throw new NoSuchPod(dir);
            throw new JrktException("cannot open pod directory " + dir + ": " + e.getMessage(), e);
        }
        try {
            if (linux.flock(fd, op | Linux.LOCK_NB)) return new PodLock(dir, fd);
        } catch (SysException e) {
            closeQuietly(linux, fd);
            throw new JrktException("cannot lock pod directory " + dir + ": " + e.getMessage(), e);
        }
        closeQuietly(linux, fd);
        return null;
    }

    /** The locked directory as it was named when locked (it may have been renamed since). */
    public Path dir() { return dir; }

    /** The fd holding the lock, e.g. to pass to stage1 across execve. */
    public int fd() { return fd; }

    /** Lets the fd survive execve, so that the new program keeps holding the lock. */
    public void inheritAcrossExec() {
        try {
            Linux.get().clearCloexec(fd);
        } catch (SysException e) {
            throw new JrktException("cannot pass the lock of " + dir + " to stage1: " + e.getMessage(), e);
        }
    }

    /** Releases the lock (closing the fd releases it). */
    @Override public void close() {
        if (fd >= 0) {
            closeQuietly(Linux.get(), fd);
            fd = -1;
        }
    }

    private static void closeQuietly(Linux linux, int fd) {
        try {
            linux.close(fd);
        } catch (SysException ignored) {
            // close(2) releases the fd even when it reports an error
        }
    }

    /** The pod directory disappeared (moved to another state, or deleted) before it could be opened. */
    public static final class NoSuchPod extends JrktException {
        public NoSuchPod(Path dir) { super("pod directory " + dir + " does not exist (anymore)"); }
    }
}
