package jrkt.core.image.aci;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import jrkt.core.fs.RawNames;
import jrkt.core.image.ImageLimits;
import jrkt.core.image.archive.EntryNames;
import jrkt.core.image.archive.SafeExtractor;
import jrkt.core.image.archive.TarReader;
import jrkt.core.image.archive.UnsafeArchiveException;

/**
 * The layout rules of an ACI tar: only "manifest" and "rootfs/..." at the top, no duplicate
 * entries, rootfs a directory. Checked at fetch time so that a hostile archive never enters the
 * store: no entry may pass through an earlier symlink or file, and hard links must name an
 * earlier entry of the rootfs (SafeExtractor enforces the same again when unpacking). The
 * {@link ImageLimits} on entries, path length and depth are checked here too.
 *
 * <p>One pass, linear in the archive: the names seen are kept as a tree of path components, so
 * an entry costs a walk over its own name.
 */
public final class AciArchive {
    private AciArchive() {}

    /** A path component seen in the archive. */
    private static final class Node {
        Map<String, Node> children;
        boolean seen;          // an entry of this name was read
        boolean nonDirectory;  // ...and it is a file, link or device: nothing may lie below it

        Node child(String name) {
            if (children == null) children = new HashMap<>();
            return children.computeIfAbsent(name, n -> new Node());
        }

        Node find(String name) { return children == null ? null : children.get(name); }
    }

    /**
     * Reads an uncompressed ACI tar to its end-of-archive marker, checks its layout and the
     * limits, and returns the manifest's bytes (not yet validated as a manifest).
     */
    public static byte[] checkLayoutAndReadManifest(InputStream uncompressedTar, ImageLimits limits) throws IOException {
        byte[] manifest = null;
        boolean rootfsSeen = false;
        Node rootfs = new Node();
        long entries = 0;
        TarReader tar = new TarReader(uncompressedTar, SafeExtractor.MAX_METADATA);
        for (TarReader.Entry entry; (entry = tar.next()) != null; ) {
            if (++entries > limits.maxEntries()) {
                throw new UnsafeArchiveException("the archive has more than " + limits.maxEntries()
                    + " entries (limit max-entries)");
            }
            String name = entry.name();
            String normalized = EntryNames.normalize(name);
            if (normalized.isEmpty()) continue; // "./", the archive's own root
            if (normalized.equals("manifest")) {
                if (manifest != null) throw twice(name);
                if (!entry.isRegularFile()) throw new UnsafeArchiveException("archive entry \"" + RawNames.display(name) + "\" is not a regular file");
                if (entry.size() > limits.maxManifestSize()) {
                    throw new UnsafeArchiveException("the manifest is larger than " + ImageLimits.formatSize(limits.maxManifestSize())
                        + " (limit max-manifest-size)");
                }
                manifest = tar.content().readNBytes((int) entry.size());
            } else if (normalized.equals("rootfs")) {
                if (rootfsSeen) throw twice(name);
                if (!entry.isDirectory()) throw new UnsafeArchiveException("archive entry \"" + RawNames.display(name) + "\" is not a directory");
                rootfsSeen = true;
            } else if (!normalized.startsWith("rootfs/")) {
                throw new UnsafeArchiveException("archive entry \"" + RawNames.display(name) + "\" is outside manifest and rootfs/");
            } else {
                checkRootfsEntry(entry, normalized.substring("rootfs/".length()), rootfs, limits);
            }
        }
        if (manifest == null) throw new UnsafeArchiveException("the ACI has no \"manifest\" entry");
        return manifest;
    }

    /** relative: the entry's path below rootfs/, raw. */
    private static void checkRootfsEntry(TarReader.Entry entry, String relative, Node rootfs, ImageLimits limits) {
        String name = entry.name();
        if (relative.length() + 1 > limits.maxPathLength()) {
            throw new UnsafeArchiveException("archive entry \"" + shortened(name) + "\" has a path longer than "
                + limits.maxPathLength() + " bytes (limit max-path-length)");
        }
        if (entry.isSymbolicLink() && entry.linkName().length() > limits.maxPathLength()) {
            throw new UnsafeArchiveException("archive entry \"" + shortened(name) + "\" is a symbolic link longer than "
                + limits.maxPathLength() + " bytes (limit max-path-length)");
        }
        Node node = rootfs;
        int start = 0, depth = 0;
        for (int slash = relative.indexOf('/'); slash >= 0; slash = relative.indexOf('/', start)) {
            if (++depth > limits.maxPathDepth()) {
                throw new UnsafeArchiveException("archive entry \"" + shortened(name) + "\" lies more than "
                    + limits.maxPathDepth() + " directories deep (limit max-path-depth)");
            }
            node = node.child(relative.substring(start, slash));
            if (node.nonDirectory) {
                throw new UnsafeArchiveException("archive entry \"" + shortened(name) + "\" lies below \"rootfs/"
                    + RawNames.display(relative.substring(0, slash)) + "\", which is not a directory (a symlink or file)");
            }
            start = slash + 1;
        }
        node = node.child(relative.substring(start));
        if (node.seen) throw twice(name);
        node.seen = true;
        if (entry.isHardLink()) {
            String target = EntryNames.normalizeOrNull(entry.linkName());
            Node linked = target == null || !target.startsWith("rootfs/") ? null : find(rootfs, target.substring("rootfs/".length()));
            if (linked == null || !linked.seen || !linked.nonDirectory) {
                throw new UnsafeArchiveException("archive entry \"" + shortened(name) + "\" is a hard link to \""
                    + shortened(entry.linkName()) + "\", which is not an earlier file of the rootfs");
            }
        }
        if (!entry.isDirectory()) node.nonDirectory = true;
    }

    private static Node find(Node rootfs, String relative) {
        Node node = rootfs;
        for (String part : relative.split("/")) {
            node = node.find(part);
            if (node == null) return null;
        }
        return node;
    }

    private static UnsafeArchiveException twice(String name) {
        return new UnsafeArchiveException("archive entry \"" + shortened(name) + "\" appears twice");
    }

    /** A name for a one-line message: a path thousands of bytes long is cut in the middle. */
    static String shortened(String raw) {
        String shown = RawNames.display(raw);
        return shown.length() <= 160 ? shown : shown.substring(0, 100) + "..." + shown.substring(shown.length() - 50);
    }
}
