package jrkt.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The bpf(2) calls jrkt makes to put a device program on a cgroup v2 cgroup: load a program,
 * attach it, count what is attached. libc has no bpf wrapper, so these go through syscall(2).
 * Failures throw {@link SysException}; a program the verifier refuses carries its log.
 */
public final class Bpf {
    private Bpf() {}

    public static final int PROG_TYPE_CGROUP_DEVICE = 15;
    /** enum bpf_attach_type: BPF_CGROUP_DEVICE. */
    public static final int CGROUP_DEVICE = 6;

    private static final long SYS_BPF = 321; // x86_64
    private static final int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8, BPF_PROG_QUERY = 16;
    private static final int LOG_SIZE = 64 * 1024;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    // long syscall(long number, ...): every argument passed as a long, as the kernel reads registers
    private static volatile MethodHandle syscall;

    private static MethodHandle syscall() {
        MethodHandle h = syscall;
        if (h == null) {
            MemorySegment symbol = LINKER.defaultLookup().find("syscall").orElseThrow(() -> new UnsatisfiedLinkError("libc has no syscall"));
            h = LINKER.downcallHandle(symbol, FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
                Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(1));
            syscall = h;
        }
        return h;
    }

    private static long bpf(MemorySegment state, int command, MemorySegment attr) {
        try {
            return (long) syscall().invokeExact(state, SYS_BPF, (long) command, attr, attr.byteSize());
        } catch (Throwable t) {
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            throw new IllegalStateException(t);
        }
    }

    /**
     * BPF_PROG_LOAD: returns the program's fd (close-on-exec). insns are eBPF instructions, 8 bytes
     * each in native order. When the kernel refuses the program, the load is tried once more with
     * the verifier's log, which the exception then carries.
     */
    public static int loadProgram(int programType, int expectedAttachType, byte[] insns, String license) throws SysException {
        if (insns.length % 8 != 0) throw new IllegalArgumentException("eBPF instructions are 8 bytes each, got " + insns.length + " bytes");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment code = arena.allocateFrom(JAVA_BYTE, insns);
            MemorySegment lic = arena.allocateFrom(license);
            MemorySegment attr = arena.allocate(72); // up to and including expected_attach_type; zeroed
            attr.set(JAVA_INT, 0, programType);
            attr.set(JAVA_INT, 4, insns.length / 8);
            attr.set(JAVA_LONG, 8, code.address());
            attr.set(JAVA_LONG, 16, lic.address());
            attr.set(JAVA_INT, 68, expectedAttachType);
            long fd = bpf(state, BPF_PROG_LOAD, attr);
            if (fd >= 0) return (int) fd;
            int errno = (int) ERRNO.get(state, 0L);
            MemorySegment log = arena.allocate(LOG_SIZE);
            attr.set(JAVA_INT, 24, 1);         // log_level
            attr.set(JAVA_INT, 28, LOG_SIZE);  // log_size
            attr.set(JAVA_LONG, 32, log.address());
            fd = bpf(state, BPF_PROG_LOAD, attr);
            if (fd >= 0) return (int) fd;
            String verifier = log.getString(0).strip();
            throw new SysException("bpf", "BPF_PROG_LOAD" + (verifier.isEmpty() ? "" : " (verifier: " + verifier.replace('\n', ' ') + ")"),
                errno, FfmLinux.strerror(errno));
        }
    }

    /** BPF_PROG_ATTACH of a program to a target (a cgroup directory's fd); flags 0 replaces the one attached before. */
    public static void attach(int targetFd, int programFd, int attachType, int flags) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment attr = arena.allocate(20);
            attr.set(JAVA_INT, 0, targetFd);
            attr.set(JAVA_INT, 4, programFd);
            attr.set(JAVA_INT, 8, attachType);
            attr.set(JAVA_INT, 12, flags);
            if (bpf(state, BPF_PROG_ATTACH, attr) != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                throw new SysException("bpf", "BPF_PROG_ATTACH to fd " + targetFd, errno, FfmLinux.strerror(errno));
            }
        }
    }

    /** BPF_PROG_QUERY: how many programs of this attach type are attached to the target itself. */
    public static int attachedCount(int targetFd, int attachType) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment attr = arena.allocate(32);
            attr.set(JAVA_INT, 0, targetFd);
            attr.set(JAVA_INT, 4, attachType);
            if (bpf(state, BPF_PROG_QUERY, attr) != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                throw new SysException("bpf", "BPF_PROG_QUERY of fd " + targetFd, errno, FfmLinux.strerror(errno));
            }
            return attr.get(JAVA_INT, 24);
        }
    }
}
