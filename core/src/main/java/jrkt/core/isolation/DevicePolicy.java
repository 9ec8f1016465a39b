package jrkt.core.isolation;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Which device nodes a pod's processes may use: any may be created (mknod, as image tools do),
 * but only the standard nodes may be opened: null, zero, full, random, urandom, tty, console,
 * ptmx and the pseudo terminals. On v1 that is the devices controller's deny/allow lists; on v2
 * the same rules as a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the pod's cgroup.
 */
public final class DevicePolicy {
    private DevicePolicy() {}

    /** A character device by major and minor; minor -1 is every minor. */
    public record Node(String name, int major, int minor) {}

    public static final List<Node> ALLOWED = List.of(
        new Node("null", 1, 3), new Node("zero", 1, 5), new Node("full", 1, 7), new Node("random", 1, 8),
        new Node("urandom", 1, 9), new Node("tty", 5, 0), new Node("console", 5, 1), new Node("ptmx", 5, 2),
        new Node("pts/*", 136, -1));

    /**
     * What a pod's hypervisor opens besides (the kvm flavor's QEMU, in the pod's cgroup): the
     * KVM device, tun for the tap devices of the pod's networks, and vhost-net. The VM's apps
     * see none of the host's devices, so this opens nothing to them.
     */
    public static final List<Node> VM_HOST = List.of(new Node("kvm", 10, 232), new Node("net/tun", 10, 200),
        new Node("vhost-net", 10, 238));

    private static List<Node> allowed(boolean vm) {
        if (!vm) return ALLOWED;
        List<Node> all = new ArrayList<>(ALLOWED);
        all.addAll(VM_HOST);
        return all;
    }

    /** v1: written to devices.deny first ("a": everything), then each line to devices.allow. */
    public static final String V1_DENY_ALL = "a";

    public static List<String> v1Allow() { return v1Allow(false); }

    public static List<String> v1Allow(boolean vm) {
        List<String> lines = new ArrayList<>();
        lines.add("c *:* m");
        lines.add("b *:* m");
        for (Node n : allowed(vm)) lines.add("c " + n.major() + ":" + (n.minor() < 0 ? "*" : n.minor()) + " rwm");
        return lines;
    }

    // eBPF (linux/bpf.h): struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; },
    // access_type = (BPF_DEVCG_ACC_* << 16) | BPF_DEVCG_DEV_*; return 1 allows, 0 denies.
    private static final int ACC_MKNOD = 1, DEV_CHAR = 2;
    private static final int LDX_MEM_W = 0x61, ALU64_MOV_X = 0xbf, ALU64_MOV_K = 0xb7, ALU64_AND_K = 0x57,
        ALU64_RSH_K = 0x77, JMP_JEQ_K = 0x15, JMP_JNE_K = 0x55, JMP_EXIT = 0x95;
    private static final int R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;

    /** The v2 program: the same rules as {@link #v1Allow()}, as eBPF instructions (8 bytes each, native order). */
    public static byte[] bpfProgram() { return bpfProgram(false); }

    public static byte[] bpfProgram(boolean vm) {
        List<long[]> p = new ArrayList<>();
        p.add(ins(LDX_MEM_W, R2, R1, 0, 0));      // r2 = access_type
        p.add(ins(ALU64_MOV_X, R3, R2, 0, 0));    // r3 = r2
        p.add(ins(ALU64_AND_K, R3, 0, 0, 0xffff)); // r3 = device type
        p.add(ins(ALU64_RSH_K, R2, 0, 0, 16));    // r2 = access bits
        p.add(ins(LDX_MEM_W, R4, R1, 4, 0));      // r4 = major
        p.add(ins(LDX_MEM_W, R5, R1, 8, 0));      // r5 = minor
        // Each rule below ends in a jump to "allow", the last instruction; patched once its place is known.
        List<Integer> toAllow = new ArrayList<>();
        toAllow.add(p.size());
        p.add(ins(JMP_JEQ_K, R2, 0, 0, ACC_MKNOD)); // creating any node (and nothing else) is allowed
        int notChar = p.size();
        p.add(ins(JMP_JNE_K, R3, 0, 0, DEV_CHAR)); // block devices: deny (patched below)
        for (Node n : allowed(vm)) {
            if (n.minor() < 0) {
                toAllow.add(p.size());
                p.add(ins(JMP_JEQ_K, R4, 0, 0, n.major()));
            } else {
                p.add(ins(JMP_JNE_K, R4, 0, 1, n.major())); // other major: skip the minor test
                toAllow.add(p.size());
                p.add(ins(JMP_JEQ_K, R5, 0, 0, n.minor()));
            }
        }
        int deny = p.size();
        p.add(ins(ALU64_MOV_K, R0, 0, 0, 0));
        p.add(ins(JMP_EXIT, 0, 0, 0, 0));
        int allow = p.size();
        p.add(ins(ALU64_MOV_K, R0, 0, 0, 1));
        p.add(ins(JMP_EXIT, 0, 0, 0, 0));
        for (int i : toAllow) p.get(i)[3] = allow - i - 1;
        p.get(notChar)[3] = deny - notChar - 1;

        ByteBuffer out = ByteBuffer.allocate(p.size() * 8).order(ByteOrder.nativeOrder());
        for (long[] i : p) {
            out.put((byte) i[0]).put((byte) ((i[2] << 4) | i[1])).putShort((short) i[3]).putInt((int) i[4]);
        }
        return out.array();
    }

    /** {code, dst, src, off, imm} */
    private static long[] ins(int code, int dst, int src, int off, int imm) {
        return new long[] {code, dst, src, off, imm};
    }
}
