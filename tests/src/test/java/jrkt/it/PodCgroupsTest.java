package jrkt.it;

import static jrkt.it.support.PodEnv.args;
import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * What stage0 does for a pod's isolation, through the real jrkt: its cgroups made with their
 * limits when it starts and removed when it is collected, the isolation flags checked before
 * anything is created, and what status and cat-manifest tell. stage1 moves each app into its
 * cgroups (plan version 2); PodConfinementTest looks at that from inside the app.
 */
class PodCgroupsTest {
    static final String IMAGE = "example.com/limits";

    @TempDir Path tmp;
    PodEnv env;

    @BeforeEach
    void fetchImage() throws Exception {
        env = new PodEnv(tmp);
        env.fetch(AciBuilder.busybox(IMAGE, "1.0", "/bin/true"));
    }

    @AfterEach
    void cleanUp() { env.close(); }

    private String podPath(String uuid) { return env.jrkt().cgroupParent() + "/" + uuid; }

    private static String read(Path file) {
        assertNotNull(file, "no such cgroup file");
        return PodEnv.readOrNull(file);
    }

    /** Whether a process is in the app's cgroup of every hierarchy jrkt made one in. */
    private boolean inApp(String uuid, String app, long pid) throws Exception {
        boolean any = false;
        for (Path mount : CgroupDirs.mountPoints()) {
            Path procs = mount.resolve(podPath(uuid)).resolve("app-" + app).resolve("cgroup.procs");
            if (!Files.exists(procs)) continue;
            any = true;
            if (!Files.readAllLines(procs).contains(Long.toString(pid))) return false;
        }
        return any;
    }

