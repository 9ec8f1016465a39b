package jrkt.sys;

import java.nio.ByteBuffer;

/**
 * jrkt's JNI library ({@code sys/src/main/c/gate.c}): the few things sys needs from C that Java
 * cannot do itself, the call of a C function by its address (see {@link Downcall}), the search
 * for a symbol, the address of a direct buffer and a copy of memory C handed back. With it
 * loaded, no java.lang.foreign class is initialised and the JVM generates no classes for native
 * memory. The launcher names the library in the system property {@code jrkt.native.gate};
 * without it, or when it cannot be loaded, {@link #LOADED} is false and {@link FfmGate} does the
 * same with the FFM API, only slower to start.
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

    /** The address of a direct buffer's memory. */
    static native long address(ByteBuffer direct);

    /** A copy of length bytes at address. */
    static native byte[] bytes(long address, int length);

    /** The address of name in the library of that handle, or in the process's global scope for 0; 0 when absent. */
    static native long symbol(long library, String name);

    /** A handle of the library (dlopen); throws UnsatisfiedLinkError with the loader's reason. */
    static native long open(String library);

    /** Whether the gate has libc's function of that name in its own table ({@link #symbol} finds others by dlsym). */
    static native boolean inTable(String name);
}
