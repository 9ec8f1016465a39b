package jrkt.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One thread's native memory for the arguments and results of its C calls: an errno slot, and a
 * buffer handed out front to back and emptied by the next {@link #begin()} of the same thread,
 * instead of memory allocated and freed per call (a listing makes several calls for each pod).
 * What does not fit gets a direct buffer of its own, kept until that next begin.
 *
 * <p>Contract: a caller that allocates takes the thread's scratch with {@link #begin()} and is
 * done with everything it allocated before it calls anything else that begins; a caller that
 * only needs errno takes {@link #current()}, which leaves the allocations alone. Memory is direct
 * ByteBuffers in native byte order: no java.lang.foreign class is touched (see {@link Downcall}).
 */
public final class Scratch {
    private static final int BYTES = 16 * 1024;
    private static final int ALIGN = 16;
    private static final byte[] ZEROS = new byte[1024];
    private static final ThreadLocal<Scratch> OF_THREAD = new ThreadLocal<>();

    private final ByteBuffer memory = direct(BYTES);
    private final long base = Downcall.address(memory);
    private int top = Downcall.ERRNO_SLOT_BYTES;
    /** Allocations that did not fit, kept reachable (their memory alive) until the next begin. */
    private final List<ByteBuffer> overflow = new ArrayList<>();

    private Scratch() {}

    /** A zeroed direct buffer in native byte order. */
    public static ByteBuffer direct(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    /** The thread's scratch, emptied: for a call whose arguments or results live in it. */
    public static Scratch begin() {
        Scratch s = current();
        s.top = Downcall.ERRNO_SLOT_BYTES;
        s.overflow.clear();
        return s;
    }

    /** The thread's scratch as it is: for a call that needs only the errno slot. */
    public static Scratch current() {
        Scratch s = OF_THREAD.get();
        if (s == null) OF_THREAD.set(s = new Scratch());
        return s;
    }

    /** The address of this thread's errno slot, for {@link Downcall#call}. */
    public long errnoSlot() { return base; }

    /** The errno the last call given {@link #errnoSlot()} left. */
    public int errno() { return memory.getInt(0); }

    /** Native memory of that many bytes, zeroed, 16-byte aligned. */
    public Block allocate(int bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative size " + bytes);
        int start = (top + ALIGN - 1) & -ALIGN;
        if (bytes > BYTES - start) {
            ByteBuffer own = direct(Math.max(bytes, 1));
            overflow.add(own);
            return new Block(own, Downcall.address(own));
        }
        top = start + bytes;
        for (int at = start; at < top; at += ZEROS.length) memory.put(at, ZEROS, 0, Math.min(ZEROS.length, top - at));
        return new Block(memory.slice(start, bytes).order(ByteOrder.nativeOrder()), base + start);
    }

    /** These bytes and a NUL after them, in native memory: the address. */
    public long cBytes(byte[] bytes) {
        int start = (top + ALIGN - 1) & -ALIGN;
        if (bytes.length + 1 > BYTES - start) {
            Block b = allocate(bytes.length + 1); // zeroed: the NUL is there
            b.bytes().put(0, bytes);
            return b.address();
        }
        // Every path of every call comes through here: written in place, without the zeroing,
        // slice and Block of allocate (a tenth of a gate call's cost, interpreted).
        top = start + bytes.length + 1;
        memory.put(start, bytes);
        memory.put(start + bytes.length, (byte) 0);
        return base + start;
    }

    /** s as a NUL-terminated UTF-8 C string: the address; 0 (NULL) for null. */
    public long cString(String s) {
        return s == null ? 0 : cBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Bytes of native memory: a buffer on them (native byte order, absolute indexes from 0) and their address. */
    public record Block(ByteBuffer bytes, long address) {
        /** A copy of the first n bytes. */
        public byte[] copy(int n) {
            byte[] out = new byte[n];
            bytes.get(0, out);
            return out;
        }
    }
}