    /** The pid of the pod's app process whose command line holds marker, as the host sees it. */
    private static long appPid(String uuid, Map<String, String> status, String marker) throws Exception {
        long podPid = Long.parseLong(status.get("pid"));
        for (Procs.Proc p : Procs.descendants(podPid)) {
            String cmdline = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).replace('\0', ' ');
            if (cmdline.contains(marker)) return p.pid();
        }
        throw new AssertionError("no app process with " + marker + " below pod " + uuid);
    }

    @Test
    void runMakesThePodsCgroupsWithTheirLimitsAndGcRemovesThem() {
        String uuid = env.runDetached(args("--memory=256Mi", "--cpu=1500m", "--pids-limit=64",
            IMAGE, "--memory=64Mi", "--cpu=250m", "--cpu-shares=512", "--exec=/bin/sleep", "--", "600"));
        String pod = podPath(uuid), app = pod + "/app-limits";
        List<Path> dirs = CgroupDirs.below(env.jrkt().cgroupParent());
        assertTrue(dirs.stream().anyMatch(d -> d.endsWith(pod + "/stage1")), "stage1's own cgroup: " + dirs);

        Path memory = CgroupDirs.file("memory", pod, "memory.limit_in_bytes");
        if (memory != null) { // cgroup v1
            assertEquals("268435456", read(memory));
            assertEquals("67108864", read(CgroupDirs.file("memory", app, "memory.limit_in_bytes")));
            assertEquals("150000", read(CgroupDirs.file("cpu", pod, "cpu.cfs_quota_us")));
            assertEquals("25000", read(CgroupDirs.file("cpu", app, "cpu.cfs_quota_us")));
            assertEquals("512", read(CgroupDirs.file("cpu", app, "cpu.shares")));
            assertEquals("64", read(CgroupDirs.file("pids", pod, "pids.max")));
            assertTrue(read(CgroupDirs.file("devices", app, "devices.list")).contains("c 1:3 rwm"), "the device policy");
        } else { // cgroup v2
            assertEquals("268435456", read(CgroupDirs.file("unified", pod, "memory.max")));
            assertEquals("67108864", read(CgroupDirs.file("unified", app, "memory.max")));
            assertEquals("25000 100000", read(CgroupDirs.file("unified", app, "cpu.max")));
            assertEquals("64", read(CgroupDirs.file("unified", pod, "pids.max")));
        }

        env.run("stop", "--force", uuid).expectSuccess();
        env.awaitState(uuid, "exited", 60);
        assertFalse(CgroupDirs.below(env.jrkt().cgroupParent()).isEmpty(), "an exited pod keeps its cgroups until it is collected");
        env.run("gc", "--grace-period=0s").expectSuccess();
        assertEquals(List.of(), CgroupDirs.below(env.jrkt().cgroupParent()), "gc removed the pod's cgroups");
    }

    @Test
    void gcRemovesTheCgroupsOfAPodWhoseStage1WasKilled() throws Exception {
        Path uuidFile = tmp.resolve("uuid");
        Jrkt.Background run = env.start(args("run", "--uuid-file-save=" + uuidFile, "--pids-limit=32",
            sh(IMAGE, "sleep 600 & sleep 600 & exec sleep 601")));
        PodEnv.await("the pod's UUID", 60, () -> PodEnv.readOrNull(uuidFile) != null);
        String uuid = PodEnv.readOrNull(uuidFile);
        Map<String, String> status = env.awaitState(uuid, "running", 60);
        PodEnv.await("the app", 60, () -> { try { return appPid(uuid, status, "sleep 601") > 0; } catch (Throwable e) { return false; } });
        assertTrue(inApp(uuid, "limits", appPid(uuid, status, "sleep 601")), "stage1 put the app in its cgroup");

        run.kill9(); // stage1 run dies; PID 1 follows (PDEATHSIG), and with it the pod's pid namespace
        env.awaitState(uuid, "exited", 60);
        Jrkt.Result gc = env.run("gc", "--grace-period=0s").expectSuccess();
        assertTrue(gc.out().contains("Garbage collecting pod " + uuid), gc.toString());
        assertEquals(List.of(), CgroupDirs.below(env.jrkt().cgroupParent()));
    }

    @Test
    void anAppKilledAtItsMemoryLimitIsReportedOomKilled() throws Exception {
        String uuid = env.runDetached(args(IMAGE, "--memory=16Mi", "--exec=/bin/sh", "--", "-c",
            "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived"));
        Jrkt.Result done = env.run("status", "--wait=60s", uuid).expectSuccess();
        assertTrue(done.out().contains("exit=137"), done.toString());
        assertTrue(done.out().contains("app-limits=oom-killed"), done.toString());
    }

    @Test
    void malformedIsolationFlagsFailInOneLineBeforeAnythingIsCreated() {
        Map<List<String>, String> cases = Map.of(
            List.of("--memory=12x", IMAGE), "--memory=12x: \"12x\" is not a quantity",
            List.of(IMAGE, "--caps-retain=CAP_NET_RAW", "--caps-remove=CAP_KILL"), "--caps-retain and --caps-remove cannot be combined",
            List.of(IMAGE, "--caps-remove=CAP_NOPE"), "\"CAP_NOPE\" is not a Linux capability",
            List.of(IMAGE, "--seccomp=mode=remove,reboot,mountt"), "\"mountt\" is not an x86_64 system call",
            List.of(IMAGE, "--seccomp=reboot"), "mode=retain or mode=remove is required",
            List.of(IMAGE, "--pids-limit=0"), "--pids-limit=0: \"0\" is not between 1 and",
            List.of("--cgroup-parent=a/../b", IMAGE), "--cgroup-parent=a/../b: \"..\" is not a cgroup name");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            Jrkt.Result r = env.run(args("run", c.getKey()));
            assertEquals(254, r.exitCode(), c.getKey() + ": " + r);
            assertTrue(r.stderr().contains(c.getValue()), c.getKey() + ": " + r);
            assertEquals(1, r.stderr().strip().lines().count(), "one line: " + r);
        }
        assertEquals(List.of(), env.allPods(), "no pod was created");
        assertEquals(List.of(), CgroupDirs.below(env.jrkt().cgroupParent()));
        for (Path mount : CgroupDirs.mountPoints()) assertFalse(Files.exists(mount.resolve(env.jrkt().cgroupParent())), mount.toString());
    }

    @Test
    void anImagesUnknownSyscallFailsThePrepareNamingTheAppAndIsolator() throws Exception {
        env.fetch(AciBuilder.busybox("example.com/strict", "1.0").appJson("{\"exec\":[\"/bin/true\"],\"user\":\"0\",\"group\":\"0\","
            + "\"isolators\":[{\"name\":\"os/linux/seccomp-remove-set\",\"value\":{\"set\":[\"reboot\",\"chown32\"]}}]}"));
        Jrkt.Result r = env.run("prepare", "example.com/strict");
        assertEquals(254, r.exitCode(), r.toString());
        assertEquals("jrkt: app strict: isolator os/linux/seccomp-remove-set: \"chown32\" is not an x86_64 system call", r.stderr().strip());
        assertEquals(List.of(), env.allPods());
    }

    @Test
    void statusNamesTheOptOutsAndTheIsolatorsNotApplied() throws Exception {
        env.fetch(AciBuilder.busybox("example.com/labelled", "1.0").appJson("{\"exec\":[\"/bin/true\"],\"user\":\"0\",\"group\":\"0\","
            + "\"isolators\":[{\"name\":\"os/unix/sysctl\",\"value\":{\"net.ipv4.ip_forward\":\"1\"}}]}"));
        Path uuidFile = tmp.resolve("uuid");
        Jrkt.Result run = env.run("run", "--insecure-options=capabilities,seccomp", "--uuid-file-save=" + uuidFile, "example.com/labelled");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("jrkt: warning: not applied: app labelled: os/unix/sysctl: jrkt does not set sysctls"), run.toString());
        Map<String, String> status = env.status(PodEnv.readOrNull(uuidFile));
        assertEquals("capabilities,seccomp", status.get("insecure-options"));
        assertEquals("app labelled: os/unix/sysctl: jrkt does not set sysctls", status.get("not-applied"));

        String plain = env.runDetached(args(IMAGE, "--exec=/bin/sleep", "--", "600"));
        Map<String, String> confined = env.status(plain);
        assertNull(confined.get("insecure-options"), "a pod with every protection names none: " + confined);
        assertNull(confined.get("not-applied"), confined.toString());
    }

    @Test
    void catManifestShowsThePodsAndTheAppsIsolatorsFlagsOverImage() throws Exception {
        env.fetch(AciBuilder.busybox("example.com/capped", "1.0").appJson("{\"exec\":[\"/bin/true\"],\"user\":\"0\",\"group\":\"0\","
            + "\"isolators\":[{\"name\":\"resource/memory\",\"value\":{\"limit\":\"1G\"}},"
            + "{\"name\":\"os/linux/capabilities-remove-set\",\"value\":{\"set\":[\"CAP_MKNOD\"]}}]}"));
        String uuid = env.run("prepare", "--memory=512Mi", "example.com/capped", "--memory=128Mi", "--seccomp=mode=remove,errno=ENOTSUP,reboot")
            .expectSuccess().out();
        String manifest = env.run("cat-manifest", uuid).expectSuccess().out().replaceAll("\\s+", "");
        assertTrue(manifest.contains("\"isolators\":[{\"name\":\"resource/memory\",\"value\":{\"limit\":\"512Mi\"}}]"),
            "the pod's isolators: " + manifest);
        assertTrue(manifest.contains("{\"name\":\"os/linux/capabilities-remove-set\",\"value\":{\"set\":[\"CAP_MKNOD\"]}}"), manifest);
        assertTrue(manifest.contains("{\"name\":\"resource/memory\",\"value\":{\"limit\":\"128Mi\"}}"), "the flag's memory: " + manifest);
        assertFalse(manifest.contains("\"1G\""), "the flag replaced the image's memory isolator: " + manifest);
        assertTrue(manifest.contains("{\"name\":\"os/linux/seccomp-remove-set\",\"value\":{\"set\":[\"reboot\"],\"errno\":\"ENOTSUP\"}}"), manifest);
    }
}
