package jrkt.it;

import static jrkt.it.support.PodEnv.args;
import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import jrkt.it.support.Mounts;
import jrkt.it.support.PodEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images and volumes built to make stage1 create, write or mount something on the host while
 * it sets a pod up: symlinks through magic links (/proc/self/root, /proc/thread-self/root,
 * /proc/1/root), absolute and relative links, at every path stage1 writes or mounts on. Each
 * case has a canary directory outside the store that must stay exactly as it was; whether the
 * pod then runs or is refused with a one-line error does not matter, reaching the host does.
 */
class HostileImageTest {
    @TempDir Path tmp;
    PodEnv env;
    Path canary;

    @BeforeEach
    void setUp() throws IOException {
        env = new PodEnv(tmp);
        canary = Files.createDirectories(tmp.resolve("canary/inner"));
        Files.writeString(canary.resolve("sentinel"), "untouched\n");
    }

    @AfterEach
    void cleanUp() { env.close(); }

    /** The ways a symlink may point at the canary: through magic links, absolutely, relatively. */
    private List<String> linksToCanary() {
        return List.of("/proc/self/root" + canary, "/proc/thread-self/root" + canary, "/proc/1/root" + canary,
            canary.toString(), "../../../../../../../../../.." + canary);
    }

    private void assertCanaryUntouched(String what) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(tmp.resolve("canary"))) {
            s.forEach(p -> found.add(tmp.resolve("canary").relativize(p).toString()));
        }
        assertEquals(List.of("", "inner", "inner/sentinel"), found.stream().sorted().toList(), what + ": the host's canary changed");
        assertEquals("untouched\n", Files.readString(canary.resolve("sentinel")), what);
        assertEquals(List.of(), Mounts.involving(tmp.resolve("canary")), what + ": something was mounted on the canary");
    }

    /** A refused pod says why in one line, as jrkt or stage1; a pod that ran exited 0. */
    private static void assertOneLineOutcome(String what, Jrkt.Result r) {
        if (r.exitCode() == 0) return;
        assertEquals(254, r.exitCode(), what + ": " + r);
        assertEquals(1, r.stderr().strip().lines().count(), what + ": not one line: " + r);
        assertFalse(r.stderr().contains("Exception"), what + ": " + r);
    }

    private Jrkt.Result runImage(AciBuilder image, String... podFlags) throws IOException {
        String id = env.fetch(image);
        return env.run(args("run", "--net=none", podFlags, id));
    }

    @Test
    void aSymlinkedEtcCannotMakeStage1WriteHostsOnTheHost() throws IOException {
        for (String link : linksToCanary()) {
            AciBuilder image = AciBuilder.busyboxBare("example.com/etc-link", "/bin/true").symlink("rootfs/etc", link);
            Jrkt.Result r = runImage(image);
            assertOneLineOutcome("/etc -> " + link, r);
            assertCanaryUntouched("/etc -> " + link);
        }
    }

    @Test
    void aSymlinkedHostsOrResolvConfCannotBeFollowedOut() throws IOException {
        for (String link : linksToCanary()) {
            AciBuilder image = AciBuilder.busyboxBare("example.com/file-links", "/bin/true")
                .dir("rootfs/etc", 0755).symlink("rootfs/etc/hosts", link + "/hosts")
                .symlink("rootfs/etc/resolv.conf", link + "/resolv.conf");
            Jrkt.Result r = runImage(image, "--dns=192.0.2.1");
            assertOneLineOutcome("/etc/hosts -> " + link, r);
            assertCanaryUntouched("/etc/hosts -> " + link);
        }
    }

    @Test
    void symlinkedProcSysAndDevCannotRedirectTheStandardMounts() throws IOException {
        for (String place : List.of("proc", "sys", "dev")) {
            for (String link : List.of("/proc/self/root" + canary, "/proc/1/root" + canary, "../.." + canary)) {
                AciBuilder image = AciBuilder.busyboxBare("example.com/" + place + "-link", "/bin/true").symlink("rootfs/" + place, link);
                Jrkt.Result r = runImage(image);
                assertOneLineOutcome("/" + place + " -> " + link, r);
                assertCanaryUntouched("/" + place + " -> " + link);
            }
        }
    }

    @Test
    void aMountPointBehindAMagicLinkStaysInsideTheApp() throws IOException {
        for (String link : linksToCanary()) {
            AciBuilder image = AciBuilder.busyboxBare("example.com/mountpoint-link")
                .symlink("rootfs/data", link)
                .appJson("{\"exec\":[\"/bin/true\"],\"user\":\"0\",\"group\":\"0\","
                    + "\"mountPoints\":[{\"name\":\"data\",\"path\":\"/data/vol\"}]}");
            Jrkt.Result r = runImage(image);
            assertOneLineOutcome("mount point /data/vol, /data -> " + link, r);
            assertCanaryUntouched("mount point /data/vol, /data -> " + link);
        }
    }

    @Test
    void aSymlinkInAHostVolumeCannotLeadALaterMountOut() throws IOException {
        String id = env.fetch(AciBuilder.busybox("example.com/shell", "1.0", "/bin/true"));
        for (String link : linksToCanary()) {
            Path volume = Files.createDirectories(tmp.resolve("volume-" + Integer.toHexString(link.hashCode())));
            Files.createSymbolicLink(volume.resolve("sub"), Path.of(link));
            Jrkt.Result r = env.run(args("run", "--net=none", "--volume=v,kind=host,source=" + volume, "--volume=e,kind=empty",
                id, "--mount=volume=v,target=/v", "--mount=volume=e,target=/v/sub/x"));
            assertOneLineOutcome("volume with sub -> " + link, r);
            assertCanaryUntouched("volume with sub -> " + link);
        }
    }

    @Test
    void anAppSwappingADirectoryForASymlinkCannotRedirectAnotherPodsMount() throws IOException {
        String id = env.fetch(AciBuilder.busybox("example.com/shell", "1.0", "/bin/true"));
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        String swapper = env.runDetached(args("--net=none", "--volume=s,kind=host,source=" + shared, sh(id,
            "while :; do rm -rf /s/d; mkdir /s/d; rm -rf /s/d; ln -s /proc/self/root" + canary + " /s/d; done",
            "--mount=volume=s,target=/s")));
        for (int i = 0; i < 10; i++) {
            Jrkt.Result r = env.run(args("run", "--net=none", "--volume=s,kind=host,source=" + shared, "--volume=e,kind=empty",
                id, "--mount=volume=s,target=/s", "--mount=volume=e,target=/s/d/x"));
            assertOneLineOutcome("mount under a directory being swapped, run " + i, r);
        }
        env.run("stop", "--force", swapper).expectSuccess();
        assertCanaryUntouched("mounts under a directory being swapped for a link");
    }

    @Test
    void aFifoOrADirectoryWhereAFileIsExpectedDoesNotHangOrEscape() throws IOException {
        AciBuilder fifo = AciBuilder.busyboxBare("example.com/fifo-hosts", "/bin/cat", "/etc/hosts").dir("rootfs/etc", 0755)
            .entry(new AciBuilder.Entry("rootfs/etc/hosts", 'p', null, null, 0644, 0, 0));
        Jrkt.Result r = runImage(fifo);
        assertOneLineOutcome("/etc/hosts is a FIFO", r);
        assertTrue(r.exitCode() != 0 || r.stdout().contains("localhost"), "the app reads jrkt's hosts file: " + r);

        AciBuilder dir = AciBuilder.busyboxBare("example.com/dir-hosts", "/bin/true").dir("rootfs/etc", 0755).dir("rootfs/etc/hosts", 0755);
        Jrkt.Result refused = runImage(dir);
        assertEquals(254, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("/etc/hosts"), "the error names the path: " + refused);
        assertCanaryUntouched("file targets of the wrong type");
    }
}
