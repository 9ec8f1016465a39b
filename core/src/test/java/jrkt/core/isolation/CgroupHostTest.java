package jrkt.core.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which hierarchy holds which controller, from mountinfo samples of each kind of host and from this one. */
class CgroupHostTest {
    // A systemd host in legacy mode (Debian 10, CentOS 7): v1 only, cpu and cpuacct co-mounted.
    static final String V1 = """
        24 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
        26 24 0:24 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
        27 26 0:25 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,xattr,name=systemd
        30 26 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpu,cpuacct
        31 26 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory
        32 26 0:30 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,pids
        33 26 0:31 / /sys/fs/cgroup/blkio rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,blkio
        34 26 0:32 / /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime shared:18 - cgroup cgroup rw,devices
        35 26 0:33 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:19 - cgroup cgroup rw,net_cls,net_prio
        90 31 0:29 /docker /mnt/memory-view rw,relatime - cgroup cgroup rw,memory
        """;

    // systemd's unified mode (Debian 11+, Fedora 31+): one cgroup2 mount.
    static final String V2 = """
        24 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
        26 24 0:24 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
        """;

    // systemd's hybrid mode (Ubuntu 20.04): v1 controllers, cgroup2 at /sys/fs/cgroup/unified for process tracking.
    static final String HYBRID = """
        26 24 0:24 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
        27 26 0:25 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
        28 26 0:26 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
        31 26 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory
        32 26 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,cpu,cpuacct
        33 26 0:31 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,pids
        34 26 0:32 / /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime shared:18 - cgroup cgroup rw,devices
        """;

    static final String PROC_CGROUPS = """
        #subsys_name	hierarchy	num_cgroups	enabled
        cpuset	0	93	1
        cpu	0	93	1
        blkio	0	93	1
        memory	0	93	1
        devices	0	93	1
        pids	0	93	1
        hugetlb	0	93	0
        """;

    static CgroupHost parse(String mountinfo, String v2Controllers) {
        return CgroupHost.parse(mountinfo, PROC_CGROUPS, mountPoint -> v2Controllers);
    }

