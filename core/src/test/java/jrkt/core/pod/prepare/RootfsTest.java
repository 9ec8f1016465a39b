package jrkt.core.pod.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Path resolution, users, groups and commands inside a rootfs, including hostile symlinks. */
class RootfsTest {
    @TempDir Path tmp;
    Path rootfs;

    @BeforeEach
    void image() throws Exception {
        rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("usr/bin"));
        Files.createDirectories(rootfs.resolve("etc"));
        Path busybox = Files.writeString(rootfs.resolve("bin/busybox"), "#!fake\n");
        Files.setPosixFilePermissions(busybox, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
        Files.createSymbolicLink(rootfs.resolve("usr/bin/env"), Path.of("/bin/busybox"));
        Files.writeString(rootfs.resolve("usr/bin/notexec"), "data");
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n# comment\nwww:x:33:33::/var/www:/bin/false\nbroken\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nwww:x:33:\nstaff:x:50:www\n");
        // The host side of these must never be reached.
        Files.createDirectories(tmp.resolve("host-secret"));
        Files.writeString(tmp.resolve("host-secret/passwd"), "evil:x:4242:4242::/:/bin/sh\n");
    }

    @Test
    void symlinksResolveInsideTheRootfs() throws Exception {
        Files.createSymbolicLink(rootfs.resolve("escape-abs"), tmp.resolve("host-secret"));
        Files.createSymbolicLink(rootfs.resolve("escape-rel"), Path.of("../../../../host-secret"));
        Files.createSymbolicLink(rootfs.resolve("data"), Path.of("/var/lib/data"));
        assertEquals("/bin/busybox", RootfsPath.resolve(rootfs, "/bin/sh"));
        assertEquals("/bin/busybox", RootfsPath.resolve(rootfs, "/usr/bin/env"));
        assertEquals(tmp.resolve("host-secret").toString(), RootfsPath.resolve(rootfs, "/escape-abs")); // the host path, but read inside the rootfs
        assertEquals(rootfs.resolve(tmp.toString().substring(1)).resolve("host-secret"), RootfsPath.resolveHost(rootfs, "/escape-abs"));
        assertEquals("/host-secret", RootfsPath.resolve(rootfs, "/escape-rel"));
        assertEquals("/var/lib/data/sub", RootfsPath.resolve(rootfs, "/data/sub"));
        assertEquals("/etc", RootfsPath.resolve(rootfs, "/../../etc/./"));
        assertEquals(rootfs.resolve("host-secret"), RootfsPath.resolveHost(rootfs, "/escape-rel"));
    }

    @Test
    void symlinkLoopsAreAnError() throws Exception {
        Files.createSymbolicLink(rootfs.resolve("loop"), Path.of("/loop"));
        JrktException e = assertThrows(JrktException.class, () -> RootfsPath.resolve(rootfs, "/loop/x"));
        assertEquals("too many symlinks resolving /loop/x in " + rootfs, e.getMessage());
    }

    @Test
    void usersAndGroupsByNumberNameAndPath() throws Exception {
        assertEquals(0, Users.resolveUser("web", rootfs, "root"));
        assertEquals(33, Users.resolveUser("web", rootfs, "www"));
        assertEquals(1234, Users.resolveUser("web", rootfs, "1234"));
        assertEquals(50, Users.resolveGroup("web", rootfs, "staff"));
        Path owned = Files.writeString(rootfs.resolve("owned"), "");
        Files.setAttribute(owned, "unix:uid", 501);
        Files.setAttribute(owned, "unix:gid", 502);
        assertEquals(501, Users.resolveUser("web", rootfs, "/owned"));
        assertEquals(502, Users.resolveGroup("web", rootfs, "/owned"));
    }

    @Test
    void passwdIsReadFromTheImageEvenThroughAnEscapingSymlink() throws Exception {
        Files.delete(rootfs.resolve("etc/passwd"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("../../host-secret/passwd"));
        // resolves to <rootfs>/host-secret/passwd, which does not exist
        assertEquals("app web: user evil: the image has no /etc/passwd",
            assertThrows(JrktException.class, () -> Users.resolveUser("web", rootfs, "evil")).getMessage());
    }

    @Test
    void unknownUsersAndGroupsNameTheApp() {
        assertEquals("app web: user nobody is not in the image's /etc/passwd",
            assertThrows(JrktException.class, () -> Users.resolveUser("web", rootfs, "nobody")).getMessage());
        assertEquals("app web: group wheel is not in the image's /etc/group",
            assertThrows(JrktException.class, () -> Users.resolveGroup("web", rootfs, "wheel")).getMessage());
        assertEquals("app web: user /no/such: no such file in the image",
            assertThrows(JrktException.class, () -> Users.resolveUser("web", rootfs, "/no/such")).getMessage());
        assertEquals("app web: user 99999999999 is out of range",
            assertThrows(JrktException.class, () -> Users.resolveUser("web", rootfs, "99999999999")).getMessage());
    }

    @Test
    void passwdLookupIgnoresBrokenLines() {
        assertEquals(null, Users.lookup(List.of("broken", "x:y"), "broken"));
        assertEquals(7, Users.lookup(List.of("a:x:notanumber:", "b:x:7:"), "b"));
    }

    @Test
    void commandsAreFoundThroughTheAppPath() {
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");
        assertEquals("/bin/sh", Executables.resolve("web", rootfs, "sh", env));
        assertEquals("/usr/bin/env", Executables.resolve("web", rootfs, "env", env));
        assertEquals("/bin/busybox", Executables.resolve("web", rootfs, "busybox", Map.of()));
        assertEquals("/does/not/matter", Executables.resolve("web", rootfs, "/does/not/matter", env));
    }

    @Test
    void missingOrNonExecutableCommandsNameAppAndCommand() {
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");
        assertEquals("app web: command nginx not found in the image (PATH=/usr/bin:/bin)",
            assertThrows(JrktException.class, () -> Executables.resolve("web", rootfs, "nginx", env)).getMessage());
        assertThrows(JrktException.class, () -> Executables.resolve("web", rootfs, "notexec", env));
        assertEquals("app web: command bin/sh is a relative path; give an absolute one or a bare name",
            assertThrows(JrktException.class, () -> Executables.resolve("web", rootfs, "bin/sh", env)).getMessage());
    }
}
