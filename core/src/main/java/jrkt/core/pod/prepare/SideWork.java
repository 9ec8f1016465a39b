package jrkt.core.pod.prepare;

import java.io.IOException;
import jrkt.core.Threads;

/**
 * A part of a pod's preparation done on a thread of its own while the preparer goes on: a pod
 * start is interpreted Java on one core of two, and some of its parts need nothing of what the
 * others decide ({@link Stage1Copy}, {@link MetadataWrite}). {@link #finish} waits for it and
 * gives its result or throws what it failed with; a preparation that fails calls
 * {@link #abandon}, which waits too, so that nothing writes into a pod's directory once it is
 * being removed. A subclass, not a lambda: the AOT cache keeps the class, and no call site is
 * linked at run time.
 */
abstract class SideWork<T> implements Runnable {
    private final Thread thread;
    private volatile T result;
    private volatile Throwable failure;

    SideWork(String threadName) {
        thread = new Thread(this, threadName);
        thread.setDaemon(true); // always waited for: finish or abandon
    }

    /** The work, on the side thread. */
    abstract T work() throws IOException;

    /** Starts the work; returns this. */
    final SideWork<T> start() {
        thread.start();
        return this;
    }

    @Override public final void run() {
        try {
            result = work();
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
        }
    }

    /** Waits for the work; its result, or what it failed with thrown. */
    final T finish() throws IOException {
        Threads.joinUninterruptibly(thread);
        Throwable f = failure;
        if (f instanceof IOException e) throw e;
        if (f instanceof RuntimeException e) throw e;
        if (f instanceof Error e) throw e;
        return result;
    }

    /** Waits for the work of a preparation that failed; what the work failed with joins that failure. */
    final void abandon(Throwable preparing) {
        Threads.joinUninterruptibly(thread);
        Throwable f = failure;
        if (f != null && f != preparing) preparing.addSuppressed(f);
    }
}
