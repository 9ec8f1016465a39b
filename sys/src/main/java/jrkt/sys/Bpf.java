package jrkt.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

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

    // long syscall(long number, ...): every argument passed as a long, as the kernel reads registers
    private static volatile Downcall.Function syscall;

    private static Downcall.Function syscall() {
        Downcall.Function h = syscall;
        if (h == null) {
            Optional<MemorySegment> symbol = Linker.nativeLinker().defaultLookup().find("syscall");
            if (symbol.isEmpty()) throw new UnsatisfiedLinkError("libc has no syscall");
            h = Downcall.bind(symbol.get());
            syscall = h;
        }
        return h;
    }

    private static long bpf(MemorySegment state, int command, MemorySegment attr) {
        return Downcall.call(syscall(), state, SYS_BPF, command, attr.address(), attr.byteSize());
    }

    /**
     * BPF_PROG_LOAD: returns the program's fd (close-on-exec). insns are eBPF instructions, 8 bytes
     * each in native order. When the kernel refuses the program, the load is tried once more with
     * the verifier's log, which the exception then carries.
     */
    public static int loadProgram(int programType, int expectedAttachType, byte[] insns, String license) throws SysException {
        if (insns.length % 8 != 0) throw new IllegalArgumentException("eBPF instructions are 8 bytes each, got " + insns.length + " bytes");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Downcall.callState(arena);
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
            int errno = Downcall.errno(state);
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
            MemorySegment state = Downcall.callState(arena);
            MemorySegment attr = arena.allocate(20);
            attr.set(JAVA_INT, 0, targetFd);
            attr.set(JAVA_INT, 4, programFd);
            attr.set(JAVA_INT, 8, attachType);
            attr.set(JAVA_INT, 12, flags);
            if (bpf(state, BPF_PROG_ATTACH, attr) != 0) {
                int errno = Downcall.errno(state);
                throw new SysException("bpf", "BPF_PROG_ATTACH to fd " + targetFd, errno, FfmLinux.strerror(errno));
            }
        }
    }

    /** BPF_PROG_QUERY: how many programs of this attach type are attached to the target itself. */
    public static int attachedCount(int targetFd, int attachType) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Downcall.callState(arena);
            MemorySegment attr = arena.allocate(32);
            attr.set(JAVA_INT, 0, targetFd);
            attr.set(JAVA_INT, 4, attachType);
            if (bpf(state, BPF_PROG_QUERY, attr) != 0) {
                int errno = Downcall.errno(state);
                throw new SysException("bpf", "BPF_PROG_QUERY of fd " + targetFd, errno, FfmLinux.strerror(errno));
            }
            return attr.get(JAVA_INT, 24);
        }
    }
}
