package jrkt.core.image.archive;

import static jrkt.core.image.archive.TarBuilder.mode;
import static jrkt.core.image.archive.TarBuilder.mtimeSeconds;
import static jrkt.core.image.archive.TarBuilder.owner;
import static jrkt.core.image.archive.TarBuilder.pax;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import jrkt.sys.Linux;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Real archives unpacked on the real file system, as root. */
class SafeExtractorTest {
    private static final int S_IFMT = 0170000;
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private final Linux linux = Linux.get();
    private final SafeExtractor extractor = new SafeExtractor(linux);

    @TempDir Path base;
    Path target;
    /** Beside the target: an escaping archive would write here. */
    Path sentinel;
    /** A file outside the target that a hard link could try to reach. */
    Path outsideFile;

    @BeforeEach
    void directories() throws IOException {
        target = Files.createDirectory(base.resolve("target"));
        sentinel = Files.createDirectory(base.resolve("sentinel"));
        outsideFile = Files.writeString(Files.createDirectory(base.resolve("outside")).resolve("secret"), "secret");
    }

    static Stream<Arguments> maliciousArchives() {
        return Stream.of(
            malicious("dot-dot at the top", (b, o) -> b.file("../evil", "x"),
                "archive entry \"../evil\" has a \"..\" component"),
            malicious("dot-dot inside rootfs", (b, o) -> b.file("rootfs/../../evil", "x"),
                "archive entry \"rootfs/../../evil\" has a \"..\" component"),
            malicious("dot-dot that would stay inside", (b, o) -> b.dir("rootfs/a").file("rootfs/a/../b", "x"),
                "archive entry \"rootfs/a/../b\" has a \"..\" component"),
            malicious("absolute name", (b, o) -> b.file("/evil", "x"),
                "archive entry \"/evil\" has an absolute name"),
            malicious("absolute name under rootfs", (b, o) -> b.file("/rootfs/evil", "x"),
                "archive entry \"/rootfs/evil\" has an absolute name"),
            malicious("file through a symlink pointing out",
                (b, o) -> b.symlink("rootfs/link", o.sentinel().toString()).file("rootfs/link/evil", "x"),
                "archive entry \"rootfs/link/evil\" goes through the symbolic link \"link\""),
            malicious("directory through a symlink pointing out",
                (b, o) -> b.symlink("rootfs/link", o.sentinel().toString()).dir("rootfs/link/evil"),
                "archive entry \"rootfs/link/evil/\" goes through the symbolic link \"link\""),
            malicious("file through a symlink to ..",
                (b, o) -> b.symlink("rootfs/up", "..").file("rootfs/up/evil", "x"),
                "archive entry \"rootfs/up/evil\" goes through the symbolic link \"up\""),
            malicious("file through a nested symlink to ../..",
                (b, o) -> b.dir("rootfs/a").symlink("rootfs/a/up", "../..").file("rootfs/a/up/sentinel/evil", "x"),
                "archive entry \"rootfs/a/up/sentinel/evil\" goes through the symbolic link \"a/up\""),
            malicious("symlink replacing a directory, then a file through it",
                (b, o) -> b.dir("rootfs/d").symlink("rootfs/d", o.sentinel().toString()).file("rootfs/d/evil", "x"),
                "archive entry \"rootfs/d\" would replace a directory"),
            malicious("hard link to ../../etc/passwd",
                (b, o) -> b.hardlink("rootfs/passwd", "../../etc/passwd"),
                "archive entry \"rootfs/passwd\" is a hard link to \"../../etc/passwd\", outside the extracted tree"),
            malicious("hard link to a file outside by absolute name",
                (b, o) -> b.hardlink("rootfs/secret", o.outsideFile().toString()),
                "archive entry \"rootfs/secret\" is a hard link to \""),
            malicious("hard link to the manifest, outside rootfs/",
                (b, o) -> b.file("manifest", "{}").hardlink("rootfs/m", "manifest"),
                "archive entry \"rootfs/m\" is a hard link to \"manifest\", outside the extracted tree"),
            malicious("hard link to a file the archive has not extracted",
                (b, o) -> b.hardlink("rootfs/early", "rootfs/late").file("rootfs/late", "x"),
                "archive entry \"rootfs/early\" is a hard link to \"rootfs/late\", which the archive has not extracted before it"),
            malicious("hard link through a symlink",
                (b, o) -> b.file("rootfs/d/f", "x").symlink("rootfs/l", o.sentinel().toString()).hardlink("rootfs/h", "rootfs/l/f"),
                "archive entry \"rootfs/h\" is a hard link to \"rootfs/l/f\", which the archive has not extracted before it"),
            malicious("file where a file was expected to be a directory",
                (b, o) -> b.file("rootfs/f", "x").file("rootfs/f/g", "y"),
                "archive entry \"rootfs/f/g\" goes through \"f\", which is not a directory"),
            malicious("rootfs itself a file", (b, o) -> b.file("rootfs", "x"),
                "archive entry \"rootfs\" would replace the target directory with a non-directory"));
    }

