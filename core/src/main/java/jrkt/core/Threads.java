package jrkt.core;

/** Waiting for jrkt's own helper threads. */
public final class Threads {
    private Threads() {}

    /**
     * Joins thread even when this one is interrupted meanwhile (its interrupt status is set again
     * after): what the thread did to the host must be known, made or undone, before anyone goes on.
     */
    public static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
