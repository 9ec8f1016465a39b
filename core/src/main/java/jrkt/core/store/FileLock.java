package jrkt.core.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/**
 * A shared/exclusive lock on a lock file, good between threads and between processes.
 *
 * Built on fcntl record locks on the whole file ({@link Linux#lockWholeFile}, the kind
 * FileChannel.lock takes, which earlier jrkt used, so both see each other's): the kernel drops
 * them when a process dies, even by SIGKILL, so a killed import never wedges the store. fcntl
 * locks belong to the process, not the thread, and closing any descriptor of the file drops them
 * all; so inside the JVM one read-write lock per file orders the threads, and one descriptor per
 * file carries the OS lock for all shared holders of this process. Called through jrkt's gate,
 * not FileChannel: a run takes four of these, and the channel, its lock table and its lock
 * objects cost 3 % of prepare's main thread. Lock files are never deleted: deleting a lock file
 * races with a process about to lock it.
 */
final class FileLock implements AutoCloseable {
    private static final int NO_FD = -1;

    private static final class State {
        final ReentrantReadWriteLock threads = new ReentrantReadWriteLock(true);
        int sharedHolders;
        int fd = NO_FD;
    }

    private static final ConcurrentHashMap<Path, State> STATES = new ConcurrentHashMap<>();

    private final State state;
    private final boolean exclusive;
    private boolean released;

    private FileLock(State state, boolean exclusive) { this.state = state; this.exclusive = exclusive; }

    private static State state(Path file) {
        return STATES.computeIfAbsent(file.toAbsolutePath().normalize(), p -> new State());
    }

    static FileLock exclusive(Path file) throws IOException { return lockExclusive(file, true); }

    /** Returns null when another thread or process holds the lock. */
    static FileLock tryExclusive(Path file) throws IOException { return lockExclusive(file, false); }

    private static FileLock lockExclusive(Path file, boolean wait) throws IOException {
        State s = state(file);
        if (wait) s.threads.writeLock().lock();
        else if (!s.threads.writeLock().tryLock()) return null;
        try {
            s.fd = open(file);
            if (lock(s.fd, file, true, wait)) return new FileLock(s, true);
        } catch (IOException | RuntimeException e) {
            closeFd(s);
            s.threads.writeLock().unlock();
            throw e;
        }
        closeFd(s);
        s.threads.writeLock().unlock();
        return null;
    }

    static FileLock shared(Path file) throws IOException {
        State s = state(file);
        s.threads.readLock().lock();
        try {
            synchronized (s) {
                if (s.sharedHolders == 0) {
                    s.fd = open(file);
                    try {
                        lock(s.fd, file, false, true);
                    } catch (IOException | RuntimeException e) {
                        closeFd(s);
                        throw e;
                    }
                }
                s.sharedHolders++;
            }
            return new FileLock(s, false);
        } catch (IOException | RuntimeException e) {
            s.threads.readLock().unlock();
            throw e;
        }
    }

    /** A SysException names the call, the file and the reason: open(PATH): Permission denied (EACCES). */
    private static int open(Path file) throws IOException {
        return Linux.get().open(file.toString(), Linux.O_RDWR | Linux.O_CREAT | Linux.O_CLOEXEC, 0644);
    }

    private static boolean lock(int fd, Path file, boolean exclusive, boolean wait) throws IOException {
        return Linux.get().lockWholeFile(fd, exclusive, wait);
    }

    private static void closeFd(State s) {
        if (s.fd != NO_FD) {
            try {
                Linux.get().close(s.fd); // closing releases the OS lock
            } catch (SysException ignored) {
                // nothing left to release
            }
        }
        s.fd = NO_FD;
    }

    @Override
    public void close() {
        if (released) return;
        released = true;
        if (exclusive) {
            closeFd(state);
            state.threads.writeLock().unlock();
        } else {
            synchronized (state) {
                if (--state.sharedHolders == 0) closeFd(state);
            }
            state.threads.readLock().unlock();
        }
    }
}
