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
import jrkt.it.support.Jrkt;
import jrkt.it.support.Mounts;
import jrkt.it.support.PodEnv;
import jrkt.it.support.Procs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detached pods: enter, stop, logs, gc, and a stage1 killed with SIGKILL. */
class PodLifecycleTest {
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
    void enterRunsCommandsInsideTheRunningApp() {
        String file = "/tmp/app-file-" + Long.toHexString(System.nanoTime());
        String uuid = env.runDetached(sh(IMAGE, "echo only-in-the-app > " + file + "; exec sleep 300"));
        // the app writes its file right after it starts: wait for it from inside, bounded
        Jrkt.Result waited = env.run("enter", uuid, "/bin/sh", "-c",
            "i=0; while [ ! -s " + file + " ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done");
        assertEquals(0, waited.exitCode(), waited.toString());

        Jrkt.Result cat = env.run("enter", uuid, "cat", file).expectSuccess();
        assertEquals("only-in-the-app", cat.out(), cat.toString());

        Jrkt.Result ps = env.run("enter", uuid, "sh", "-c", "echo pid=$$; ps -o pid,comm").expectSuccess();
        List<String> lines = ps.stdout().strip().lines().toList();
        int pid = Integer.parseInt(lines.getFirst().substring("pid=".length()));
        assertTrue(pid < 50, "enter runs in the pod's pid namespace: " + ps);
        assertTrue(ps.stdout().contains("sleep"), "the app is visible from enter: " + ps);
        assertTrue(lines.size() - 2 <= 6, "only the pod's processes are visible: " + ps);
        assertFalse(Files.exists(Path.of(file)), "the app's /tmp is its own, not the host's");

        Jrkt.Result status = env.run("enter", uuid, "sh", "-c", "exit 9");
        assertEquals(9, status.exitCode(), "enter exits with the command's status: " + status);

        // jrkt enter is the enter itself (no jrkt process in between): SIGTERM, as a script's
        // timeout sends it, ends the command in the pod rather than leaving it behind
        try (Jrkt.Background timedOut = env.jrkt().start("enter", uuid, "sh", "-c", "echo begun; exec sleep 1001")) {
            PodEnv.await("the enter's command to begin", 30, () -> timedOut.stdoutSoFar().contains("begun"));
            timedOut.process().destroy();
            assertEquals(143, timedOut.await(30).exitCode(), "the enter ended by SIGTERM");
        }
        PodEnv.await("the command of the enter that was ended to be gone", 30,
            () -> !env.run("enter", uuid, "ps", "-o", "args").expectSuccess().out().contains("sleep 1001"));
    }

    @Test
    void stopEndsAPodAndForceEndsOneThatIgnoresTerm() {
        String polite = env.runDetached(sh(IMAGE, "exec sleep 300"));
        assertEquals("running", env.state(polite));
        env.run("stop", polite).expectSuccess();
        Map<String, String> s = env.awaitState(polite, "exited", 60);
        assertEquals("exited", s.get("state"));

        String stubborn = env.runDetached(sh(IMAGE, "trap '' TERM; sleep 300"));
        env.run("stop", stubborn).expectSuccess();
        PodEnv.sleep(1500);
        assertEquals("running", env.state(stubborn), "an app ignoring SIGTERM should still run");
        env.run("stop", "--force", stubborn).expectSuccess();
        env.awaitState(stubborn, "exited", 60);
        Jrkt.Result list = env.run("list").expectSuccess();
        assertTrue(list.stdout().lines().anyMatch(l -> l.contains(stubborn.substring(0, 8)) && l.contains("exited")), list.toString());
    }

    @Test
    void logsShowTheOutputOfADetachedPod() {
        String uuid = env.runDetached(sh(IMAGE, "echo hello-from-the-app; echo and-its-stderr >&2"));
        env.awaitState(uuid, "exited", 60);
        Jrkt.Result logs = env.run("logs", uuid).expectSuccess();
        assertTrue(logs.stdout().contains("hello-from-the-app"), logs.toString());
        assertTrue((logs.stdout() + logs.stderr()).contains("and-its-stderr"), logs.toString());
    }

