package jrkt.core.isolation;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles a decision per x86_64 syscall number into a classic-BPF seccomp program: raw
 * {@code struct sock_filter} entries (8 bytes each, native byte order: u16 code, u8 jt, u8 jf,
 * u32 k) for {@code seccomp(SECCOMP_SET_MODE_FILTER)}.
 *
 * <p>The program first checks the architecture: a call made through another ABI (i386's
 * {@code int 0x80}) kills the process, since the numbers would mean other calls; x32 numbers
 * (bit 30 set) answer ENOSYS, as on a kernel built without x32. Then it finds the number's range
 * by binary search (ranges of consecutive numbers with the same decision), so a call costs
 * about log2(ranges) comparisons rather than one per listed name.
 */
public final class SeccompFilter {
    private SeccompFilter() {}

    /** The kernel's limit on a filter's length (BPF_MAXINSNS). */
    public static final int MAX_INSTRUCTIONS = 4096;

    public static final int RET_KILL_PROCESS = 0x80000000, RET_ERRNO = 0x00050000, RET_ALLOW = 0x7fff0000;
    static final int AUDIT_ARCH_X86_64 = 0xc000003e, X32_SYSCALL_BIT = 0x40000000;
    static final int ENOSYS = 38;

    // classic BPF opcodes (linux/bpf_common.h)
    private static final int LD_W_ABS = 0x20, JMP_JA = 0x05, JMP_JEQ_K = 0x15, JMP_JGE_K = 0x35, JMP_JSET_K = 0x45, RET_K = 0x06;
    // struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6]
    private static final int OFFSET_NR = 0, OFFSET_ARCH = 4, OFFSET_ARG0_LOW = 16;

    /** What the filter does with one call. */
    public sealed interface Action {}

    /** Return this SECCOMP_RET_* value. */
    public record Ret(int value) implements Action {}

    /** Allow unless the first argument has one of these flag bits (e.g. clone's CLONE_NEWUSER), else return deny. */
    public record AllowUnlessFlags(int flags, int deny) implements Action {}

    /** Allow only when the first argument is one of these values (personality's), else return deny. */
    public record AllowValues(List<Integer> values, int deny) implements Action {}

    public static Ret allow() { return new Ret(RET_ALLOW); }
    public static Ret errno(int errno) { return new Ret(RET_ERRNO | (errno & 0xffff)); }
    public static Ret kill() { return new Ret(RET_KILL_PROCESS); }

    /**
     * @param byNumber   decisions for numbers up to {@code maxKnown}
     * @param otherwise  for the numbers up to maxKnown that byNumber leaves out
     * @param aboveKnown for numbers above maxKnown (calls of kernels newer than the table)
     */
    public static byte[] compile(Map<Integer, Action> byNumber, Action otherwise, Action aboveKnown, int maxKnown) {
        List<Range> ranges = new ArrayList<>();
        for (int nr = 0; nr <= maxKnown; nr++) add(ranges, nr, byNumber.getOrDefault(nr, otherwise));
        add(ranges, maxKnown + 1, aboveKnown);

        List<long[]> code = new ArrayList<>();
        code.add(insn(LD_W_ABS, 0, 0, OFFSET_ARCH));
        code.add(insn(JMP_JEQ_K, 1, 0, AUDIT_ARCH_X86_64));
        code.add(insn(RET_K, 0, 0, RET_KILL_PROCESS));
        code.add(insn(LD_W_ABS, 0, 0, OFFSET_NR));
        code.add(insn(JMP_JGE_K, 0, 1, X32_SYSCALL_BIT));
        code.add(insn(RET_K, 0, 0, RET_ERRNO | ENOSYS));
        code.addAll(tree(ranges, 0, ranges.size()));
        if (code.size() > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("the seccomp filter needs " + code.size() + " instructions, more than the kernel's "
                + MAX_INSTRUCTIONS);
        }
        ByteBuffer out = ByteBuffer.allocate(code.size() * 8).order(ByteOrder.nativeOrder());
        for (long[] i : code) {
            out.putShort((short) i[0]).put((byte) i[1]).put((byte) i[2]).putInt((int) i[3]);
        }
        return out.array();
    }

    private record Range(int start, Action action) {}

    private static void add(List<Range> ranges, int nr, Action action) {
        if (ranges.isEmpty() || !same(ranges.getLast().action(), action)) ranges.add(new Range(nr, action));
    }

    /**
     * Whether two actions decide alike. Written out rather than the records' equals, which the JDK
     * links at first use by generating code: milliseconds on the run path of every pod.
     */
    private static boolean same(Action a, Action b) {
        if (a instanceof Ret x && b instanceof Ret y) return x.value() == y.value();
        if (a instanceof AllowUnlessFlags x && b instanceof AllowUnlessFlags y) return x.flags() == y.flags() && x.deny() == y.deny();
        if (a instanceof AllowValues x && b instanceof AllowValues y) return x.deny() == y.deny() && x.values().equals(y.values());
        return false;
    }

    /** The code for ranges[lo, hi) with the number in A: a binary search whose leaves decide. */
    private static List<long[]> tree(List<Range> ranges, int lo, int hi) {
        if (hi - lo == 1) return leaf(ranges.get(lo).action());
        int mid = (lo + hi) >>> 1;
        List<long[]> below = tree(ranges, lo, mid), above = tree(ranges, mid, hi);
        List<long[]> code = new ArrayList<>();
        int pivot = ranges.get(mid).start();
        if (below.size() <= 255) {
            code.add(insn(JMP_JGE_K, below.size(), 0, pivot));
        } else { // conditional jumps reach 255 instructions at most: go through a long jump
            code.add(insn(JMP_JGE_K, 0, 1, pivot));
            code.add(insn(JMP_JA, 0, 0, below.size()));
        }
        code.addAll(below);
        code.addAll(above);
        return code;
    }

    private static List<long[]> leaf(Action action) {
        List<long[]> code = new ArrayList<>();
        // instanceof rather than a pattern switch, which is linked at first use by generating code
        if (action instanceof Ret r) {
            code.add(insn(RET_K, 0, 0, r.value()));
        } else if (action instanceof AllowUnlessFlags a) {
            code.add(insn(LD_W_ABS, 0, 0, OFFSET_ARG0_LOW));
            code.add(insn(JMP_JSET_K, 1, 0, a.flags()));
            code.add(insn(RET_K, 0, 0, RET_ALLOW));
            code.add(insn(RET_K, 0, 0, a.deny()));
        } else if (action instanceof AllowValues a) {
            code.add(insn(LD_W_ABS, 0, 0, OFFSET_ARG0_LOW));
            int n = a.values().size();
            // value i jumps to the allow at the end, past the remaining tests and the deny
            for (int i = 0; i < n; i++) code.add(insn(JMP_JEQ_K, n - i, 0, a.values().get(i)));
            code.add(insn(RET_K, 0, 0, a.deny()));
            code.add(insn(RET_K, 0, 0, RET_ALLOW));
        }
        return code;
    }

    private static long[] insn(int code, int jt, int jf, int k) {
        return new long[] {code, jt, jf, k & 0xffffffffL};
    }
}
