package jrkt.core.image.aci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import jrkt.core.image.archive.EntryNames;
import jrkt.core.image.archive.SafeExtractor;
import jrkt.core.image.archive.UnsafeArchiveException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The layout rules of an ACI tar: only "manifest" and "rootfs/..." at the top, no duplicate
 * entries, rootfs a directory. Checked at fetch time so that a hostile archive never enters the
 * store: no entry may pass through an earlier symlink or file, and hard links must name an
 * earlier entry of the rootfs (SafeExtractor enforces the same again when unpacking).
 */
public final class AciArchive {
    private AciArchive() {}

    /** A manifest is a short JSON document; a bigger one is not worth parsing. */
    static final int MAX_MANIFEST_BYTES = 1024 * 1024;

    /** Reads an uncompressed ACI tar, checks its layout, and returns the manifest's bytes (not yet validated). */
    public static byte[] checkLayoutAndReadManifest(Path uncompressedTar) throws IOException {
        byte[] manifest = null;
        Set<String> seen = new HashSet<>();
        Set<String> nonDirectories = new HashSet<>(); // symlinks, files, devices: nothing may lie below them
        try (InputStream file = Files.newInputStream(uncompressedTar);
             TarArchiveInputStream tar = new TarArchiveInputStream(file)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                String normalized = EntryNames.normalize(name);
                if (normalized.isEmpty()) continue; // "./", the archive's own root
                if (!seen.add(normalized)) throw new UnsafeArchiveException("archive entry \"" + name + "\" appears twice");
                if (normalized.equals("manifest")) {
                    if (!SafeExtractor.isRegularFile(entry)) {
                        throw new UnsafeArchiveException("archive entry \"" + name + "\" is not a regular file");
                    }
                    if (entry.getSize() > MAX_MANIFEST_BYTES) {
                        throw new UnsafeArchiveException("archive entry \"" + name + "\" is larger than "
                            + MAX_MANIFEST_BYTES + " bytes");
                    }
                    manifest = tar.readNBytes(MAX_MANIFEST_BYTES);
                } else if (normalized.equals("rootfs")) {
                    if (!entry.isDirectory()) throw new UnsafeArchiveException("archive entry \"" + name + "\" is not a directory");
                } else if (!normalized.startsWith("rootfs/")) {
                    throw new UnsafeArchiveException("archive entry \"" + name + "\" is outside manifest and rootfs/");
                } else {
                    checkRootfsEntry(entry, normalized, nonDirectories);
                }
            }
        }
        if (manifest == null) throw new UnsafeArchiveException("the ACI has no \"manifest\" entry");
        return manifest;
    }

    private static void checkRootfsEntry(TarArchiveEntry entry, String normalized, Set<String> nonDirectories) {
        String name = entry.getName();
        for (int slash = normalized.indexOf('/'); slash > 0; slash = normalized.indexOf('/', slash + 1)) {
            String parent = normalized.substring(0, slash);
            if (nonDirectories.contains(parent)) {
                throw new UnsafeArchiveException("archive entry \"" + name + "\" lies below \"" + parent
                    + "\", which is not a directory (a symlink or file)");
            }
        }
        if (entry.isLink()) {
            String target = EntryNames.normalizeOrNull(entry.getLinkName());
            if (target == null || !target.startsWith("rootfs/") || !nonDirectories.contains(target)) {
                throw new UnsafeArchiveException("archive entry \"" + name + "\" is a hard link to \""
                    + entry.getLinkName() + "\", which is not an earlier file of the rootfs");
            }
        }
        if (!entry.isDirectory()) nonDirectories.add(normalized);
    }
}
