package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What images and pods leave in --dir is out of reach of an unprivileged host user (uid 65534
 * through setpriv): a setuid-root file of an image tree or planted by a pod in its overlay upper
 * directory cannot be executed, a device node an image shipped cannot be opened, because cas/
 * and pods/ are 0700, also in a store an older jrkt made 0755. Device nodes are not created at
 * all unless asked for with --insecure-options=devices.
 */
class StorePermissionsTest {
    @TempDir Path tmp;

    @Test
    void nothingAnImageOrAPodLeavesInTheStoreIsReachableByAnUnprivilegedUser() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = tmp.resolve("data");
        // a store as older jrkt left it: open to all
        for (String dir : List.of("cas", "pods")) {
            Files.createDirectories(data.resolve(dir), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path control = Files.copy(Path.of("/bin/true"), data.resolve("control"));
        Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(0, asNobody("/bin/sh", "-c", "exec \"$1\"", "sh", control.toString()).exitCode,
            "the unprivileged user can run what lies open in --dir");

        // device nodes with the numbers of /dev/kvm and /dev/loop-control, open to all
        Path aci = AciBuilder.busybox("example.com/hostile", "1")
            .file("rootfs/bin/suid", Files.readAllBytes(Path.of("/bin/busybox")), 04755)
            .dir("rootfs/hostdev", 0755).charDevice("rootfs/hostdev/kvm", 10, 232, 0666)
            .charDevice("rootfs/hostdev/loop-control", 10, 237, 0666)
            .write(tmp.resolve("hostile.aci"));

        Jrkt jrkt = new Jrkt(data);
        jrkt.run("fetch", aci.toString()).expectSuccess();
        jrkt.run("run", "--net=none", "example.com/hostile", "--exec=/bin/sh", "--",
            "-c", "cp /bin/busybox /planted && chmod 4755 /planted").expectSuccess();
        jrkt.run("--insecure-options=devices", "image", "render", "example.com/hostile", tmp.resolve("with-devices").toString())
            .expectSuccess();

        for (String dir : List.of("cas", "pods")) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(dir))), dir);
        }
        Path plainTree = only(data.resolve("cas/trees"), name -> !name.endsWith("-devices") && !isStage1(data, name));
        Path deviceTree = only(data.resolve("cas/trees"), name -> name.endsWith("-devices"));
        assertFalse(Files.exists(plainTree.resolve("rootfs/hostdev/kvm"), LinkOption.NOFOLLOW_LINKS),
            "no device node is made unless asked for");
        assertEquals(10L << 8 | 232, Files.getAttribute(deviceTree.resolve("rootfs/hostdev/kvm"), "unix:rdev", LinkOption.NOFOLLOW_LINKS));
        Path suid = plainTree.resolve("rootfs/bin/suid");
        assertEquals(04755, (Integer) Files.getAttribute(suid, "unix:mode") & 07777, "the image's setuid bit is kept inside the tree");
        Path planted;
        try (Stream<Path> s = Files.find(data.resolve("pods"), 6, (p, a) -> p.getFileName().toString().equals("planted"))) {
            planted = s.findFirst().orElseThrow(() -> new AssertionError("the pod's planted file is in its upper directory"));
        }
        assertTrue(planted.toString().contains("/upper/"), planted.toString());

        for (Path target : List.of(suid, planted)) {
            // through a shell: setpriv itself still holds root's capabilities when it execs its command
            Result r = asNobody("/bin/sh", "-c", "exec \"$1\"", "sh", target.toString());
            assertTrue(r.exitCode != 0 && r.stderr.contains("Permission denied"), target + ": " + r);
        }
        for (String node : List.of("kvm", "loop-control")) {
            Result r = asNobody("/bin/sh", "-c", ": < \"$1\"", "sh", deviceTree.resolve("rootfs/hostdev/" + node).toString());
            assertTrue(r.exitCode != 0 && r.stderr.contains("Permission denied"), node + ": " + r);
        }
        Result listing = asNobody("/bin/ls", data.resolve("cas/blobs").toString());
        assertTrue(listing.exitCode != 0 && listing.stderr.contains("Permission denied"), "blobs: " + listing);
        jrkt.run("gc", "--grace-period=0s").expectSuccess();
        jrkt.run("image", "gc", "--grace-period=0s").expectSuccess();
    }

    record Result(int exitCode, String stderr) {}

    static Result asNobody(String... command) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), err);
    }

    static boolean isStage1(Path data, String tree) {
        return Files.exists(data.resolve("cas/trees").resolve(tree).resolve("rootfs/init"), LinkOption.NOFOLLOW_LINKS);
    }

    static Path only(Path dir, java.util.function.Predicate<String> which) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(p -> which.test(p.getFileName().toString())).toList();
            assertEquals(1, found.size(), "trees: " + found);
            return found.get(0);
        }
    }

}
