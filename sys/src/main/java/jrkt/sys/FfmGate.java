package jrkt.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link NativeGate} does, done with the FFM API, for when jrkt's JNI library is not loaded
 * (core's unit tests, a build without a C compiler, {@code JRKT_NATIVE_GATE=}). Only
 * {@link Downcall} calls it, and only then: the JNI path never loads this class, so it never
 * pays for the FFM classes and the dozens of classes the JDK generates for them.
 */
final class FfmGate {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final FunctionDescriptor SHAPE =
        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    /** On Linux the captured state is errno alone: the linker may then write it straight to the errno slot. */
    private static final boolean STATE_IS_ERRNO_ALONE = ERRNO_OFFSET == 0 && CALL_STATE.byteSize() <= Downcall.ERRNO_SLOT_BYTES;
    /** Libraries opened here; a handle is an index into it, plus one (0 stands for libc). */
    private static final List<SymbolLookup> LIBRARIES = new ArrayList<>();

    private FfmGate() {}

    /** A downcall handle of the one shape for the function at address. */
    static MethodHandle handle(long address) {
        return LINKER.downcallHandle(MemorySegment.ofAddress(address), SHAPE, CAPTURE_ERRNO);
    }

    /** Calls through handle; the errno the linker captured goes to the int at errnoAddress. */
    static long call(MethodHandle handle, long errnoAddress, long a, long b, long c, long d, long e, long f) {
        try {
            if (STATE_IS_ERRNO_ALONE) {
                return (long) handle.invokeExact(MemorySegment.ofAddress(errnoAddress).reinterpret(CALL_STATE.byteSize()), a, b, c, d, e, f);
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(CALL_STATE);
                long result = (long) handle.invokeExact(state, a, b, c, d, e, f);
                MemorySegment.ofAddress(errnoAddress).reinterpret(4).set(JAVA_INT, 0, state.get(JAVA_INT, ERRNO_OFFSET));
                return result;
            }
        } catch (RuntimeException | Error t) {
            throw t;
        } catch (Throwable t) {
            throw new IllegalStateException(t); // downcalls throw only what the JVM throws
        }
    }

    static long address(ByteBuffer direct) { return MemorySegment.ofBuffer(direct).address(); }

    static byte[] bytes(long address, int length) {
        return MemorySegment.ofAddress(address).reinterpret(length).toArray(JAVA_BYTE);
    }

    static long symbol(long library, String name) {
        SymbolLookup lookup;
        synchronized (LIBRARIES) {
            lookup = library == 0 ? LIBC : LIBRARIES.get((int) library - 1);
        }
        return lookup.find(name).map(MemorySegment::address).orElse(0L);
    }

    static long open(String library) {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException e) {
            throw (UnsatisfiedLinkError) new UnsatisfiedLinkError(e.getMessage()).initCause(e);
        }
        synchronized (LIBRARIES) {
            LIBRARIES.add(lookup);
            return LIBRARIES.size();
        }
    }
}