    @Test
    void aPodRunInTheForegroundHasNoLogsAndSaysSo() {
        Path uuidFile = tmp.resolve("foreground-uuid");
        Jrkt.Result run = env.run(args("run", "--uuid-file-save=" + uuidFile, sh(IMAGE, "echo to-the-terminal"))).expectSuccess();
        assertTrue(run.stdout().contains("to-the-terminal"), run.toString());
        String uuid = PodEnv.readOrNull(uuidFile);
        Jrkt.Result logs = env.run("logs", uuid);
        assertEquals(254, logs.exitCode(), logs.toString());
        assertEquals(1, logs.stderr().strip().lines().count(), logs.toString());
        assertTrue(logs.stderr().contains("has no log for app") && logs.stderr().contains("--detach"), logs.toString());
    }

    @Test
    void gcLeavesTheHostAsItWas() {
        assertEquals(List.of(), Mounts.involving(tmp), "mounts under the test's dir before any pod");
        env.run(args("run", "--volume=v,kind=empty", sh(IMAGE, "echo x > /v/x", "--mount=volume=v,target=/v")))
            .expectSuccess();
        String detached = env.runDetached(sh(IMAGE, "exec sleep 300"));
        env.run("stop", "--force", detached).expectSuccess();
        env.awaitState(detached, "exited", 60);
        assertEquals(2, env.podsIn("run").size());

        env.run("gc", "--grace-period=0s").expectSuccess();
        assertEquals(List.of(), env.allPods(), "gc left pod directories");
        for (String state : PodEnv.STATE_DIRS) {
            Path dir = env.data().resolve("pods").resolve(state);
            if (Files.isDirectory(dir)) assertEquals(List.of(), env.podsIn(state));
        }
        assertEquals(List.of(), Mounts.involving(tmp), "gc left mounts");
        assertEquals("", env.run("list", "--no-legend").expectSuccess().out());
    }

    @Test
    void aSigkilledRunLeavesAnExitedPodThatGcRemoves() {
        Path uuidFile = tmp.resolve("uuid");
        Jrkt.Background run = env.start(args("run", "--uuid-file-save=" + uuidFile, sh(IMAGE, "exec sleep 300")));
        PodEnv.await("the pod's UUID file", 120, () -> PodEnv.readOrNull(uuidFile) != null || !run.isAlive());
        String uuid = PodEnv.readOrNull(uuidFile);
        assertNotNull(uuid, "run ended early: " + run.stderrSoFar());
        Map<String, String> status = env.awaitState(uuid, "running", 60);
        long podPid = Long.parseLong(status.get("pid"));

        run.kill9(); // the jrkt process is stage1's run by now: it exec'd
        run.await(30);
        PodEnv.await("the pod's processes to end", 30, () -> !Procs.alive(podPid));
        env.awaitState(uuid, "exited", 30);
        assertTrue(env.run("list").expectSuccess().stdout().lines()
            .anyMatch(l -> l.contains(uuid.substring(0, 8)) && l.contains("exited")));

        env.run("gc", "--grace-period=0s").expectSuccess();
        assertNull(env.podDir(uuid), "gc left the pod's directory");
        assertEquals(List.of(), Mounts.involving(env.data()), "mounts left under the data dir");
    }

    @Test
    void aSigkilledPodInitLeavesAnExitedPodThatGcRemoves() {
        String uuid = env.runDetached(sh(IMAGE, "exec sleep 300"));
        long podPid = Long.parseLong(env.awaitState(uuid, "running", 30).get("pid"));
        List<Procs.Proc> app = Procs.descendants(podPid);
        assertFalse(app.isEmpty(), "the app runs below the pod's pid");
        Procs.kill9(podPid);
        PodEnv.await("the pod's processes to end", 30, () -> app.stream().noneMatch(p -> Procs.alive(p.pid())));
        env.awaitState(uuid, "exited", 30);
        env.run("gc", "--grace-period=0s").expectSuccess();
        assertNull(env.podDir(uuid), "gc left the pod's directory");
        assertEquals(List.of(), Mounts.involving(env.data()), "mounts left under the data dir");
    }
}
