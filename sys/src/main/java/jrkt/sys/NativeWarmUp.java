package jrkt.sys;

import jrkt.sys.sqlite.Sqlite;

/**
 * Pays the FFM API's first-use cost on a thread of its own, while the command's main thread
 * parses, reads its configuration and builds its request. The first downcall handle of a
 * process makes the JDK generate and load some thirty classes (10-35 ms of a cold JVM; the AOT
 * cache cannot keep them), and libsqlite3 must be loaded before the store opens; done here,
 * both overlap with the main thread's own start on a second core instead of following it.
 *
 * <p>It changes nothing but timing: whatever fails here (no libsqlite3, say) is simply left for
 * the first real use to meet and report; class initialisation makes a main thread that gets
 * there first wait for this thread's work rather than do it twice.
 */
public final class NativeWarmUp {
    private NativeWarmUp() {}

    /** Starts the warm-up; returns at once. */
    public static void start() {
        Thread thread = new Thread(NativeWarmUp::run, "jrkt-native-warm-up");
        thread.setDaemon(true); // never keeps jrkt alive, and jrkt halts at its end anyway
        thread.start();
    }

    private static void run() {
        try {
            Linux.get().getpid(); // the one downcall shape's handle and its generated classes
            Sqlite.loadLibrary();
        } catch (RuntimeException | Error e) {
            // the first real use reports it
        }
    }
}
