package jrkt.it;

import static jrkt.it.support.PodEnv.args;
import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.CgroupDirs;
import jrkt.it.support.Jrkt;
import jrkt.it.support.PodEnv;
import jrkt.it.support.Procs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an app feels of its confinement: bounding set, no-new-privileges, seccomp, its cgroups
 * and their limits, the device policy; and enter, confined the same way.
 */
class PodConfinementTest {
    static final String IMAGE = "example.com/confined";
    /** The test helper of core's seccomp tests, built static into the image as /bin/seccomp-try. */
    static final Path HELPER_SOURCE = Path.of(System.getProperty("jrkt.seccompTry.source",
        "../core/src/test/resources/jrkt/core/isolation/seccomp-try.c")).toAbsolutePath();
    static final int EPERM = 1, ENOTSUP = 95, SIGSYS = 31;

    @TempDir Path tmp;
    PodEnv env;

    @BeforeEach
    void fetchImage() throws Exception {
        env = new PodEnv(tmp);
        Path helper = tmp.resolve("seccomp-try");
        Process cc = new ProcessBuilder("gcc", "-static", "-O0", "-o", helper.toString(), HELPER_SOURCE.toString())
            .redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes());
        assertTrue(cc.waitFor(120, TimeUnit.SECONDS) && cc.exitValue() == 0, "gcc: " + ccOut);
        env.fetch(AciBuilder.busybox(IMAGE, "1.0", "/bin/true").file("rootfs/bin/seccomp-try", Files.readAllBytes(helper), 0755));
    }

    @AfterEach
    void cleanUp() { env.close(); }

    /** The app's /proc/self/status fields as KEY -> value. */
    private Map<String, String> procStatus(String... appFlags) {
        Jrkt.Result r = env.run(args("run", sh(IMAGE, "cat /proc/self/status", appFlags))).expectSuccess();
        return fields(r.out());
    }

    static Map<String, String> fields(String status) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : status.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon > 0) m.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        return m;
    }

    private static String caps(long mask) { return String.format("%016x", mask); }

    @Test
    void aRootAppHasAppcsDefaultSetAndNothingMore() {
        Map<String, String> s = procStatus();
        assertEquals("00000000a80425fb", s.get("CapBnd"), s.toString());
        assertEquals("00000000a80425fb", s.get("CapEff"));
        assertEquals("00000000a80425fb", s.get("CapPrm"));
        assertEquals("0000000000000000", s.get("CapInh"));
        assertEquals("0000000000000000", s.get("CapAmb"));
        assertEquals("0", s.get("NoNewPrivs"), "appc's default: setuid programs in images keep working");
        assertEquals("2", s.get("Seccomp"), "the default filter");
    }

    @Test
    void retainAndRemoveSetsShapeTheBoundingSet() {
        assertEquals(caps(1L << 10), procStatus("--caps-retain=CAP_NET_BIND_SERVICE").get("CapBnd"));
        long removed = 0xa80425fbL & ~(1L << 27) & ~(1L << 18);
        assertEquals(caps(removed), procStatus("--caps-remove=CAP_MKNOD,CAP_SYS_CHROOT").get("CapBnd"));
    }

    @Test
    void aNonRootAppHasNoEffectiveCapabilities() {
        Map<String, String> s = procStatus("--user=1000", "--group=1000");
        assertEquals("0000000000000000", s.get("CapEff"), s.toString());
        assertEquals("0000000000000000", s.get("CapPrm"));
        assertEquals("00000000a80425fb", s.get("CapBnd"));
    }

    @Test
    void noNewPrivilegesOnRequest() {
        assertEquals("1", procStatus("--no-new-privileges").get("NoNewPrivs"));
    }

    @Test
    void theDefaultFilterDeniesMountAndKeyctlButRunsBusybox() {
        // CAP_SYS_ADMIN retained, so that only the filter stands between the app and mount
        Jrkt.Result r = env.run(args("run", sh(IMAGE, "ls / > /dev/null && ps > /dev/null && echo applets-ok; "
            + "seccomp-try none mount keyctl reboot getpid", "--caps-retain=CAP_SYS_ADMIN,CAP_SYS_BOOT"))).expectSuccess();
        assertTrue(r.out().contains("applets-ok"), r.toString());
        assertTrue(r.out().contains("mount errno " + EPERM), r.toString());
        assertTrue(r.out().contains("keyctl errno " + EPERM), r.toString());
        assertTrue(r.out().contains("reboot errno " + EPERM), r.toString());
        assertTrue(r.out().contains("getpid ok"), r.toString());
    }

    @Test
    void aRemovedCallReturnsTheChosenErrnoOrKillsBySigsys() {
        Jrkt.Result errno = env.run(args("run", sh(IMAGE, "seccomp-try none reboot getpid", "--seccomp=mode=remove,errno=ENOTSUP,reboot,mount")))
            .expectSuccess();
        assertTrue(errno.out().contains("reboot errno " + ENOTSUP), errno.toString());
        assertTrue(errno.out().contains("getpid ok"), errno.toString());

        Jrkt.Result killed = env.run(args("run", IMAGE, "--seccomp=mode=remove,mount", "--exec=/bin/seccomp-try", "--", "none", "getpid", "mount"));
        assertEquals(128 + SIGSYS, killed.exitCode(), killed.toString());
        assertFalse(killed.out().contains("mount "), killed.toString());
    }

    @Test
    void insecureOptionsLeaveCapabilitiesAndSeccompAsTheyWere() throws Exception {
        Jrkt.Result r = env.run(args("run", "--insecure-options=capabilities,seccomp", sh(IMAGE, "cat /proc/self/status"))).expectSuccess();
        Map<String, String> s = fields(r.out());
        Map<String, String> host = fields(Files.readString(Path.of("/proc/self/status")));
        assertEquals(host.get("CapBnd"), s.get("CapBnd"), "stage1's own set, untouched");
        assertEquals("0", s.get("Seccomp"));
    }

    @Test
    void theAppSeesItsOwnCgroupsWithItsLimitsReadOnly() {
        Jrkt.Result r = env.run(args("run", "--memory=256Mi", sh(IMAGE,
            "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; "
                + "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d' ' -f1 /sys/fs/cgroup/cpu.max; "
                + "cat /sys/fs/cgroup/cpu/cpu.shares 2>/dev/null || cat /sys/fs/cgroup/cpu.weight; "
                + "mkdir /sys/fs/cgroup/escape 2>&1 || true; mkdir /sys/fs/cgroup/memory/escape 2>&1 || true",
            "--memory=32Mi", "--cpu=250m", "--cpu-shares=512"))).expectSuccess();
        List<String> lines = r.out().lines().toList();
        assertEquals("33554432", lines.get(0), r.toString());
        assertEquals("25000", lines.get(1));
        assertTrue(lines.get(2).equals("512") || lines.get(2).equals("20"), "shares, or their v2 weight: " + r);
        assertTrue(r.out().contains("Read-only file system"), "the app cannot make cgroups: " + r);
    }

    @Test
    void anAppOverItsMemoryLimitIsOomKilledAndStatusSaysSo() {
        Path uuidFile = tmp.resolve("uuid");
        Jrkt.Result r = env.run(args("run", "--uuid-file-save=" + uuidFile,
            sh(IMAGE, "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived", "--memory=16Mi")));
        assertEquals(137, r.exitCode(), r.toString());
        assertEquals("oom-killed", env.status(PodEnv.readOrNull(uuidFile)).get("app-confined"));
    }

    @Test
    void aForkBombStopsAtThePidsLimit() {
        Jrkt.Result r = env.run(args("run", sh(IMAGE,
            // at the limit the bomb's shell dies ("can't fork"); ours counts with builtins, kills every
            // other process of the pod, and forks again only once their slots are free
            "(i=0; while [ $i -lt 100 ]; do sleep 30 > /dev/null 2>&1 & i=$((i+1)); done) 2>/tmp/err; "
                + "f=/sys/fs/cgroup/pids/pids.current; [ -e $f ] || f=/sys/fs/cgroup/pids.current; read cur < $f; "
                + "kill -9 -1; while read c < $f && [ $c -gt 2 ]; do :; done; grep -c . /tmp/err; echo $cur",
            "--pids-limit=20"))).expectSuccess();
        List<String> lines = r.out().lines().toList();
        assertTrue(Integer.parseInt(lines.get(0)) > 0, "forks failed: " + r);
        assertTrue(Integer.parseInt(lines.get(1)) <= 20, "at most 20 tasks: " + r);
    }

    @Test
    void aBlockDeviceNodeCanBeMadeButNotOpened() {
        Jrkt.Result r = env.run(args("run", sh(IMAGE,
            "mknod /tmp/disk b 7 0 && echo made; head -c 1 /tmp/disk > /dev/null && echo opened; echo x > /dev/null && echo null-ok")));
        assertTrue(r.out().contains("made") && r.out().contains("null-ok"), r.toString());
        assertFalse(r.out().contains("opened"), r.toString());
        assertTrue(r.stderr().contains("Operation not permitted") || r.out().contains("Operation not permitted"), r.toString());
    }

    @Test
    void enterIsConfinedLikeTheApp() throws Exception {
        String uuid = env.runDetached(args(IMAGE, "--caps-remove=CAP_KILL", "--exec=/bin/sleep", "--", "600"));
        Map<String, String> s = fields(env.run("enter", uuid, "cat", "/proc/self/status").expectSuccess().out());
        assertEquals(caps(0xa80425fbL & ~(1L << 5)), s.get("CapBnd"), s.toString());
        assertEquals("2", s.get("Seccomp"));

        // seen from the host, a command run by enter is in the app's cgroups
        Jrkt.Background entered = env.start("enter", uuid, "sleep", "301");
        long[] pid = {0};
        PodEnv.await("the entered command", 60, () -> {
            for (Procs.Proc p : Procs.descendants(entered.pid())) if (p.comm().equals("sleep")) pid[0] = p.pid();
            return pid[0] != 0;
        });
        String cgroups = Files.readString(Path.of("/proc/" + pid[0] + "/cgroup"));
        String app = "/" + env.jrkt().cgroupParent() + "/" + uuid + "/app-confined";
        for (String line : cgroups.lines().toList()) {
            if (line.contains(":memory:") || line.contains(":pids:") || line.startsWith("0::")) assertTrue(line.endsWith(app), cgroups);
        }
    }

    @Test
    void gcRemovesTheCgroupsOfAKilledPodWhoseAppsLivedInThem() {
        Path uuidFile = tmp.resolve("uuid");
        Jrkt.Background run = env.start(args("run", "--uuid-file-save=" + uuidFile, sh(IMAGE, "sleep 600 & exec sleep 601")));
        PodEnv.await("the pod's UUID", 60, () -> PodEnv.readOrNull(uuidFile) != null);
        String uuid = PodEnv.readOrNull(uuidFile);
        env.awaitState(uuid, "running", 60);
        run.kill9();
        env.awaitState(uuid, "exited", 60);
        env.run("gc", "--grace-period=0s").expectSuccess();
        assertEquals(List.of(), CgroupDirs.below(env.jrkt().cgroupParent()));
    }
}
