package jrkt.core;

import java.lang.management.ManagementFactory;

/**
 * Where a jrkt command's time goes, for {@code --debug}: named phases in the order they end,
 * each lasting from the end of the one before (or from main) to its own end. Marking a phase
 * reads the clock and nothing else, so the phases are recorded on every run; they are printed
 * only with --debug, at the end of the command or right before jrkt execs stage1.
 *
 * <p>The first phase printed, {@code jvm}, is the JVM's start to main (from the JVM's own start
 * time, in milliseconds); the launcher's shell and the exec of java come before it and are not
 * counted. Also printed: whether the AOT cache of jrkt's classes was in use (see {@link #aotCache}).
 */
public final class Phases {
    private static final int MAX = 64;
    private static final String[] NAMES = new String[MAX];
    private static final long[] ENDS = new long[MAX];
    private static int count;
    private static long mainNanos = System.nanoTime();
    private static long mainMillis = System.currentTimeMillis();

    private Phases() {}

    /** main was entered: phases count from here. */
    public static synchronized void start() {
        count = 0;
        mainNanos = System.nanoTime();
        mainMillis = System.currentTimeMillis();
    }

    /** The phase of that name ends now. */
    public static synchronized void mark(String name) {
        if (count < MAX) {
            NAMES[count] = name;
            ENDS[count++] = System.nanoTime();
        }
    }

    /**
     * The phases as lines for stderr: one {@code jrkt: debug: phase NAME MS ms} line each, then
     * the total from main to now ({@code to}: "exit" or "exec"), then the AOT cache's state.
     */
    public static synchronized String report(String to) {
        long now = System.nanoTime();
        StringBuilder out = new StringBuilder();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime(); // loads java.management: only with --debug
        line(out, "phase jvm", Math.max(0, mainMillis - jvmStart) * 1_000_000L, " (JVM start to main)");
        long from = mainNanos;
        for (int i = 0; i < count; i++) {
            line(out, "phase " + NAMES[i], ENDS[i] - from, "");
            from = ENDS[i];
        }
        line(out, "main to " + to, now - mainNanos, "");
        out.append("jrkt: debug: aot cache: ").append(aotCache()).append('\n');
        out.append("jrkt: debug: C calls: ").append(jrkt.sys.Downcall.gate().equals("jni")
            ? "through jrkt's JNI gate" : "through FFM downcalls (jrkt's JNI gate was not loaded: slower)").append('\n');
        return out.toString();
    }

    private static void line(StringBuilder out, String what, long nanos, String note) {
        long tenths = nanos / 100_000;
        out.append("jrkt: debug: ").append(what).append(' ').append(tenths / 10).append('.').append(tenths % 10).append(" ms")
            .append(note).append('\n');
    }

    /**
     * Whether this JVM runs with jrkt's AOT cache, as the launcher tells it ({@code -Djrkt.aot}:
     * the cache's path when it passed it, {@code missing:PATH} or {@code stale:PATH} when it did
     * not) and as the JVM shows it (a cache the JVM rejects, made by another JDK or for another
     * class path, leaves it without class sharing). Without the cache jrkt is slower, not different.
     */
    public static String aotCache() {
        String given = System.getProperty("jrkt.aot");
        if (given == null || given.isEmpty()) return "not used (jrkt was not started by the jrkt launcher)";
        if (given.startsWith("missing:")) {
            return "not used: " + given.substring(8) + " does not exist (the build makes it: ./mvnw package)";
        }
        if (given.startsWith("stale:")) {
            return "not used: " + given.substring(6) + " is older than jrkt's classes (the build remakes it: ./mvnw package)";
        }
        if (given.equals("off")) return "not used: turned off (JRKT_AOT_CACHE is empty)";
        String info = System.getProperty("java.vm.info", "");
        if (!info.contains("sharing")) {
            return "not used: the JVM rejected " + given + " (made by another JDK or for other jars; ./mvnw package remakes it)";
        }
        return "in use (" + given + ")";
    }
}
