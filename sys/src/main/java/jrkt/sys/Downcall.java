package jrkt.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * Calls C functions of at most six integer or pointer arguments that return an integer, a
 * pointer or nothing, all through one call shape: {@code long f(long, long, long, long, long,
 * long)}, with errno captured right after the call.
 *
 * <p>Two gates do the call. The usual one is {@link NativeGate}: one JNI method of jrkt's own
 * small library ({@code sys/src/main/c/gate.c}) that calls the function's address. The other,
 * when that library is not there (unit tests, a build without a C compiler), is an FFM downcall
 * handle of the one shape. Why not FFM alone: the JDK makes the first downcall handle of a
 * process by generating and loading some thirty classes, which the AOT cache cannot keep: 15-35
 * ms of wall time and 30-40 ms of CPU at every jrkt start that touches the store, a pod lock or
 * execve (measured in docs/design-notes.md), while the JNI gate's first call costs well under a
 * millisecond. Symbols are still found, and memory still allocated and read, with the FFM API.
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
    private static final Linker LINKER = Linker.nativeLinker();
    private static final FunctionDescriptor SHAPE =
        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    /** Where calls whose errno nobody reads leave it. */
    private static final MemorySegment IGNORED_STATE = Arena.global().allocate(CALL_STATE);

    private Downcall() {}

    /** A C function to call through this class; binding it costs nothing until the FFM gate needs a handle. */
    public static final class Function {
        private final MemorySegment symbol;
        private volatile MethodHandle handle;

        private Function(MemorySegment symbol) { this.symbol = symbol; }

        private MethodHandle handle() {
            MethodHandle h = handle;
            if (h == null) handle = h = LINKER.downcallHandle(symbol, SHAPE, CAPTURE_ERRNO);
            return h;
        }
    }

    /** The function at symbol. */
    public static Function bind(MemorySegment symbol) { return new Function(symbol); }

    /** Which gate calls go through: "jni" (jrkt's library) or "ffm" (see the class comment). */
    public static String gate() { return NativeGate.LOADED ? "jni" : "ffm"; }

    /** A place for one call's errno, living as long as arena. */
    public static MemorySegment callState(Arena arena) { return arena.allocate(CALL_STATE); }

    /** The errno a call left in state. */
    public static int errno(MemorySegment state) { return state.get(JAVA_INT, ERRNO_OFFSET); }

    /** Calls the function with these arguments (pointers as addresses), errno into state. */
    public static long call(Function function, MemorySegment state, long a, long b, long c, long d, long e, long f) {
        if (NativeGate.LOADED) return NativeGate.call(function.symbol.address(), a, b, c, d, e, f, state.address() + ERRNO_OFFSET);
        try {
            return (long) function.handle().invokeExact(state, a, b, c, d, e, f);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long call(Function function, MemorySegment state) { return call(function, state, 0, 0, 0, 0, 0, 0); }

    public static long call(Function function, MemorySegment state, long a) { return call(function, state, a, 0, 0, 0, 0, 0); }

    public static long call(Function function, MemorySegment state, long a, long b) { return call(function, state, a, b, 0, 0, 0, 0); }

    public static long call(Function function, MemorySegment state, long a, long b, long c) {
        return call(function, state, a, b, c, 0, 0, 0);
    }

    public static long call(Function function, MemorySegment state, long a, long b, long c, long d) {
        return call(function, state, a, b, c, d, 0, 0);
    }

    public static long call(Function function, MemorySegment state, long a, long b, long c, long d, long e) {
        return call(function, state, a, b, c, d, e, 0);
    }

    /** For functions whose errno is of no interest (SQLite reports its errors itself). */
    public static MemorySegment ignoredState() { return IGNORED_STATE; }

    /** The address of a segment, 0 for NULL: how pointers are passed. */
    public static long address(MemorySegment pointer) { return pointer.address(); }

    /** A returned pointer as a zero-length segment (reinterpret it to read). */
    public static MemorySegment pointer(long address) { return MemorySegment.ofAddress(address); }

    /** Downcalls throw only what the JVM throws; anything checked here is a bug, not a failed call. */
    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
