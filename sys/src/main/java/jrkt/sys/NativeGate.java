package jrkt.sys;

/**
 * jrkt's JNI library: one method that calls a C function by its address (see {@link Downcall}).
 * The launcher names the library in the system property {@code jrkt.native.gate}; without it, or
 * when it cannot be loaded, {@link #LOADED} is false and calls take the FFM gate, only slower.
 */
final class NativeGate {
    static final boolean LOADED = load();

    private NativeGate() {}

    private static boolean load() {
        String path = System.getProperty("jrkt.native.gate");
        if (path == null || path.isEmpty()) return false;
        try {
            System.load(path);
            return true;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return false; // a missing or foreign library costs speed only
        }
    }

    /** Calls the function at address with six arguments; errno, read right after, goes to errnoAddress. */
    static native long call(long address, long a, long b, long c, long d, long e, long f, long errnoAddress);
}
