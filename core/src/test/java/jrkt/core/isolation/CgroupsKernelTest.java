package jrkt.core.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import jrkt.core.JrktException;
import jrkt.core.isolation.CgroupPlan.Group;
import jrkt.core.isolation.CgroupPlan.Tree;
import jrkt.core.isolation.CgroupPlan.Write;
import jrkt.sys.Bpf;
import jrkt.sys.Linux;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod's cgroups made on this host's real hierarchies, below a parent of the test's own: the
 * limits are written, and a process the test puts into an app's cgroups (as stage1 would) is
 * held to them. Whatever a test made is removed after it, also when it failed.
 */
class CgroupsKernelTest {
    private final String parent = "jrkt-test-" + Long.toHexString(System.nanoTime());
    private final String uuid = UUID.randomUUID().toString();
    private final CgroupHost host = CgroupHost.detect();
    private final List<CgroupPlan> made = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();

    @TempDir Path tmp;

    @AfterEach
    void removeEverything() throws Exception {
        for (Process p : started) p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        for (CgroupPlan plan : made) Cgroups.remove(plan);
        List<Path> left = new ArrayList<>();
        for (CgroupHost.Hierarchy h : host.hierarchies()) {
            Path dir = h.mountPoint().resolve(parent);
            if (Files.exists(dir)) {
                Files.delete(dir); // the parent: shared by pods, so jrkt leaves it
                if (Files.exists(dir)) left.add(dir);
            }
        }
        assertEquals(List.of(), left);
    }

    private CgroupPlan plan(IsolatorFlags.Resources pod, IsolatorFlags.Resources web) { return plan(pod, web, false); }

    private CgroupPlan plan(IsolatorFlags.Resources pod, IsolatorFlags.Resources web, boolean virtualMachine) {
        IsolationRequest request = new IsolationRequest(IsolatorFlags.resources(pod), parent, false, false, false);
        IsolationPlan p = IsolationPlan.decide(uuid, request,
            List.of(new IsolationPlan.App("web", IsolatorFlags.resources(web))), host, virtualMachine);
        made.add(p.cgroups());
        return p.cgroups();
    }

    private static IsolatorFlags.Resources limits(String memory, String cpu, String pids) {
        return new IsolatorFlags.Resources(memory, cpu, null, pids, null, null, null);
    }

    /** sh -c SCRIPT after the shell put itself into the app's cgroup of every hierarchy, as stage1 will. */
    private Process inApp(CgroupPlan plan, String script) throws IOException {
        StringBuilder join = new StringBuilder();
        for (Tree t : plan.trees()) join.append("echo $$ > ").append(t.dir(t.group("app-web")).resolve("cgroup.procs")).append(" && ");
        Process p = new ProcessBuilder("/bin/sh", "-c", join + "exec /bin/sh -c '" + script.replace("'", "'\\''") + "'")
            .redirectErrorStream(true).start();
        p.getOutputStream().close();
        started.add(p);
        return p;
    }

