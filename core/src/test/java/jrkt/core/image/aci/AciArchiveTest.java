package jrkt.core.image.aci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jrkt.core.image.archive.TarBuilder;
import jrkt.core.image.archive.UnsafeArchiveException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AciArchiveTest {
    private static final String MANIFEST = "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/app\"}";

    @TempDir Path dir;

    private String manifestOf(TarBuilder archive) throws IOException {
        byte[] bytes = check(archive.writeTo(dir.resolve("image.tar")));
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private String rejection(TarBuilder archive) throws IOException {
        Path tar = archive.writeTo(dir.resolve("image.tar"));
        return assertThrows(UnsafeArchiveException.class, () -> check(tar)).getMessage();
    }

    private static byte[] check(Path tar) throws IOException {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(tar)) {
            return AciArchive.checkLayoutAndReadManifest(in, jrkt.core.image.ImageLimits.DEFAULT);
        }
    }

    @Test
    void acceptsManifestAndRootfsAndReturnsTheManifest() throws IOException {
        assertEquals(MANIFEST, manifestOf(new TarBuilder()
            .dir("rootfs").dir("rootfs/etc").file("rootfs/etc/hostname", "app").file("manifest", MANIFEST)));
    }

    @Test
    void acceptsLeadingDotSlashAndARootEntry() throws IOException {
        assertEquals(MANIFEST, manifestOf(new TarBuilder()
            .dir("./").file("./manifest", MANIFEST).dir("./rootfs").file("./rootfs/bin/app", "#!")));
    }

    @Test
    void acceptsARootfsImpliedByItsEntries() throws IOException {
        assertEquals(MANIFEST, manifestOf(new TarBuilder().file("manifest", MANIFEST).file("rootfs/app", "x")));
    }

    @Test
    void rejectsAnEntryOutsideManifestAndRootfs() throws IOException {
        assertEquals("archive entry \"etc/passwd\" is outside manifest and rootfs/",
            rejection(new TarBuilder().file("manifest", MANIFEST).file("etc/passwd", "root:x:0:0")));
        assertEquals("archive entry \"rootfsX/a\" is outside manifest and rootfs/",
            rejection(new TarBuilder().file("manifest", MANIFEST).file("rootfsX/a", "a")));
    }

    @Test
    void rejectsADuplicateEntryWhateverItsSpelling() throws IOException {
        assertEquals("archive entry \"./rootfs/etc/hosts\" appears twice", rejection(new TarBuilder()
            .file("manifest", MANIFEST).file("rootfs/etc/hosts", "a").file("./rootfs/etc/hosts", "b")));
        assertEquals("archive entry \"manifest\" appears twice",
            rejection(new TarBuilder().file("manifest", MANIFEST).file("manifest", "{}")));
    }

    @Test
    void rejectsAnEntryBelowASymlinkOrAFile() throws IOException {
        assertEquals("archive entry \"rootfs/escape/evil\" lies below \"rootfs/escape\", which is not a directory (a symlink or file)",
            rejection(new TarBuilder().file("manifest", MANIFEST).symlink("rootfs/escape", "/etc").file("rootfs/escape/evil", "x")));
        assertEquals("archive entry \"rootfs/up/up/evil\" lies below \"rootfs/up\", which is not a directory (a symlink or file)",
            rejection(new TarBuilder().file("manifest", MANIFEST).symlink("rootfs/up", "..").file("rootfs/up/up/evil", "x")));
        assertEquals("archive entry \"rootfs/f/x\" lies below \"rootfs/f\", which is not a directory (a symlink or file)",
            rejection(new TarBuilder().file("manifest", MANIFEST).file("rootfs/f", "x").file("rootfs/f/x", "y")));
    }

    @Test
    void acceptsAHardLinkToAnEarlierFileAndRejectsOthers() throws IOException {
        assertEquals(MANIFEST, manifestOf(new TarBuilder().file("manifest", MANIFEST).file("rootfs/a", "x").hardlink("rootfs/b", "rootfs/a")));
        assertEquals("archive entry \"rootfs/p\" is a hard link to \"../../etc/passwd\", which is not an earlier file of the rootfs",
            rejection(new TarBuilder().file("manifest", MANIFEST).hardlink("rootfs/p", "../../etc/passwd")));
        assertEquals("archive entry \"rootfs/m\" is a hard link to \"manifest\", which is not an earlier file of the rootfs",
            rejection(new TarBuilder().file("manifest", MANIFEST).hardlink("rootfs/m", "manifest")));
        assertEquals("archive entry \"rootfs/b\" is a hard link to \"rootfs/later\", which is not an earlier file of the rootfs",
            rejection(new TarBuilder().file("manifest", MANIFEST).hardlink("rootfs/b", "rootfs/later").file("rootfs/later", "x")));
    }

    @Test
    void rejectsAManifestThatIsADirectory() throws IOException {
        assertEquals("archive entry \"manifest/\" is not a regular file",
            rejection(new TarBuilder().dir("manifest").dir("rootfs")));
    }

    @Test
    void rejectsAManifestThatIsASymlink() throws IOException {
        assertEquals("archive entry \"manifest\" is not a regular file",
            rejection(new TarBuilder().symlink("manifest", "/etc/passwd").dir("rootfs")));
    }

    @Test
    void rejectsARootfsThatIsAFile() throws IOException {
        assertEquals("archive entry \"rootfs\" is not a directory",
            rejection(new TarBuilder().file("manifest", MANIFEST).file("rootfs", "not a directory")));
    }

    @Test
    void rejectsAMissingManifest() throws IOException {
        assertEquals("the ACI has no \"manifest\" entry", rejection(new TarBuilder().dir("rootfs").file("rootfs/a", "a")));
    }

    @Test
    void rejectsAManifestOverOneMebibyte() throws IOException {
        byte[] huge = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertEquals("the manifest is larger than 1MiB (limit max-manifest-size)",
            rejection(new TarBuilder().file("manifest", huge).dir("rootfs")));
        byte[] justFits = new byte[1024 * 1024];
        java.util.Arrays.fill(justFits, (byte) ' ');
        assertEquals(1024 * 1024, check(new TarBuilder().file("manifest", justFits).writeTo(dir.resolve("fits.tar"))).length);
    }

    @Test
    void rejectsNamesThatLeaveTheArchive() throws IOException {
        assertEquals("archive entry \"rootfs/../../evil\" has a \"..\" component",
            rejection(new TarBuilder().file("manifest", MANIFEST).file("rootfs/../../evil", "x")));
        assertEquals("archive entry \"/rootfs/evil\" has an absolute name",
            rejection(new TarBuilder().file("manifest", MANIFEST).file("/rootfs/evil", "x")));
    }
}
