package jrkt.core.isolation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.isolation.CgroupPlan.Group;
import jrkt.core.isolation.CgroupPlan.Tree;
import jrkt.core.isolation.CgroupPlan.Write;
import jrkt.core.isolation.Isolators.Limits;

/**
 * Decides a pod's {@link CgroupPlan} on a host: which hierarchies, which files get which values
 * (v1 and v2 spell every limit differently), where the device policy goes; and reports each limit
 * the host has no controller for.
 */
final class CgroupPlanner {
    private CgroupPlanner() {}

    static final long CPU_PERIOD_US = 100_000;

    /**
     * @param apps       each app's limits, by app name, in app order
     * @param vm         the pod's cgroup holds a hypervisor (the kvm flavor's QEMU)
     * @param notApplied receives one line per limit that cannot be applied here
     */
    static CgroupPlan plan(CgroupHost host, String parent, String uuid, Limits pod, Map<String, Limits> apps, boolean vm,
                           List<String> notApplied) {
        reportMissing(host, "pod", pod, notApplied);
        for (Map.Entry<String, Limits> a : apps.entrySet()) reportMissing(host, "app " + a.getKey(), a.getValue(), notApplied);
        if (host.holding("devices") == null) {
            notApplied.add("pod: device policy (only the standard device nodes may be opened): " + host.whyMissing("devices"));
        }

        boolean anyCpu = uses(pod, apps, l -> l.cpuMillis() != null || l.cpuShares() != null);
        boolean anyIo = uses(pod, apps, l -> l.blockBps() != null || l.blockIops() != null);
        List<Tree> trees = new ArrayList<>();
        for (CgroupHost.Hierarchy h : CgroupPlan.hierarchiesOf(host)) {
            List<String> enable = new ArrayList<>();
            if (h.v2()) {
                for (String c : List.of("memory", "pids")) if (h.controllers().contains(c)) enable.add(c);
                if (anyCpu && h.controllers().contains("cpu")) enable.add("cpu");
                if (anyIo && h.controllers().contains("io")) enable.add("io");
            }
            String devices = host.holding("devices") == h ? (h.v2() ? "bpf" : "v1") : null;
            List<Group> groups = new ArrayList<>();
            groups.add(new Group("", writes(host, h, pod)));
            groups.add(new Group(CgroupPlan.STAGE1, List.of()));
            for (Map.Entry<String, Limits> a : apps.entrySet()) {
                groups.add(new Group(CgroupPlan.appGroup(a.getKey()), writes(host, h, a.getValue())));
            }
            trees.add(new Tree(h.name(), h.mountPoint().toString(), "/" + parent + "/" + uuid, h.v2(), enable, devices, devices != null && vm, groups));
        }
        return new CgroupPlan(trees);
    }

    private interface Uses { boolean test(Limits l); }

    private static boolean uses(Limits pod, Map<String, Limits> apps, Uses u) {
        if (u.test(pod)) return true;
        for (Limits l : apps.values()) if (u.test(l)) return true;
        return false;
    }

    private static void reportMissing(CgroupHost host, String who, Limits l, List<String> notApplied) {
        Map<String, String> wanted = new LinkedHashMap<>();
        if (l.memory() != null || l.memoryRequest() != null) wanted.put(Isolators.MEMORY, "memory");
        if (l.cpuMillis() != null) wanted.put(Isolators.CPU, "cpu");
        if (l.cpuShares() != null) wanted.put(Isolators.CPU_SHARES, "cpu");
        if (l.pids() != null) wanted.put(Isolators.PIDS, "pids");
        if (l.blockBps() != null) wanted.put(Isolators.BLOCK_BANDWIDTH, "blkio");
        if (l.blockIops() != null) wanted.put(Isolators.BLOCK_IOPS, "blkio");
        wanted.forEach((isolator, controller) -> {
            if (host.holding(controller) == null) notApplied.add(who + ": " + isolator + ": " + host.whyMissing(controller));
        });
    }

    /** The files one cgroup of hierarchy h gets for these limits. */
    static List<Write> writes(CgroupHost host, CgroupHost.Hierarchy h, Limits l) {
        List<Write> w = new ArrayList<>();
        if (host.holding("memory") == h) {
            if (h.v2()) {
                if (l.memory() != null) {
                    w.add(Write.of("memory.max", Long.toString(l.memory())));
                    // the limit is all the app may use: no swap beyond it
                    w.add(new Write("memory.swap.max", "0", true, false));
                }
                if (l.memoryRequest() != null) w.add(Write.of("memory.low", Long.toString(l.memoryRequest())));
            } else {
                if (l.memory() != null) {
                    w.add(Write.of("memory.limit_in_bytes", Long.toString(l.memory())));
                    w.add(new Write("memory.memsw.limit_in_bytes", Long.toString(l.memory()), true, false));
                }
                if (l.memoryRequest() != null) w.add(Write.of("memory.soft_limit_in_bytes", Long.toString(l.memoryRequest())));
            }
        }
        if (host.holding("cpu") == h) {
            long quota = l.cpuMillis() == null ? -1 : l.cpuMillis() * CPU_PERIOD_US / 1000;
            if (h.v2()) {
                if (l.cpuMillis() != null) w.add(Write.of("cpu.max", quota + " " + CPU_PERIOD_US));
                if (l.cpuShares() != null) w.add(Write.of("cpu.weight", Long.toString(weight(l.cpuShares()))));
            } else {
                if (l.cpuMillis() != null) {
                    w.add(Write.of("cpu.cfs_period_us", Long.toString(CPU_PERIOD_US)));
                    w.add(Write.of("cpu.cfs_quota_us", Long.toString(quota)));
                }
                if (l.cpuShares() != null) w.add(Write.of("cpu.shares", Long.toString(l.cpuShares())));
            }
        }
        if (host.holding("pids") == h && l.pids() != null) w.add(Write.of("pids.max", Long.toString(l.pids())));
        if (host.holding("blkio") == h) {
            if (h.v2()) {
                List<String> io = new ArrayList<>();
                if (l.blockBps() != null) io.add("rbps=" + l.blockBps() + " wbps=" + l.blockBps());
                if (l.blockIops() != null) io.add("riops=" + l.blockIops() + " wiops=" + l.blockIops());
                if (!io.isEmpty()) w.add(new Write("io.max", String.join(" ", io), false, true));
            } else {
                if (l.blockBps() != null) {
                    w.add(new Write("blkio.throttle.read_bps_device", Long.toString(l.blockBps()), false, true));
                    w.add(new Write("blkio.throttle.write_bps_device", Long.toString(l.blockBps()), false, true));
                }
                if (l.blockIops() != null) {
                    w.add(new Write("blkio.throttle.read_iops_device", Long.toString(l.blockIops()), false, true));
                    w.add(new Write("blkio.throttle.write_iops_device", Long.toString(l.blockIops()), false, true));
                }
            }
        }
        return w;
    }

    /** cgroup v1 cpu.shares [2, 262144] onto v2 cpu.weight [1, 10000], as runc and crun map it. */
    static long weight(long shares) { return 1 + ((shares - 2) * 9999) / 262142; }
}
