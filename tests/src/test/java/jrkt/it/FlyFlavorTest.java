package jrkt.it;

import static jrkt.it.support.PodEnv.args;
import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
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

/**
 * The fly flavor: apps in a chroot of their image with the host's pid, network, uts and ipc
 * namespaces and only a mount namespace of the pod's own; the commands a pod has behave as
 * with the default flavor.
 */
class FlyFlavorTest {
    static final String IMAGE = "example.com/fly";
    static final String FLY = "--stage1-name=jrkt.io/stage1-fly";

    @TempDir Path tmp;
    PodEnv env;

    @BeforeEach
    void fetchImage() throws Exception {
        env = new PodEnv(tmp);
        env.fetch(AciBuilder.busybox(IMAGE, "1.0", "/bin/true"));
    }

    @AfterEach
    void cleanUp() { env.close(); }

    private static String hostNamespace(String ns) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/self/ns/" + ns)).toString();
    }

    @Test
    void appsShareTheHostsNamespacesButNotItsMounts() throws Exception {
        Path volume = Files.createDirectories(tmp.resolve("volume"));
        String uuid = env.runDetached(args(FLY, "--volume=v,kind=host,source=" + volume,
            sh(IMAGE, "for n in pid net uts ipc; do readlink /proc/self/ns/$n; done > /v/ns; "
                + "test -d /proc/" + ProcessHandle.current().pid() + " && echo sees-host-processes >> /v/ns; exec sleep 300",
                "--mount=volume=v,target=/v")));
        PodEnv.await("the app's report", 60, () -> Files.exists(volume.resolve("ns")) && PodEnv.readOrNull(volume.resolve("ns")).contains("sees"));
        assertEquals(String.join("\n", hostNamespace("pid"), hostNamespace("net"), hostNamespace("uts"), hostNamespace("ipc"),
            "sees-host-processes"), Files.readString(volume.resolve("ns")).strip());
        assertEquals(List.of(), Mounts.involving(env.data()), "the pod's mounts stay in its mount namespace");
        assertEquals(List.of(), Mounts.involving(volume), "the volume is not mounted on the host");

        assertEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip(), env.run("enter", uuid, "hostname").expectSuccess().out());
        env.run("stop", uuid).expectSuccess();
        Map<String, String> status = env.awaitState(uuid, "exited", 60);
        assertEquals("143", status.get("exit"), "SIGTERM reached the app: " + status);
    }

    @Test
    void theUsualBehaviourHoldsExitStatusEnvUserVolumesAndTwoApps() throws Exception {
        Path ro = Files.createDirectories(tmp.resolve("ro")), rw = Files.createDirectories(tmp.resolve("rw"));
        Files.setPosixFilePermissions(rw, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Jrkt.Result r = env.run(args("run", FLY, "--volume=ro,kind=host,source=" + ro + ",readOnly=true",
            "--volume=rw,kind=host,source=" + rw, "--set-env=GREETING=hi",
            sh(IMAGE, "echo $GREETING $(id -u); touch /ro/x 2>/dev/null || echo ro-refused; touch /rw/one; exit 3",
                "--mount=volume=ro,target=/ro", "--mount=volume=rw,target=/rw", "--user=1000", "--group=1000"),
            "---", sh(IMAGE, "touch /rw/two", "--mount=volume=rw,target=/rw", "--name=second")));
        assertEquals(3, r.exitCode(), r.toString());
        assertEquals("hi 1000\nro-refused", r.out());
        assertTrue(Files.exists(rw.resolve("one")) && Files.exists(rw.resolve("two")), "both apps wrote their volume");
        assertFalse(Files.exists(ro.resolve("x")));
    }

    @Test
    void logsAndStopForceReachEveryProcessAndGcLeavesNothing() throws Exception {
        String uuid = env.runDetached(args(FLY, sh(IMAGE, "echo started; (setsid sleep 3701 &); exec sleep 3702")));
        PodEnv.await("the app's daemon", 60, () -> processes("sleep 3701") == 1);
        assertEquals("started", env.run("logs", uuid).expectSuccess().out());
        env.run("stop", "--force", uuid).expectSuccess();
        env.awaitState(uuid, "exited", 60);
        PodEnv.await("the pod's processes to die", 30, () -> processes("sleep 3701") + processes("sleep 3702") == 0);
        env.run("gc", "--grace-period=0s").expectSuccess();
        assertEquals(List.of(), env.allPods());
    }

    private static long processes(String commandLine) {
        return Procs.all().stream().filter(p -> Procs.alive(p.pid()) && Procs.cmdline(p.pid()).equals(commandLine)).count();
    }

    @Test
    void whatOnlyNamespacesGiveIsRefusedBeforeThePodExists() {
        for (String[] flags : List.of(new String[] {"--net=none"}, new String[] {"--private-users"}, new String[] {"--hostname=x"})) {
            Jrkt.Result r = env.run(args("run", FLY, flags, IMAGE));
            assertEquals(254, r.exitCode(), String.join(" ", flags) + ": " + r);
            assertTrue(r.stderr().startsWith("jrkt: stage1 jrkt.io/stage1-fly "), r.toString());
            assertEquals(1, r.stderr().strip().lines().count(), r.toString());
        }
        assertEquals(List.of(), env.allPods());
    }
}