    static Map<String, String> where(CgroupHost host) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String c : CgroupHost.CONTROLLERS) {
            CgroupHost.Hierarchy h = host.holding(c);
            m.put(c, h == null ? null : h.name() + "@" + h.mountPoint());
        }
        return m;
    }

    @Test
    void aV1HostHasEachControllerOnItsHierarchy() {
        CgroupHost host = parse(V1, null);
        assertEquals("v1", host.mode());
        Map<String, String> w = where(host);
        assertEquals("memory@/sys/fs/cgroup/memory", w.get("memory"));
        assertEquals("cpu,cpuacct@/sys/fs/cgroup/cpu,cpuacct", w.get("cpu"));
        assertEquals("cpu,cpuacct@/sys/fs/cgroup/cpu,cpuacct", w.get("cpuacct"));
        assertEquals("pids@/sys/fs/cgroup/pids", w.get("pids"));
        assertEquals("blkio@/sys/fs/cgroup/blkio", w.get("blkio"));
        assertEquals("devices@/sys/fs/cgroup/devices", w.get("devices"));
        assertNull(host.unified());
        // a bind mount of a subtree (/docker) is not the hierarchy's root and is not used
        assertEquals(1, host.hierarchies().stream().filter(h -> h.name().equals("memory")).count());
        assertTrue(host.hierarchies().stream().anyMatch(h -> h.name().equals("name=systemd")));
        assertEquals(List.of("memory", "cpu,cpuacct", "pids", "blkio", "devices"),
            CgroupPlan.hierarchiesOf(host).stream().map(CgroupHost.Hierarchy::name).toList(),
            "a pod uses the hierarchies of jrkt's controllers, not systemd's or net_cls");
    }

    @Test
    void aV2HostHasEverythingOnTheUnifiedHierarchy() {
        CgroupHost host = parse(V2, "cpuset cpu io memory hugetlb pids rdma misc\n");
        assertEquals("v2", host.mode());
        for (String c : CgroupHost.CONTROLLERS) {
            assertEquals("unified@/sys/fs/cgroup", where(host).get(c), c + " (blkio is io, cpuacct part of cpu, devices a BPF program)");
        }
        assertEquals(List.of("unified"), CgroupPlan.hierarchiesOf(host).stream().map(CgroupHost.Hierarchy::name).toList());
    }

    @Test
    void aV2HostWithoutAControllerReportsWhy() {
        CgroupHost host = parse(V2, "cpu memory\n");
        assertNull(host.holding("pids"));
        assertNull(host.holding("blkio"));
        assertNotNull(host.holding("devices"), "a device program needs no controller");
        assertEquals("no cgroup hierarchy of this host holds the pids controller", host.whyMissing("pids"));
        CgroupHost disabled = CgroupHost.parse(V2, PROC_CGROUPS.replace("pids\t0\t93\t1", "pids\t0\t93\t0"), m -> "pids memory");
        assertNull(disabled.holding("pids"));
        assertEquals("the pids controller is disabled on this host (/proc/cgroups)", disabled.whyMissing("pids"));
    }

    @Test
    void aHybridHostUsesV1ControllersAndTheUnifiedHierarchyForProcesses() {
        CgroupHost host = parse(HYBRID, "");
        assertEquals("hybrid", host.mode());
        assertEquals("memory@/sys/fs/cgroup/memory", where(host).get("memory"));
        assertEquals("devices@/sys/fs/cgroup/devices", where(host).get("devices"), "devices on v1, not a v2 program");
        assertNull(host.holding("blkio"), "no blkio mount, and v2 holds no io controller here");
        assertEquals(Path.of("/sys/fs/cgroup/unified"), host.unified().mountPoint());
        assertEquals(List.of("memory", "cpu,cpuacct", "pids", "devices", "unified"),
            CgroupPlan.hierarchiesOf(host).stream().map(CgroupHost.Hierarchy::name).toList());
    }

    @Test
    void readOnlyHierarchiesAsInAContainerAreReportedNotUsed() {
        String container = "1044 1040 0:27 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate\n";
        CgroupHost host = CgroupHost.parse(container, PROC_CGROUPS, m -> "cpu memory pids");
        assertNull(host.holding("memory"));
        assertEquals("the cgroup hierarchy of the memory controller is mounted read-only here", host.whyMissing("memory"));
        IsolationPlan p = IsolationPlan.decide("u", new IsolationRequest(
            IsolatorFlags.resources(new IsolatorFlags.Resources("64Mi", null, null, null, null, null, null)), null, false, false, false),
            List.of(new IsolationPlan.App("web", List.of())), host);
        assertEquals(List.of(), p.cgroups().trees(), "no cgroups to make");
        assertEquals(List.of("pod: resource/memory: the cgroup hierarchy of the memory controller is mounted read-only here",
            "pod: device policy (only the standard device nodes may be opened): the cgroup hierarchy of the devices controller is mounted read-only here"),
            p.notApplied());
    }

    @Test
    void thisHostIsDetectedAsTheKernelListsItsHierarchies() throws Exception {
        // /proc/self/cgroup names every v1 hierarchy by its controllers, and v2 as "0::"; a
        // hierarchy someone mounted in another mount namespace shows there too, so only those
        // with a mount here count (findmnt is the kernel's view read by another program)
        java.util.Set<String> mounted = new java.util.HashSet<>();
        Process findmnt = new ProcessBuilder("findmnt", "-rn", "-t", "cgroup", "-o", "OPTIONS").start();
        for (String opts : new String(findmnt.getInputStream().readAllBytes()).split("\n"))
            mounted.addAll(java.util.Arrays.asList(opts.split(",")));
        findmnt.waitFor();
        java.util.Set<String> v1 = new java.util.TreeSet<>();
        boolean v2 = false;
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f[0].equals("0") && f[1].isEmpty()) v2 = true;
            else if (mounted.containsAll(java.util.Arrays.asList(f[1].split(",")))) v1.add(f[1]);
        }
        CgroupHost host = CgroupHost.detect();
        java.util.Set<String> detected = new java.util.TreeSet<>();
        for (CgroupHost.Hierarchy h : host.hierarchies()) {
            if (!h.v2()) detected.add(h.name());
            assertTrue(java.nio.file.Files.exists(h.mountPoint().resolve("cgroup.procs")), h + " is a cgroup file system");
        }
        assertEquals(v1, detected, host.toString());
        assertEquals(v2, host.unified() != null, host.toString());
        assertEquals(v1.isEmpty() ? "v2" : v2 ? "hybrid" : "v1", host.mode());
    }
}
