package jrkt.sys;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import jrkt.sys.Scratch.Block;

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
        if (h == null) syscall = h = Downcall.libc("syscall");
        return h;
    }

    private static long bpf(Scratch s, int command, Block attr) {
        return Downcall.call(syscall(), s.errnoSlot(), SYS_BPF, command, attr.address(), attr.bytes().capacity());
    }

    /**
     * BPF_PROG_LOAD: returns the program's fd (close-on-exec). insns are eBPF instructions, 8 bytes
     * each in native order. When the kernel refuses the program, the load is tried once more with
     * the verifier's log, which the exception then carries.
     */
    public static int loadProgram(int programType, int expectedAttachType, byte[] insns, String license) throws SysException {
        if (insns.length % 8 != 0) throw new IllegalArgumentException("eBPF instructions are 8 bytes each, got " + insns.length + " bytes");
        Scratch s = Scratch.begin();
        Block code = s.allocate(insns.length);
        code.bytes().put(0, insns);
        long lic = s.cString(license);
        Block attr = s.allocate(72); // up to and including expected_attach_type; zeroed
        ByteBuffer a = attr.bytes();
        a.putInt(0, programType);
        a.putInt(4, insns.length / 8);
        a.putLong(8, code.address());
        a.putLong(16, lic);
        a.putInt(68, expectedAttachType);
        long fd = bpf(s, BPF_PROG_LOAD, attr);
        if (fd >= 0) return (int) fd;
        int errno = s.errno();
        Block log = s.allocate(LOG_SIZE);
        a.putInt(24, 1);         // log_level
        a.putInt(28, LOG_SIZE);  // log_size
        a.putLong(32, log.address());
        fd = bpf(s, BPF_PROG_LOAD, attr);
        if (fd >= 0) return (int) fd;
        String verifier = nulTerminated(log.copy(LOG_SIZE)).strip();
        throw new SysException("bpf", "BPF_PROG_LOAD" + (verifier.isEmpty() ? "" : " (verifier: " + verifier.replace('\n', ' ') + ")"),
            errno, LibcLinux.strerror(errno));
    }

    /** BPF_PROG_ATTACH of a program to a target (a cgroup directory's fd); flags 0 replaces the one attached before. */
    public static void attach(int targetFd, int programFd, int attachType, int flags) throws SysException {
        Scratch s = Scratch.begin();
        Block attr = s.allocate(20);
        attr.bytes().putInt(0, targetFd).putInt(4, programFd).putInt(8, attachType).putInt(12, flags);
        if (bpf(s, BPF_PROG_ATTACH, attr) != 0) {
            int errno = s.errno();
            throw new SysException("bpf", "BPF_PROG_ATTACH to fd " + targetFd, errno, LibcLinux.strerror(errno));
        }
    }

    /** BPF_PROG_QUERY: how many programs of this attach type are attached to the target itself. */
    public static int attachedCount(int targetFd, int attachType) throws SysException {
        Scratch s = Scratch.begin();
        Block attr = s.allocate(32);
        attr.bytes().putInt(0, targetFd).putInt(4, attachType);
        if (bpf(s, BPF_PROG_QUERY, attr) != 0) {
            int errno = s.errno();
            throw new SysException("bpf", "BPF_PROG_QUERY of fd " + targetFd, errno, LibcLinux.strerror(errno));
        }
        return attr.bytes().getInt(24);
    }

    /** The text before the first NUL (the verifier's log is a C string in its buffer). */
    private static String nulTerminated(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) end++;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
