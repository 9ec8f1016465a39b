package jrkt.sys;

import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Calls C functions of at most six integer or pointer arguments that return an integer, a
 * pointer or nothing, all through one call shape: {@code long f(long, long, long, long, long,
 * long)}, with errno captured right after the call into an errno slot (4 bytes of native memory,
 * see {@link Scratch#errnoSlot()}).
 *
 * <p>Native memory is direct ByteBuffers in native byte order ({@link Scratch}): Java reads and
 * writes them with ByteBuffer's own methods, which need no generated classes. Two gates do what
 * only C can: find a symbol, tell a buffer's address, copy memory C hands back, and call. The
 * usual one is {@link NativeGate}, jrkt's small JNI library ({@code sys/src/main/c/gate.c}); the
 * other, when that library is not there (core's unit tests, a build without a C compiler), is
 * {@link FfmGate}, the FFM API. Why not FFM alone: the first downcall handle of a process makes
 * the JDK generate and load some thirty classes, and the first touch of FFM memory (ValueLayout,
 * MemorySegment.get, allocateFrom) another nine to sixteen, none of which the AOT cache can keep:
 * tens of milliseconds at every jrkt start (measured in docs/design-notes.md), while the JNI
 * gate's first call costs well under a millisecond. With the JNI gate loaded, FfmGate is never
 * loaded and no java.lang.foreign class is initialised.
 *
 * <p>Why one shape is correct: on x86-64 (System V) and aarch64 Linux every integer and pointer
 * argument travels in a general-purpose register of its own, and the result returns in one. A
 * function reads the registers its C declaration names and ignores the others, so it may be
 * handed six; an {@code int} argument is the low half of its register (a long holding the int
 * sign-extended has the same low half); an {@code int} result is the low half of the long
 * ({@code (int) r}), a pointer the long itself. Variadic functions (open, fcntl) take their
 * integer variadic arguments in the same registers; on x86-64 they also need the number of
 * vector registers used in %al, which both gates set (the C gate calls through a variadic
 * prototype). Not for functions with floating-point or struct arguments or results, nor with
 * more than six arguments.
 */
public final class Downcall {
    /** The size of an errno slot: room for what either gate writes there. */
    static final int ERRNO_SLOT_BYTES = 16;
    /** Where calls whose errno nobody reads leave it. */
    private static final ByteBuffer IGNORED_ERRNO = Scratch.direct(ERRNO_SLOT_BYTES);
    private static final long IGNORED_ERRNO_ADDRESS = address(IGNORED_ERRNO);

    private Downcall() {}

    /** A C function to call through this class: its address, and the FFM gate's handle once it needs one. */
    public static final class Function {
        private final long address;
        private volatile MethodHandle ffmHandle;

        private Function(long address) { this.address = address; }

        private MethodHandle ffmHandle() {
            MethodHandle h = ffmHandle;
            if (h == null) ffmHandle = h = FfmGate.handle(address);
            return h;
        }
    }

    /** libc's function of that name; throws UnsatisfiedLinkError when there is none. */
    public static Function libc(String name) {
        long address = NativeGate.LOADED ? NativeGate.symbol(0, name) : FfmGate.symbol(0, name);
        if (address == 0) throw new UnsatisfiedLinkError("libc has no " + name);
        return new Function(address);
    }

    /** Loads a shared library by name (as dlopen finds it): a handle for {@link #find}; UnsatisfiedLinkError with the loader's reason. */
    public static long openLibrary(String name) {
        return NativeGate.LOADED ? NativeGate.open(name) : FfmGate.open(name);
    }

    /** The function of that name in a library {@link #openLibrary} opened; throws UnsatisfiedLinkError when there is none. */
    public static Function find(long library, String libraryName, String name) {
        long address = NativeGate.LOADED ? NativeGate.symbol(library, name) : FfmGate.symbol(library, name);
        if (address == 0) throw new UnsatisfiedLinkError(libraryName + " has no " + name);
        return new Function(address);
    }

    /** Which gate calls go through: "jni" (jrkt's library) or "ffm" (see the class comment). */
    public static String gate() { return NativeGate.LOADED ? "jni" : "ffm"; }

    /** Calls the function with these arguments (pointers as addresses); errno goes to the slot at errnoSlot. */
    public static long call(Function function, long errnoSlot, long a, long b, long c, long d, long e, long f) {
        if (NativeGate.LOADED) return NativeGate.call(function.address, a, b, c, d, e, f, errnoSlot);
        return FfmGate.call(function.ffmHandle(), errnoSlot, a, b, c, d, e, f);
    }

    public static long call(Function function, long errnoSlot) { return call(function, errnoSlot, 0, 0, 0, 0, 0, 0); }

    public static long call(Function function, long errnoSlot, long a) { return call(function, errnoSlot, a, 0, 0, 0, 0, 0); }

    public static long call(Function function, long errnoSlot, long a, long b) { return call(function, errnoSlot, a, b, 0, 0, 0, 0); }

    public static long call(Function function, long errnoSlot, long a, long b, long c) {
        return call(function, errnoSlot, a, b, c, 0, 0, 0);
    }

    public static long call(Function function, long errnoSlot, long a, long b, long c, long d) {
        return call(function, errnoSlot, a, b, c, d, 0, 0);
    }

    public static long call(Function function, long errnoSlot, long a, long b, long c, long d, long e) {
        return call(function, errnoSlot, a, b, c, d, e, 0);
    }

    /** For functions whose errno is of no interest (SQLite reports its errors itself). */
    public static long ignoredErrno() { return IGNORED_ERRNO_ADDRESS; }

    /** The address of a direct buffer's memory (its position and limit play no part). */
    public static long address(ByteBuffer direct) {
        if (!direct.isDirect()) throw new IllegalArgumentException("a heap buffer has no address C may use");
        return NativeGate.LOADED ? NativeGate.address(direct) : FfmGate.address(direct);
    }

    /** A copy of length bytes at address, which C handed back. */
    public static byte[] bytes(long address, int length) {
        if (length == 0) return new byte[0];
        return NativeGate.LOADED ? NativeGate.bytes(address, length) : FfmGate.bytes(address, length);
    }

    private static volatile Function strlen;

    /** The NUL-terminated string at address (C's), as UTF-8; null for NULL. */
    public static String cString(long address) {
        if (address == 0) return null;
        Function f = strlen;
        if (f == null) strlen = f = libc("strlen");
        long length = call(f, IGNORED_ERRNO_ADDRESS, address);
        return new String(bytes(address, Math.toIntExact(length)), StandardCharsets.UTF_8);
    }
}
