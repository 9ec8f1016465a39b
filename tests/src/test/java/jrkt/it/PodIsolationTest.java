package jrkt.it;

import static jrkt.it.support.PodEnv.args;
import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import jrkt.it.support.Mounts;
import jrkt.it.support.PodEnv;
import jrkt.it.support.Procs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the pod's namespaces and overlay keep apart from the host and from other pods. */
class PodIsolationTest {
    static final String IMAGE = "example.com/shell";

    @TempDir Path tmp;
    PodEnv env;

    @BeforeEach
    void fetchImage() throws Exception {
        env = new PodEnv(tmp);
        env.fetch(AciBuilder.busybox(IMAGE, "1.0", "/bin/sh"));
    }

    @AfterEach
    void cleanUp() { env.close(); }

    @Test
    void appsLiveInTheirOwnPidNamespace() {
        Jrkt.Result r = env.run(args("run", sh(IMAGE, "echo pid=$$; echo ppid=$PPID; ps -o pid,comm"))).expectSuccess();
        List<String> lines = r.stdout().strip().lines().toList();
        int pid = Integer.parseInt(lines.get(0).substring("pid=".length()));
        assertTrue(pid > 1 && pid < 20, "the app's pid should be small in its own namespace: " + r);
        assertEquals("ppid=1", lines.get(1), "the app's parent is the pod's PID 1: " + r);
        List<String> processes = lines.subList(3, lines.size());
        // PID 1 (stage1), the shell and ps; the host has far more, among them this JVM
        assertTrue(processes.size() <= 4, "ps in the pod sees only the pod: " + r);
        assertTrue(processes.stream().anyMatch(l -> l.strip().startsWith("1 ")), r.toString());
        assertFalse(processes.stream().anyMatch(l -> l.contains("java")), "a host process is visible: " + r);
        assertTrue(Procs.all().size() > processes.size(), "the host shows more processes than the pod");

        // PID 1's command line tells the apps nothing of the host's paths
        String init = env.run(args("run", sh(IMAGE, "tr '\\0' ' ' < /proc/1/cmdline"))).expectSuccess().out();
        assertEquals("/init", init);
        assertFalse(init.contains(env.data().toString()), init);
    }

    @Test
    void podsHaveTheirOwnHostname() {
        Path uuidFile = tmp.resolve("uuid");
        Jrkt.Result byDefault = env.run(args("run", "--uuid-file-save=" + uuidFile, sh(IMAGE, "hostname"))).expectSuccess();
        String uuid = PodEnv.readOrNull(uuidFile);
        assertNotNull(uuid, "--uuid-file-save wrote nothing");
        assertEquals("jrkt-" + uuid, byDefault.out(), byDefault.toString());

        Jrkt.Result named = env.run(args("run", "--hostname=foo", sh(IMAGE, "hostname; cat /etc/hostname 2>/dev/null; grep foo /etc/hosts")))
            .expectSuccess();
        assertEquals("foo", named.stdout().lines().toList().getFirst(), named.toString());
        assertTrue(named.stdout().contains("127.0.1.1"), "the pod's /etc/hosts names it: " + named);
    }

    @Test
    void mountsMadeInsideThePodStayThere() {
        String source = "jrkt-e2e-" + Long.toHexString(System.nanoTime());
        // mounting needs CAP_SYS_ADMIN and the mount system calls, which a pod has only when asked for
        String uuid = env.runDetached(args("--insecure-options=capabilities,seccomp", sh(IMAGE,
            "mkdir -p /mnt && mount -t tmpfs " + source + " /mnt && touch /mnt/made-inside && exec sleep 300")));
        // wait until the app mounted: it is visible from inside the pod
        PodEnv.await("the app's tmpfs", 60, () -> env.run("enter", uuid, "test", "-e", "/mnt/made-inside").exitCode() == 0);
        Jrkt.Result inside = env.run("enter", uuid, "cat", "/proc/self/mountinfo").expectSuccess();
        assertTrue(inside.stdout().contains(source), "the mount is there inside the pod: " + inside);

        assertEquals(List.of(), Mounts.withSource(source), "the pod's mount appeared on the host");
        assertEquals(List.of(), Mounts.involving(env.data()), "the pod's mounts appeared on the host");

        env.run("stop", "--force", uuid).expectSuccess();
        env.awaitState(uuid, "exited", 60);
        assertEquals(List.of(), Mounts.withSource(source), "the pod's mount appeared on the host after it ended");
        assertEquals(List.of(), Mounts.involving(env.data()));
    }

    @Test
    void writesToTheRootfsDoNotReachTheImage() {
        env.run(args("run", sh(IMAGE, "touch /newfile && echo x > /bin/extra && rm /etc/group && echo changed >> /etc/passwd")))
            .expectSuccess();
        Jrkt.Result second = env.run(args("run", sh(IMAGE,
            "test ! -e /newfile && test ! -e /bin/extra && test -e /etc/group && ! grep -q changed /etc/passwd")));
        assertEquals(0, second.exitCode(), "a second pod sees the first one's writes: " + second);
        Jrkt.Result verify = env.run("image", "verify", IMAGE);
        assertEquals(0, verify.exitCode(), "the image's rendered tree changed: " + verify);
        assertTrue(verify.out().startsWith("ok "), verify.toString());
    }

    @Test
    void noJavaProcessStaysAroundARunningPod() {
        // mounting needs CAP_SYS_ADMIN and the mount system calls, which a pod has only when asked for
        String uuid = env.runDetached(args("--insecure-options=capabilities,seccomp", sh(IMAGE, "exec sleep 300")));
        Map<String, String> status = env.awaitState(uuid, "running", 30);
        long pid = Long.parseLong(status.get("pid"));
        assertTrue(Procs.alive(pid), "status names a live pid: " + status);
        List<Procs.Proc> around = new java.util.ArrayList<>(Procs.ancestry(pid));
        around.addAll(Procs.descendants(pid));
        assertTrue(around.stream().anyMatch(p -> p.comm().equals("sleep")), "the app is below the pod's pid: " + around);
        List<Procs.Proc> java = around.stream().filter(p -> p.comm().equals("java")).toList();
        assertEquals(List.of(), java, "stage0's JVM should have exec'd stage1, not stayed around: " + around);
    }
}
