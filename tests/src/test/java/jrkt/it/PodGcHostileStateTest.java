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
import java.util.concurrent.TimeUnit;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import jrkt.it.support.Mounts;
import jrkt.it.support.PodEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pods whose apps leave hostile state behind (trees deeper than any stack or fd limit, long
 * names, unreadable directories) or whose directory the host made hard to remove (immutable
 * files, a mount left inside): gc and rm remove what they can, name what they cannot in one
 * line, and never stop collecting the other pods.
 */
class PodGcHostileStateTest {
    static final String IMAGE = "example.com/shell";

    @TempDir Path tmp;
    PodEnv env;
    String pinnedPod; // the pod holding an immutable file, wherever gc moved it

    Path pinned() { return env.podDir(pinnedPod).resolve("apps/shell/upper/tmp/pinned"); }

    @BeforeEach
    void setUp() throws Exception {
        env = new PodEnv(tmp);
        env.fetch(AciBuilder.busybox(IMAGE, "1.0", "/bin/sh"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (pinnedPod != null && env.podDir(pinnedPod) != null) chattr("-i", pinned());
        env.close();
    }

    /** A shell loop that builds `levels` directories named name below the working directory, a path of at most 4 KB at a time. */
    static String deepTree(String name, int levels) {
        int perChunk = Math.min(100, 4000 / (name.length() + 1));
        String chunk = (name + "/").repeat(perChunk);
        return "i=0; while [ $i -lt " + (levels / perChunk) + " ]; do mkdir -p " + chunk + " && cd -P " + chunk
            + " || exit 1; i=$((i+1)); done; echo bottom > file";
    }

    static void chattr(String flag, Path file) throws Exception {
        Process p = new ProcessBuilder("chattr", flag, file.toString()).inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "chattr " + flag + " " + file);
    }

    @Test
    void gcRemovesAPodWhoseAppLeftATreeThirtyThousandLevelsDeep() throws Exception {
        Path uuidFile = tmp.resolve("uuid");
        Jrkt.Result run = env.run(args("run", "--uuid-file-save=" + uuidFile, "--volume=scratch,kind=empty",
            sh(IMAGE, "cd /scratch && " + deepTree("a", 3_000) + " && cd /tmp && " + deepTree("b", 3_000),
                "--mount=volume=scratch,target=/scratch")));
        assertEquals(0, run.exitCode(), run.toString());
        // The app's writes land in its upper directory and its volume. Building 30,000 levels
        // through overlayfs takes minutes, so the rest of the depth is added there from the host,
        // as the app would have left it.
        Path upper = env.podDir(PodEnv.readOrNull(uuidFile)).resolve("apps/shell/upper/tmp");
        Process deeper = new ProcessBuilder("sh", "-c", deepTree("c", 30_000)).directory(upper.toFile()).inheritIO().start();
        assertTrue(deeper.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, deeper.exitValue());

        Jrkt.Result gc = env.run("gc", "--grace-period=0s");
        assertEquals(0, gc.exitCode(), gc.toString());
        assertEquals("", gc.stderr());
        assertEquals(List.of(), env.allPods(), "gc left the pod");
    }

    @Test
    void rmRemovesLongNamesUnreadableDirectoriesAndFifosAnAppLeft() {
        String longName = "n".repeat(255);
        Jrkt.Result run = env.run(args("run", "--uuid-file-save=" + tmp.resolve("uuid"),
            sh(IMAGE, "cd /tmp && " + deepTree(longName, 300) + " && cd / && mkdir -p /locked/inner && touch /locked/inner/f"
                + " && chmod 000 /locked/inner /locked && mkfifo /tmp/fifo && ln -s /proc/1/root /tmp/host-root")));
        assertEquals(0, run.exitCode(), run.toString());
        String uuid = PodEnv.readOrNull(tmp.resolve("uuid"));

        Jrkt.Result rm = env.run("rm", uuid);
        assertEquals(0, rm.exitCode(), rm.toString());
        assertEquals(uuid, rm.out());
        assertNull(env.podDir(uuid));
    }

    @Test
    void aPodWithAnImmutableFileIsReportedInOneLineWhileTheOthersAreCollected() throws Exception {
        Path uuidFile = tmp.resolve("uuid");
        env.run(args("run", "--uuid-file-save=" + uuidFile, sh(IMAGE, "cd /tmp && " + deepTree("d", 500)))).expectSuccess();
        String stuck = PodEnv.readOrNull(uuidFile);
        env.run(args("run", sh(IMAGE, "echo fine > /tmp/file"))).expectSuccess();
        env.run(args("run", sh(IMAGE, "echo fine too > /tmp/file"))).expectSuccess();
        pinnedPod = stuck;
        Files.writeString(pinned(), "x");
        chattr("+i", pinned());

        Jrkt.Result gc = env.run("gc", "--grace-period=0s");
        assertEquals(254, gc.exitCode(), gc.toString());
        List<String> errors = gc.stderr().lines().toList();
        assertEquals(1, errors.size(), "one line for the pod it could not remove: " + gc);
        assertTrue(errors.getFirst().startsWith("jrkt: gc: pod " + stuck + ": "), gc.toString());
        assertTrue(errors.getFirst().contains("pinned") && errors.getFirst().contains("immutable"), gc.toString());
        assertEquals(List.of("garbage/" + stuck), env.allPods(), "the two other pods are collected");

        Jrkt.Result again = env.run("gc", "--grace-period=0s");
        assertEquals(254, again.exitCode(), "the next gc says so again, and ends: " + again);
        assertEquals(errors, again.stderr().lines().toList());
        Jrkt.Result rm = env.run("rm", stuck);
        assertEquals(254, rm.exitCode());
        assertTrue(rm.stderr().strip().startsWith("jrkt: rm " + stuck + ": ") && rm.stderr().contains("immutable"), rm.toString());

        chattr("-i", pinned());
        pinnedPod = null;
        env.run("gc", "--grace-period=0s").expectSuccess();
        assertEquals(List.of(), env.allPods(), "without the flag the pod goes");
    }

    @Test
    void aMountLeftInsideAPodIsDetachedAndTheFilesItShowsAreKept() throws Exception {
        Path uuidFile = tmp.resolve("uuid");
        env.run(args("run", "--uuid-file-save=" + uuidFile, sh(IMAGE, "mkdir -p /srv/data"))).expectSuccess();
        String uuid = PodEnv.readOrNull(uuidFile);
        Path precious = Files.createDirectories(tmp.resolve("precious"));
        Files.writeString(precious.resolve("keep"), "keep me");
        Path inside = env.podDir(uuid).resolve("apps/shell/upper/srv/data");
        Process mount = new ProcessBuilder("mount", "--bind", precious.toString(), inside.toString()).inheritIO().start();
        assertTrue(mount.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, mount.exitValue());
        assertFalse(Mounts.involving(env.data()).isEmpty());

        Jrkt.Result gc = env.run("gc", "--grace-period=0s");
        assertEquals(0, gc.exitCode(), gc.toString());
        assertNull(env.podDir(uuid));
        assertEquals(List.of(), Mounts.involving(env.data()), "the mount is gone");
        assertNotNull(PodEnv.readOrNull(precious.resolve("keep")));
        assertEquals("keep me", Files.readString(precious.resolve("keep")), "what the mount showed is untouched");
    }
}
