package jrkt.sys;

import jrkt.sys.sqlite.Sqlite;

/**
 * Pays the first-use cost of native calls on a thread of its own, while the command's main
 * thread parses, reads its configuration and builds its request: the JNI gate's library (or,
 * without the gate, the FFM classes and the first downcall handle, for which the JDK generates
 * some thirty classes the AOT cache cannot keep: 10-35 ms), and libsqlite3, which must be loaded
 * before the store opens. Done here, both overlap with the main thread's own start.
 *
 * <p>The thread starts at main's first line ({@link #begin}), before the command line is parsed,
 * and loads the gate, which nearly every command needs; what it does next waits for the parsed
 * command ({@link #plan}): libsqlite3 for the commands that open the store, and work a command
 * may hand it that needs no flag and no store (run's {@code PrepareAhead}), done while the main
 * thread opens the store. Started after the parse, the loads ended later by the parse's time,
 * which the main thread of a listing then waited out.
 *
 * <p>It changes nothing but timing: whatever fails here (no libsqlite3, say) is simply left for
 * the first real use to meet and report; class initialisation makes a main thread that gets
 * there first wait for this thread's work rather than do it twice.
 */
public final class NativeWarmUp {
    private NativeWarmUp() {}

    /** What the thread does after the gate: null until the command is known. */
    private record Plan(boolean primeCgroupMoves, boolean sqlite, Runnable ahead) {}

    private static final Plan NOTHING = new Plan(false, false, null);
    private static final Object LOCK = new Object();
    private static Plan plan;
    private static boolean begun;

    /** Starts the thread, which loads the gate and then waits for {@link #plan} or {@link #cancel}; returns at once. */
    public static void begin() {
        synchronized (LOCK) {
            if (begun) return;
            begun = true;
        }
        Thread thread = new Thread(NativeWarmUp::run, "jrkt-native-warm-up");
        thread.setDaemon(true); // never keeps jrkt alive, and jrkt halts at its end anyway
        thread.start();
    }

    /**
     * What to do after the gate (the thread starts if {@link #begin} did not start it):
     * primeCgroupMoves: the gate moves this process into its own cgroup on a native thread of
     * its own, before libsqlite3 (run: see {@link #cgroupMovesPrimed}); sqlite: load libsqlite3;
     * ahead: more work, last (null: none). Only the first plan counts.
     */
    public static void plan(boolean primeCgroupMoves, boolean sqlite, Runnable ahead) {
        hand(new Plan(primeCgroupMoves, sqlite, ahead));
        begin();
    }

    /** Nothing after the gate: the command calls no C function, or another path runs it. */
    public static void cancel() { hand(NOTHING); }

    private static void hand(Plan given) {
        synchronized (LOCK) {
            if (plan != null) return;
            plan = given;
            LOCK.notifyAll();
        }
    }

    private static Plan awaitPlan() {
        synchronized (LOCK) {
            try {
                while (plan == null) LOCK.wait();
            } catch (InterruptedException e) {
                return NOTHING;
            }
            return plan;
        }
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

    private static void run() {
        boolean gate;
        try {
            Linux.get().getpid(); // the gate's library (without it, the one downcall shape's handle)
            gate = true;
        } catch (RuntimeException | Error e) {
            gate = false; // the first real use reports it
        }
        Plan next = awaitPlan();
        if (gate) {
            try {
                if (next.primeCgroupMoves()) primeCgroupMoves();
                if (next.sqlite()) Sqlite.loadLibrary();
            } catch (RuntimeException | Error e) {
                // the first real use reports it
            }
        }
        if (next.ahead() != null) next.ahead().run();
    }
}
