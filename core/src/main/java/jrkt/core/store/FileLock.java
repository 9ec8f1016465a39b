package jrkt.core.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A shared/exclusive lock on a lock file, good between threads and between processes.
 *
 * Built on FileChannel.lock (fcntl record locks): the kernel drops them when a process
 * dies, even by SIGKILL, so a killed import never wedges the store, and they need no native
 * binding. fcntl locks belong to the process, not the thread, and closing any descriptor of
 * the file drops them all; so inside the JVM one read-write lock per file orders the threads,
 * and one channel per file carries the OS lock for all shared holders of this process.
 * Lock files are never deleted: deleting a lock file races with a process about to lock it.
 */
final class FileLock implements AutoCloseable {

    private static final class State {
        final ReentrantReadWriteLock threads = new ReentrantReadWriteLock(true);
        int sharedHolders;
        FileChannel channel;
        java.nio.channels.FileLock osLock;
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
            s.channel = open(file);
            s.osLock = wait ? s.channel.lock(0, Long.MAX_VALUE, false) : s.channel.tryLock(0, Long.MAX_VALUE, false);
            if (s.osLock != null) return new FileLock(s, true);
        } catch (IOException | RuntimeException e) {
            closeChannel(s);
            s.threads.writeLock().unlock();
            throw e;
        }
        closeChannel(s);
        s.threads.writeLock().unlock();
        return null;
    }

    static FileLock shared(Path file) throws IOException {
        State s = state(file);
        s.threads.readLock().lock();
        try {
            synchronized (s) {
                if (s.sharedHolders == 0) {
                    s.channel = open(file);
                    try {
                        s.osLock = s.channel.lock(0, Long.MAX_VALUE, true);
                    } catch (IOException | RuntimeException e) {
                        closeChannel(s);
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

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static void closeChannel(State s) {
        try {
            if (s.channel != null) s.channel.close(); // closing releases the OS lock
        } catch (IOException ignored) {
            // nothing left to release
        }
        s.channel = null;
        s.osLock = null;
    }

    @Override
    public void close() {
        if (released) return;
        released = true;
        if (exclusive) {
            closeChannel(state);
            state.threads.writeLock().unlock();
        } else {
            synchronized (state) {
                if (--state.sharedHolders == 0) closeChannel(state);
            }
            state.threads.readLock().unlock();
        }
    }
}