    /** Where an escaping archive would aim: known only once the test's directories exist. */
    record Outside(Path sentinel, Path outsideFile) {}

    interface ArchiveMaker { TarBuilder make(TarBuilder builder, Outside outside); }

    private static Arguments malicious(String what, ArchiveMaker archive, String message) {
        return Arguments.of(what, archive, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maliciousArchives")
    void rejectsAndWritesNothingOutside(String what, ArchiveMaker archive, String message) throws IOException {
        byte[] tar = archive.make(new TarBuilder(), new Outside(sentinel, outsideFile)).bytes();
        UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
            () -> extractor.extract(new ByteArrayInputStream(tar), target,
                SafeExtractor.Options.aciRootfs(p -> true, true, null)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(List.of(), list(sentinel), "nothing may land beside the target");
        assertEquals(List.of("outside", "sentinel", "target"), list(base));
        assertEquals(List.of("secret"), list(outsideFile.getParent()));
        assertEquals(1, Files.getAttribute(outsideFile, "unix:nlink"));
        assertFalse(Files.exists(Path.of("/evil")));
    }

    /** cap_net_bind_service in permitted and effective, as `setcap cap_net_bind_service+ep` writes it (VFS_CAP_REVISION_2). */
    private static final byte[] NET_BIND_CAPABILITY = {
        1, 0, 0, 2, /* magic 0x02000000 | effective */ 0, 4, 0, 0, /* permitted: bit 10 */ 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0};

    @Test
    void keepsOwnersModesXattrsTimesDevicesAndLinks() throws IOException {
        byte[] binaryXattr = {(byte) 0x80, (byte) 0xff, 0, 7};
        byte[] tar = new TarBuilder()
            .file("manifest", "{}")
            .dir("rootfs", mode(0751), mtimeSeconds(946_684_800))
            .dir("rootfs/bin", mtimeSeconds(978_307_200))
            .file("rootfs/bin/busybox", "#!/bin/true\n", mode(0755), mtimeSeconds(1_000_000_000))
            .file("rootfs/bin/su", "su", owner(1000, 1000), mode(04755))
            .file("rootfs/bin/newgrp", "newgrp", owner(0, 50), mode(02711))
            .file("rootfs/bin/ping", "ping", mode(0755), pax("SCHILY.xattr.security.capability",
                new String(NET_BIND_CAPABILITY, StandardCharsets.UTF_8)))
            .hardlink("rootfs/bin/su-again", "rootfs/bin/su")
            .symlink("rootfs/bin/sh", "busybox", owner(1000, 1001), mtimeSeconds(1_100_000_000))
            .symlink("rootfs/etc/absolute", "/etc/passwd")
            .dir("rootfs/tmp", mode(01777))
            .dir("rootfs/home/user", owner(1000, 1000), mode(0700))
            .file("rootfs/home/user/notes", "n", owner(1000, 1000), mode(0600),
                pax("SCHILY.xattr.user.test", "hello"),
                pax("LIBARCHIVE.xattr.user.binary", Base64.getEncoder().encodeToString(binaryXattr)))
            .charDevice("rootfs/dev/null", 1, 3, mode(0666))
            .fifo("rootfs/run/initctl", 0600)
            .bytes();
        extractor.extract(new ByteArrayInputStream(tar), target, SafeExtractor.Options.aciRootfs(p -> true, true, null));

        assertFalse(Files.exists(target.resolve("manifest")), "only rootfs/ is extracted");
        assertEquals(0751, modeOf(target) & 07777, "the rootfs entry describes the target itself");
        assertEquals(946_684_800L, seconds(target));

        Path su = target.resolve("bin/su");
        assertEquals(1000, Files.getAttribute(su, "unix:uid"));
        assertEquals(1000, Files.getAttribute(su, "unix:gid"));
        assertEquals(04755, modeOf(su) & 07777, "setuid survives the chown");
        assertEquals(02711, modeOf(target.resolve("bin/newgrp")) & 07777);
        assertEquals(50, Files.getAttribute(target.resolve("bin/newgrp"), "unix:gid"));
        assertEquals(01777, modeOf(target.resolve("tmp")) & 07777);
        assertEquals(0700, modeOf(target.resolve("home/user")) & 07777);
        assertEquals(0755, modeOf(target.resolve("home")) & 07777, "a directory the archive left out");

        assertArrayEquals(NET_BIND_CAPABILITY, linux.lgetxattr(target.resolve("bin/ping"), "security.capability"));
        Path notes = target.resolve("home/user/notes");
        assertEquals("hello", new String(linux.lgetxattr(notes, "user.test"), StandardCharsets.UTF_8));
        assertArrayEquals(binaryXattr, linux.lgetxattr(notes, "user.binary"));
        assertEquals("n", Files.readString(notes));

        assertEquals(1_000_000_000L, seconds(target.resolve("bin/busybox")));
        assertEquals(978_307_200L, seconds(target.resolve("bin")), "set after its children were created");

        Path sh = target.resolve("bin/sh");
        assertTrue(Files.isSymbolicLink(sh));
        assertEquals("busybox", Files.readSymbolicLink(sh).toString());
        assertEquals(1000, Files.getAttribute(sh, "unix:uid", NOFOLLOW));
        assertEquals(1001, Files.getAttribute(sh, "unix:gid", NOFOLLOW));
        assertEquals(1_100_000_000L, seconds(sh));
        assertEquals("/etc/passwd", Files.readSymbolicLink(target.resolve("etc/absolute")).toString());

        assertEquals(Files.getAttribute(su, "unix:ino"), Files.getAttribute(target.resolve("bin/su-again"), "unix:ino"));
        assertEquals(2, Files.getAttribute(su, "unix:nlink"));

        Path devNull = target.resolve("dev/null");
        assertEquals(0020000 | 0666, modeOf(devNull));
        assertEquals(Linux.makedev(1, 3), Files.getAttribute(devNull, "unix:rdev"));
        assertEquals(0010000 | 0600, modeOf(target.resolve("run/initctl")));
    }

    @Test
    void appliesTheIncludeFilterToPathsRelativeToTheTarget() throws IOException {
        List<String> asked = new java.util.ArrayList<>();
        byte[] tar = new TarBuilder().dir("rootfs").file("rootfs/etc/passwd", "p").file("rootfs/etc/shadow", "s")
            .file("rootfs/bin/sh", "sh").bytes();
        extractor.extract(new ByteArrayInputStream(tar), target, SafeExtractor.Options.aciRootfs(path -> {
            asked.add(path);
            return !path.equals("etc/shadow");
        }, true, null));
        assertEquals(List.of("etc/passwd", "etc/shadow", "bin/sh"), asked);
        assertEquals("p", Files.readString(target.resolve("etc/passwd")));
        assertFalse(Files.exists(target.resolve("etc/shadow")));
        assertTrue(Files.exists(target.resolve("bin/sh")));
    }

    @Test
    void withoutDevicesSkipsDeviceNodesButKeepsFifos() throws IOException {
        byte[] tar = new TarBuilder().charDevice("./dev/null", 1, 3).fifo("./dev/fifo", 0644).file("./etc/x", "x").bytes();
        extractor.extract(new ByteArrayInputStream(tar), target, new SafeExtractor.Options("", p -> true, false, false, null));
        assertFalse(Files.exists(target.resolve("dev/null"), NOFOLLOW));
        assertEquals(0010000 | 0644, modeOf(target.resolve("dev/fifo")));
        assertEquals("x", Files.readString(target.resolve("etc/x")));
    }

    @Test
    void aLaterEntryReplacesAnEarlierFileButNotADirectory() throws IOException {
        byte[] tar = new TarBuilder()
            .file("etc/hosts", "first").file("etc/hosts", "second")
            .symlink("etc/link", "/nowhere").file("etc/link", "a file now")
            .dir("etc/d", mode(0700)).file("etc/d/f", "f").dir("etc/d", mode(0750))
            .bytes();
        extractor.extract(new ByteArrayInputStream(tar), target, new SafeExtractor.Options("", p -> true, true, false, null));
        assertEquals("second", Files.readString(target.resolve("etc/hosts")));
        assertFalse(Files.isSymbolicLink(target.resolve("etc/link")));
        assertEquals("a file now", Files.readString(target.resolve("etc/link")));
        assertEquals(0750, modeOf(target.resolve("etc/d")) & 07777);
        assertEquals("f", Files.readString(target.resolve("etc/d/f")), "a directory entry again merges, it does not empty");

        byte[] overDirectory = new TarBuilder().dir("etc").file("etc", "a file over a directory").bytes();
        UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class, () -> extractor.extract(
            new ByteArrayInputStream(overDirectory), target, new SafeExtractor.Options("", p -> true, true, false, null)));
        assertEquals("archive entry \"etc\" would replace a directory", e.getMessage());
        assertEquals("second", Files.readString(target.resolve("etc/hosts")));
    }

    @Test
    void whiteoutsRemoveWhatTheTargetHeldBeforeButNotWhatThisArchiveBrought() throws IOException {
        // a lower layer already in the target
        Files.writeString(target.resolve("gone"), "g");
        Files.createDirectories(target.resolve("gonedir/sub"));
        Files.writeString(target.resolve("gonedir/sub/file"), "g");
        Files.createDirectories(target.resolve("opaque/olddir"));
        Files.writeString(target.resolve("opaque/old"), "o");
        Files.writeString(target.resolve("opaque/olddir/x"), "o");
        Files.writeString(target.resolve("kept"), "k");
        Files.createSymbolicLink(target.resolve("dangling"), Path.of("/does/not/exist"));

        byte[] layer = new TarBuilder()
            .file(".wh.gone", "")
            .file("gonedir/.wh..wh..opq", "").file(".wh.gonedir", "")
            .file("opaque/new", "n")
            .file("opaque/.wh..wh..opq", "")
            .file("fresh", "f").file(".wh.fresh", "")
            .file(".wh.dangling", "")
            .file(".wh.neverthere", "")
            .bytes();
        extractor.extract(new ByteArrayInputStream(layer), target, new SafeExtractor.Options("", p -> true, true, true, null));

        assertEquals(List.of("fresh", "kept", "opaque"), list(target));
        assertEquals(List.of("new"), list(target.resolve("opaque")));
        assertEquals("f", Files.readString(target.resolve("fresh")), "whiteouts hide lower layers only");
    }

    @Test
    void withoutWhiteoutsAWhiteoutIsAnOrdinaryFile() throws IOException {
        Files.writeString(target.resolve("gone"), "g");
        byte[] tar = new TarBuilder().file(".wh.gone", "").bytes();
        extractor.extract(new ByteArrayInputStream(tar), target, new SafeExtractor.Options("", p -> true, true, false, null));
        assertEquals(List.of(".wh.gone", "gone"), list(target));
    }

    @Test
    void aWhiteoutDoesNotReachThroughASymlink() throws IOException {
        Files.createSymbolicLink(target.resolve("out"), outsideFile.getParent());
        byte[] tar = new TarBuilder().file("out/.wh.secret", "").bytes();
        UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class, () -> extractor.extract(
            new ByteArrayInputStream(tar), target, new SafeExtractor.Options("", p -> true, true, true, null)));
        assertEquals("archive entry \"out/.wh.secret\" goes through the symbolic link \"out\"", e.getMessage());
        assertEquals("secret", Files.readString(outsideFile));

        byte[] opaque = new TarBuilder().file("out/.wh..wh..opq", "").bytes();
        assertThrows(UnsafeArchiveException.class, () -> extractor.extract(
            new ByteArrayInputStream(opaque), target, new SafeExtractor.Options("", p -> true, true, true, null)));
        assertEquals(List.of("secret"), list(outsideFile.getParent()));
    }

    private static int modeOf(Path path) throws IOException { return (int) Files.getAttribute(path, "unix:mode", NOFOLLOW); }

    private static long seconds(Path path) throws IOException {
        return Files.getLastModifiedTime(path, NOFOLLOW).to(java.util.concurrent.TimeUnit.SECONDS);
    }

    static List<String> list(Path directory) throws IOException {
        try (Stream<Path> children = Files.list(directory)) {
            return children.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
