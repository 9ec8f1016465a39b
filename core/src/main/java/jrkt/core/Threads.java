package jrkt.core;

import java.util.concurrent.CountDownLatch;

/** Waiting for jrkt's own helper threads. */
public final class Threads {
    private Threads() {}

    /**
     * Joins thread even when this one is interrupted meanwhile (its interrupt status is set again
     * after): what the thread did to the host must be known, made or undone, before anyone goes on.
     */
    public static void joinUninterruptibly(Thread thread) { waitUninterruptibly(thread, null); }

    /** Waits for the latch as {@link #joinUninterruptibly} waits for a thread. */
    public static void awaitUninterruptibly(CountDownLatch latch) { waitUninterruptibly(null, latch); }

    /** One of the two; no lambda: a waiting path the AOT training missed would link one at run time. */
    private static void waitUninterruptibly(Thread thread, CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                if (thread != null) thread.join();
                else latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
