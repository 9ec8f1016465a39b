package jrkt.it;

import static jrkt.it.support.PodEnv.args;
import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import jrkt.it.support.PodEnv;
import jrkt.it.support.Procs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --private-users: root in the pod is a range of unprivileged ids on the host, the image's
 * layers and the volumes are mounted idmapped (the tree on disk never changes), ranges never
 * overlap and gc gives them back.
 */
class PodUserNamespaceTest {
    static final String IMAGE = "example.com/userns";

    @TempDir Path tmp;
    PodEnv env;

    @BeforeEach
    void fetchImage() throws Exception {
        env = new PodEnv(tmp);
        env.fetch(AciBuilder.busybox(IMAGE, "1.0", "/bin/true"));
    }

    @AfterEach
    void cleanUp() { env.close(); }

    /** The first host uid of the pod's range, from status: user-namespace=0:START:65536. */
    private long rangeStart(String uuid) {
        String mapping = env.status(uuid).get("user-namespace");
        assertTrue(mapping != null && mapping.matches("0:[0-9]+:65536"), "status shows the mapping: " + mapping);
        return Long.parseLong(mapping.split(":")[1]);
    }

    private static int owner(Path file) throws Exception {
        return (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void rootInThePodIsTheRangesFirstIdOnTheHostAndSeesTheImageAsRoots() throws Exception {
        Path volume = Files.createDirectories(tmp.resolve("volume"));
        Files.writeString(volume.resolve("from-host"), "x");
        Files.setAttribute(volume.resolve("from-host"), "unix:uid", 1234);
        String uuid = env.runDetached(args("--net=none", "--private-users", "--volume=v,kind=host,source=" + volume,
            sh(IMAGE, "touch /made-in-root /v/made-by-root; exec sleep 300", "--mount=volume=v,target=/v")));
        long start = rangeStart(uuid);
        assertTrue(start >= 65536, "the range is far from the host's ids: " + start);

        Jrkt.Result inside = env.run("enter", uuid, "sh", "-c",
            "id -u; tr -s ' ' < /proc/self/uid_map | sed 's/^ //'; stat -c %u /bin/busybox /v/from-host").expectSuccess();
        assertEquals(String.join("\n", "0", "0 " + start + " 65536", "0", "1234"), inside.out(),
            "root inside, the pod's range in uid_map, the image root's, a volume's file its own owner's");

        Map<String, String> status = env.status(uuid);
        long app = Procs.descendants(Long.parseLong(status.get("pid"))).stream()
            .filter(p -> p.comm().equals("sleep")).findFirst().orElseThrow().pid();
        assertTrue(Files.readString(Path.of("/proc/" + app + "/status")).contains("\nUid:\t" + start + "\t"),
            "the app runs as the range's first uid on the host");

        Path pod = env.podDir(uuid);
        assertEquals((int) start, owner(pod.resolve("apps/userns/upper/made-in-root")), "a file made in the root is the range's");
        assertEquals(0, owner(volume.resolve("made-by-root")), "a file made in an idmapped volume is owned as the pod sees it");
        env.run("stop", "--force", uuid).expectSuccess();
        Jrkt.Result verify = env.run("image", "verify", IMAGE).expectSuccess();
        assertTrue(verify.out().startsWith("ok "), "the image's tree on disk is unchanged: " + verify);
    }

    @Test
    void anEnterKilledOutrightTakesItsCommandAlongThoughItsIdsChangedInThePodsNamespace() {
        String uuid = env.runDetached(args("--net=none", "--private-users", sh(IMAGE, "exec sleep 300")));
        try (Jrkt.Background killed = env.jrkt().start("enter", uuid, "sh", "-c", "echo begun; exec sleep 1001")) {
            PodEnv.await("the enter's command to begin", 30, () -> killed.stdoutSoFar().contains("begun"));
            killed.kill9();
        }
        PodEnv.await("the command of the enter that was killed to be gone", 30,
            () -> !env.run("enter", uuid, "ps", "-o", "args").expectSuccess().out().contains("sleep 1001"));
    }

    @Test
    void anAppOfAnotherUserWritesAVolumeAsThatUser() throws Exception {
        Path volume = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(volume, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        env.run(args("run", "--net=none", "--private-users", "--volume=v,kind=host,source=" + volume,
            sh(IMAGE, "id -u > /v/who; touch /v/made", "--mount=volume=v,target=/v", "--user=1000", "--group=1000"))).expectSuccess();
        assertEquals("1000", Files.readString(volume.resolve("who")).strip());
        assertEquals(1000, owner(volume.resolve("made")));
    }

    @Test
    void twoPodsGetDisjointRangesAndGcGivesThemBack() throws Exception {
        String a = env.runDetached(args("--net=none", "--private-users", sh(IMAGE, "exec sleep 300")));
        String b = env.runDetached(args("--net=none", "--private-users", sh(IMAGE, "exec sleep 300")));
        long startA = rangeStart(a), startB = rangeStart(b);
        assertTrue(Math.abs(startA - startB) >= 65536, "the ranges overlap: " + startA + ", " + startB);
        long lowest = Math.min(startA, startB);

        env.run("stop", "--force", a, b).expectSuccess();
        env.awaitState(a, "exited", 60);
        env.awaitState(b, "exited", 60);
        env.run("gc", "--grace-period=0s").expectSuccess();
        String c = env.runDetached(args("--net=none", "--private-users", sh(IMAGE, "exec sleep 300")));
        assertEquals(lowest, rangeStart(c), "the lowest range is free again after gc");
    }

    @Test
    void anExhaustedPoolIsRefusedInOneLineAndLeavesNoPod() throws Exception {
        Path config = Files.createDirectories(env.data().resolve("etc"));
        Files.writeString(config.resolve("private-users.json"),
            "{\"uid\": {\"start\": 3000000000, \"size\": 65536}, \"gid\": {\"start\": 3000000000, \"size\": 65536}}");
        String first = env.runDetached(args("--net=none", "--private-users", sh(IMAGE, "exec sleep 300")));
        assertEquals(3000000000L, rangeStart(first), "the configured pool is used");
        List<String> before = env.allPods();
        Jrkt.Result second = env.run(args("run", "--net=none", "--private-users", sh(IMAGE, "true")));
        assertEquals(254, second.exitCode(), second.toString());
        assertTrue(second.stderr().startsWith("jrkt: --private-users: every one of the 1 id ranges of the pool is held by a pod"),
            second.toString());
        assertEquals(1, second.stderr().strip().lines().count(), second.toString());
        assertEquals(before, env.allPods(), "the refused pod left nothing");
    }

    @Test
    void aVolumeOnAFileSystemThatCannotBeIdmappedIsRefusedBeforeThePodExists() {
        Jrkt.Result r = env.run(args("run", "--net=none", "--private-users", "--volume=k,kind=host,source=/sys/kernel",
            sh(IMAGE, "true", "--mount=volume=k,target=/k")));
        assertEquals(254, r.exitCode(), r.toString());
        assertEquals("jrkt: --private-users: the source of volume k /sys/kernel is on sysfs, which cannot be mounted idmapped;"
            + " use --private-users=chown (a shifted copy) or move it", r.stderr().strip());
        assertEquals(List.of(), env.allPods());
    }

    @Test
    void chownCopiesTheImageWithShiftedOwners() throws Exception {
        Path uuidFile = tmp.resolve("uuid");
        Jrkt.Result r = env.run(args("run", "--net=none", "--private-users=chown", "--uuid-file-save=" + uuidFile,
            sh(IMAGE, "id -u; stat -c %u /bin/busybox; stat -c %u /etc/hosts; touch /made"))).expectSuccess();
        assertEquals("0\n0\n0", r.out(), "root, the image's root and the pod's /etc/hosts, all as the pod sees them");
        String uuid = Files.readString(uuidFile).strip();
        long start = rangeStart(uuid);
        Path copy = env.podDir(uuid).resolve("apps-rootfs/userns");
        assertEquals((int) start, owner(copy.resolve("bin/busybox")), "the copy's files are the range's on disk");
        assertEquals((int) start, owner(copy.resolve("made")));
        assertFalse(Files.exists(env.podDir(uuid).resolve("apps/userns/upper")), "no overlay in chown mode");
        assertEquals((int) start, owner(env.podDir(uuid).resolve("apps/userns/hosts")), "the pod's hosts file is the range's root's");
        assertEquals(0, owner(env.podDir(uuid).resolve("apps/userns")), "its directory, which holds stage1's records, stays the host's");
    }
}
