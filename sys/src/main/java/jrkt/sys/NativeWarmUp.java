package jrkt.sys;

import jrkt.sys.sqlite.Sqlite;

/**
 * Pays the first-use cost of native calls on a thread of its own, while the command's main
 * thread parses, reads its configuration and builds its request: the JNI gate's library (or,
 * without the gate, the FFM classes and the first downcall handle, for which the JDK generates
 * some thirty classes the AOT cache cannot keep: 10-35 ms), and libsqlite3, which must be loaded
 * before the store opens. Done here, both overlap with the main thread's own start.
 *
 * <p>A command may hand it more work that needs no flag and no store (run's {@code PrepareAhead}),
 * done after the libraries, while the main thread opens the store.
 *
 * <p>It changes nothing but timing: whatever fails here (no libsqlite3, say) is simply left for
 * the first real use to meet and report; class initialisation makes a main thread that gets
 * there first wait for this thread's work rather than do it twice.
 */
public final class NativeWarmUp {
    private NativeWarmUp() {}

    /** Starts the warm-up, then ahead (null: nothing more); returns at once. */
    public static void start(Runnable ahead) { start(ahead, false); }

    /**
     * As {@link #start(Runnable)}; primeCgroupMoves: once the gate is loaded, before libsqlite3, the
     * gate moves this process into its own cgroup on a native thread of its own (run: see
     * {@link #cgroupMovesPrimed}).
     */
    public static void start(Runnable ahead, boolean primeCgroupMoves) {
        Thread thread = new Thread(() -> run(ahead, primeCgroupMoves), "jrkt-native-warm-up");
        thread.setDaemon(true); // never keeps jrkt alive, and jrkt halts at its end anyway
        thread.start();
    }

    private static volatile boolean cgroupMovesPrimed;

    /**
     * Whether the gate started the process's first cgroup move (gate.c's
     * jrkt_gate_prime_cgroup_moves: cgroup2 at one of its usual places, a native thread that waits
     * out the kernel's grace period); false: the caller makes it (without the gate, on v1 only).
     */
    public static boolean cgroupMovesPrimed() { return cgroupMovesPrimed; }

    private static void primeCgroupMoves() {
        if (!NativeGate.LOADED) return;
        long gate = NativeGate.open(System.getProperty("jrkt.native.gate")); // loaded already: its handle
        long prime = NativeGate.symbol(gate, "jrkt_gate_prime_cgroup_moves");
        if (prime != 0) cgroupMovesPrimed = NativeGate.call(prime, 0, 0, 0, 0, 0, 0, Downcall.ignoredErrno()) == 1;
    }

    private static void run(Runnable ahead, boolean primeCgroupMoves) {
        try {
            Linux.get().getpid(); // the gate's library (without it, the one downcall shape's handle)
            if (primeCgroupMoves) primeCgroupMoves();
            Sqlite.loadLibrary();
        } catch (RuntimeException | Error e) {
            // the first real use reports it
        }
        if (ahead != null) ahead.run();
    }
}