    private static String finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the test process did not end: " + out);
        return out;
    }

    @Test
    void createsEveryCgroupWithItsLimitsAndRemovesThem() throws Exception {
        CgroupPlan plan = plan(limits("256Mi", "1500m", "64"), limits("64Mi", "250m", "10"));
        Cgroups.create(plan);
        int checked = 0;
        for (Tree t : plan.trees()) {
            for (Group g : t.groups()) {
                assertTrue(Files.isDirectory(t.dir(g)), t.dir(g).toString());
                for (Write w : g.writes()) {
                    if (w.optional() || w.perBlockDevice()) continue;
                    assertEquals(w.value(), Files.readString(t.dir(g).resolve(w.file())).strip(), t.dir(g) + "/" + w.file());
                    checked++;
                }
            }
        }
        assertTrue(checked >= 6, "memory, cpu and pids limits of the pod and the app: " + checked);

        Cgroups.create(plan); // a second start of the same prepared pod begins afresh
        Cgroups.remove(plan);
        for (Tree t : plan.trees()) assertFalse(Files.exists(t.podDir()), t.podDir().toString());
        Cgroups.remove(plan); // idempotent
    }

    @Test
    void anAppOverItsMemoryLimitIsOomKilledAndCounted() throws Exception {
        CgroupPlan plan = plan(limits("256Mi", null, null), limits("16Mi", null, null));
        Cgroups.create(plan);
        assertEquals(0, Cgroups.oomKills(plan, "web"));
        Process hog = inApp(plan, "x=$(head -c 200000000 /dev/zero | tr \"\\0\" a); echo survived ${#x}");
        String out = finish(hog);
        assertEquals(128 + 9, hog.exitValue(), "killed by SIGKILL: " + out);
        assertFalse(out.contains("survived"), out);
        assertTrue(Cgroups.oomKills(plan, "web") >= 1, "the kernel counted the OOM kill");
    }

    @Test
    void aForkBombStopsAtThePidsLimit() throws Exception {
        CgroupPlan plan = plan(limits(null, null, null), limits(null, null, "8"));
        Cgroups.create(plan);
        Process bomb = inApp(plan, "i=0; while [ $i -lt 40 ]; do sleep 120 > /dev/null 2>&1 & i=$((i+1)); done; echo forked");
        String out = finish(bomb);
        assertTrue(out.contains("fork"), "forks failed at the limit: " + out);
        Tree pids = plan.treeFor("pids.max");
        long inside = Files.readString(pids.dir(pids.group("app-web")).resolve("cgroup.procs")).lines().count();
        assertTrue(inside >= 1 && inside <= 8, "at most 8 processes in the app's cgroup: " + inside);
        // the sleeps live on in the cgroup: removal kills them, as gc does after a pod died hard
        Cgroups.remove(plan);
        assertFalse(Files.exists(pids.podDir()));
    }

    @Test
    void onlyTheStandardDeviceNodesCanBeOpened() throws Exception {
        CgroupPlan plan = plan(limits(null, null, null), limits(null, null, null));
        Cgroups.create(plan);
        String node = tmp.resolve("disk").toString();
        Process p = inApp(plan, "head -c 1 /dev/zero > /dev/null && echo zero-ok; echo x > /dev/null && echo null-ok; "
            + "mknod " + node + " b 7 0 && echo mknod-ok; head -c 1 " + node + " > /dev/null && echo block-opened; "
            + "head -c 0 /dev/net/tun && echo tun-opened");
        String out = finish(p);
        assertTrue(out.contains("zero-ok") && out.contains("null-ok"), out);
        assertTrue(out.contains("mknod-ok"), "creating a node is allowed, as image tools do: " + out);
        assertFalse(out.contains("block-opened"), "opening a block device must fail: " + out);
        assertFalse(out.contains("tun-opened"), "tun is for a pod's hypervisor only: " + out);
        assertTrue(out.contains("Operation not permitted"), out);
    }

    @Test
    void aVirtualMachinesPodLetsItsHypervisorOpenTunAndNothingElseBesides() throws Exception {
        CgroupPlan plan = plan(limits(null, null, null), limits(null, null, null), true);
        Cgroups.create(plan);
        String node = tmp.resolve("disk").toString();
        Process p = inApp(plan, "head -c 0 /dev/net/tun && echo tun-opened; echo x > /dev/null && echo null-ok; "
            + "mknod " + node + " b 7 0; head -c 1 " + node + " > /dev/null && echo block-opened");
        String out = finish(p);
        assertTrue(out.contains("tun-opened") && out.contains("null-ok"), "QEMU opens tun for the pod's networks: " + out);
        assertFalse(out.contains("block-opened"), out);
    }

    @Test
    void onCgroupV2TheDevicePolicyIsABpfProgram() throws Exception {
        CgroupHost.Hierarchy unified = host.unified();
        Assumptions.assumeTrue(unified != null, "no cgroup2 mount on this host");
        // The v2 path, on this host's v2 hierarchy whatever holds the devices controller here.
        Tree tree = new Tree("unified", unified.mountPoint().toString(), "/" + parent + "/" + uuid, true, List.of(), "bpf", false,
            List.of(new Group("", List.of()), new Group("app-web", List.of())));
        CgroupPlan plan = new CgroupPlan(List.of(tree));
        made.add(plan);
        Cgroups.create(plan);
        Linux linux = Linux.get();
        int fd = linux.open(tree.podDir().toString(), Linux.O_RDONLY | Linux.O_DIRECTORY | Linux.O_CLOEXEC, 0);
        try {
            assertEquals(1, Bpf.attachedCount(fd, Bpf.CGROUP_DEVICE));
        } finally {
            linux.close(fd);
        }
        String node = tmp.resolve("disk").toString(), tty = tmp.resolve("tty1").toString();
        Process p = inApp(plan, "echo x > /dev/null && echo null-ok; head -c 1 /dev/urandom > /dev/null && echo urandom-ok; "
            + "mknod " + node + " b 7 0 && echo mknod-ok; head -c 1 " + node + " > /dev/null && echo block-opened; "
            + "mknod " + tty + " c 4 1 && head -c 0 " + tty + " && echo tty1-opened");
        String out = finish(p);
        assertTrue(out.contains("null-ok") && out.contains("urandom-ok") && out.contains("mknod-ok"), out);
        assertFalse(out.contains("block-opened"), out);
        assertFalse(out.contains("tty1-opened"), "a character device outside the list: " + out);
    }

    @Test
    void aRecordedPathIsCheckedAsTheGrammarSays() {
        java.util.regex.Pattern grammar = java.util.regex.Pattern.compile("(/[A-Za-z0-9._@:-]+)+");
        java.util.Random random = new java.util.Random(7); // the same strings every run
        String alphabet = "/a.Z9_@:- *";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder();
            for (int len = random.nextInt(9); len > 0; len--) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            String path = b.toString();
            assertEquals(grammar.matcher(path).matches(), Cgroups.isSafePath(path), path);
        }
    }

    @Test
    void primingMovesLeavesThisProcessAndItsThreadsWhereTheyWere() throws Exception {
        java.util.Map<String, String> before = cgroupsOfEveryThread();
        boolean cgroup2 = Files.exists(Path.of("/sys/fs/cgroup/unified/cgroup.controllers"))
            || Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
        assertEquals(cgroup2, CgroupMovesPrime.onCgroup2(), "cgroup2 at a usual place is primed without the mount table");
        CgroupMovesPrime.onAnyHierarchy(host); // the way on hosts without it
        CgroupMovesPrime.now();
        java.util.Map<String, String> after = cgroupsOfEveryThread();
        after.keySet().retainAll(before.keySet()); // threads that came meanwhile
        before.keySet().retainAll(after.keySet()); // and went
        assertFalse(before.isEmpty());
        assertEquals(before, after);
    }

    /** /proc/self/task/TID/cgroup of every thread of this JVM. */
    private static java.util.Map<String, String> cgroupsOfEveryThread() throws IOException {
        java.util.Map<String, String> cgroups = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    cgroups.put(task.getFileName().toString(), Files.readString(task.resolve("cgroup")));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // the thread ended
                }
            }
        }
        return cgroups;
    }

    @Test
    void cgroupsMadeAheadAreWhatTheStartFindsAndAFailedPrepareRemovesThem() throws Exception {
        CgroupPlan plan = plan(limits("64Mi", null, "50"), limits(null, null, null));
        Path pod = Files.createDirectories(tmp.resolve(uuid)); // a pod directory is named by its UUID
        EarlyCgroups.none().start(uuid, plan);
        for (Tree t : plan.trees()) assertFalse(Files.exists(t.podDir()), "none() makes nothing: " + t.podDir());

        EarlyCgroups ahead = EarlyCgroups.wanted();
        ahead.start(uuid, plan);
        Cgroups.createFor(pod); // no record in the pod: only the cgroups made ahead can be there after it
        for (Tree t : plan.trees()) assertTrue(Files.isDirectory(t.dir(t.group("app-web"))), "made ahead: " + t.podDir());
        Tree pids = plan.trees().stream().filter(t -> t.group("").writes().stream().anyMatch(w -> w.file().equals("pids.max")))
            .findFirst().orElseThrow();
        assertEquals("50", Files.readString(pids.podDir().resolve("pids.max")).trim());

        ahead.abandon(new JrktException("a later step of prepare failed"));
        for (Tree t : plan.trees()) assertFalse(Files.exists(t.podDir()), "a failed prepare removes them: " + t.podDir());
    }

    @Test
    void aFailureAheadIsTheStartsFailureAndLeavesNothing() throws Exception {
        CgroupHost.Hierarchy pidsHierarchy = host.holding("pids");
        Assumptions.assumeTrue(pidsHierarchy != null, "no pids controller on this host");
        CgroupPlan bad = refusedPidsMax(plan(limits(null, null, "5"), limits(null, null, null)));
        made.add(bad);
        EarlyCgroups.wanted().start(uuid, bad);
        Path pod = Files.createDirectories(tmp.resolve(uuid));
        JrktException e = assertThrows(JrktException.class, () -> Cgroups.createFor(pod));
        assertTrue(e.getMessage().startsWith("cannot write \"lots\" to "), e.getMessage());
        for (Tree t : bad.trees()) assertFalse(Files.exists(t.podDir()), "a failed create removes what it made: " + t.podDir());
    }

    /** The plan with pids.max set to a value the kernel refuses. */
    private static CgroupPlan refusedPidsMax(CgroupPlan good) {
        List<Tree> trees = new ArrayList<>();
        for (Tree t : good.trees()) {
            List<Group> groups = new ArrayList<>();
            for (Group g : t.groups()) {
                List<Write> writes = new ArrayList<>();
                for (Write w : g.writes()) writes.add(w.file().equals("pids.max") ? Write.of("pids.max", "lots") : w);
                groups.add(new Group(g.name(), writes));
            }
            trees.add(new Tree(t.hierarchy(), t.mountPoint(), t.path(), t.v2(), t.enable(), t.devices(), t.vmDevices(), groups));
        }
        return new CgroupPlan(trees);
    }

    @Test
    void aValueTheKernelRefusesFailsNamingTheFileAndLeavesNothing() {
        CgroupHost.Hierarchy pidsHierarchy = host.holding("pids");
        Assumptions.assumeTrue(pidsHierarchy != null, "no pids controller on this host");
        CgroupPlan bad = refusedPidsMax(plan(limits(null, null, "5"), limits(null, null, null)));
        JrktException e = assertThrows(JrktException.class, () -> Cgroups.create(bad));
        assertTrue(e.getMessage().startsWith("cannot write \"lots\" to ") && e.getMessage().contains("/" + uuid + "/pids.max: "), e.getMessage());
        for (Tree t : bad.trees()) assertFalse(Files.exists(t.podDir()), "a failed create removes what it made: " + t.podDir());
    }
}
