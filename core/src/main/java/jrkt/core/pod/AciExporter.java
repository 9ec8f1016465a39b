package jrkt.core.pod;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jrkt.core.JrktException;
import jrkt.core.Quote;
import jrkt.core.fs.Output;
import jrkt.core.fs.RawNames;
import jrkt.sys.Linux;
import jrkt.sys.SysException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes an ACI (a tar with {@code manifest} and {@code rootfs/}) from a stack of directory
 * trees as overlayfs stacks them: later layers win, a character device 0/0 is a whiteout
 * that hides the path below it, and a directory marked opaque hides everything below it
 * in earlier layers. Used by {@code jrkt export} with an app's image tree and its upper dir.
 * Names and link targets go into the tar byte for byte (raw names, ISO-8859-1 in the headers,
 * GNU long names past 100 bytes), whatever the locale.
 */
public final class AciExporter {
    private static final int S_IFMT = 0170000, S_IFDIR = 0040000, S_IFREG = 0100000, S_IFLNK = 0120000,
        S_IFCHR = 0020000, S_IFBLK = 0060000, S_IFIFO = 0010000;
    private static final List<String> OPAQUE_XATTRS = List.of("trusted.overlay.opaque", "user.overlay.opaque");

    private AciExporter() {}

    /**
     * Writes the ACI to {@code out}: whole or not at all (a temporary file renamed into place).
     * layers: bottom first; the last one is typically the overlay upper directory.
     */
    public static void write(byte[] manifest, List<Path> layers, Path out, boolean overwrite) {
        Path target = Output.target(out, Output.Kind.FILE, overwrite);
        TreeMap<String, Path> tree = merge(layers);
        Output.write(target, Output.Kind.FILE, staged -> {
            try (OutputStream os = Files.newOutputStream(staged, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(new java.io.BufferedOutputStream(os, 1 << 16),
                     StandardCharsets.ISO_8859_1.name())) {
                // a pax header would carry the name as UTF-8 of the raw string: GNU long names keep the bytes
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                TarArchiveEntry m = new TarArchiveEntry("manifest");
                m.setSize(manifest.length);
                m.setMode(0100644);
                tar.putArchiveEntry(m);
                tar.write(manifest);
                tar.closeArchiveEntry();
                TarArchiveEntry root = new TarArchiveEntry("rootfs/");
                root.setMode(040755);
                tar.putArchiveEntry(root);
                tar.closeArchiveEntry();
                for (Map.Entry<String, Path> e : tree.entrySet()) addEntry(tar, "rootfs/" + e.getKey(), e.getValue());
                tar.finish();
            }
        });
    }

    /**
     * The longest path an export carries, as Linux's PATH_MAX: an app can leave a tree far deeper
     * (its upper directory is its own), and walking or archiving that whole would cost time and
     * memory growing with the square of its depth. Deeper is refused before anything is written.
     */
    static final int MAX_PATH = 4096;
    /** Directories nest at most this deep below a path of MAX_PATH bytes ("a/" a level). */
    private static final int MAX_DEPTH = MAX_PATH / 2;

    /** The merged view of the layers: relative path to the file that provides it, parents before children. */
    static TreeMap<String, Path> merge(List<Path> layers) {
        TreeMap<String, Path> tree = new TreeMap<>();
        for (Path layer : layers) {
            try {
                Files.walkFileTree(layer, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH, new SimpleFileVisitor<>() {
                    @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                        if (dir.equals(layer)) return FileVisitResult.CONTINUE;
                        String rel = checkedPath(layer, dir, attrs, false);
                        if (isOpaque(dir)) removeBelow(tree, rel);
                        Path previous = tree.get(rel);
                        if (previous != null && !Files.isDirectory(previous, LinkOption.NOFOLLOW_LINKS)) tree.remove(rel);
                        tree.put(rel, dir);
                        return FileVisitResult.CONTINUE;
                    }

                    // the kernel refuses paths longer than PATH_MAX: deeper than an export carries
                    @Override public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (e instanceof java.nio.file.FileSystemException fs && "File name too long".equals(fs.getReason())) {
                            throw tooLong(layer, layer.relativize(file).toString());
                        }
                        throw e;
                    }

                    @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        String rel = checkedPath(layer, file, attrs, true);
                        tree.remove(rel);
                        removeBelow(tree, rel);
                        if (!isWhiteout(file)) tree.put(rel, file);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                throw new JrktException("cannot read " + layer + ": " + jrkt.core.IoErrors.describe(e), e);
            }
        }
        return tree;
    }

    /** The path relative to the layer; a JrktException when it is longer than an export carries. */
    private static String checkedPath(Path layer, Path file, BasicFileAttributes attrs, boolean asFile) {
        String rel = RawNames.of(layer.relativize(file)); // the name's exact bytes, whatever the locale
        // a directory reported as a file lies at MAX_DEPTH: the tree goes deeper than any export can
        if (rel.length() > MAX_PATH || (asFile && attrs.isDirectory())) throw tooLong(layer, rel);
        return rel;
    }

    private static JrktException tooLong(Path layer, String rel) {
        return new JrktException("cannot export " + layer + ": it holds a path longer than " + MAX_PATH
            + " bytes (" + Quote.shorten(rel, 100) + "), more than an ACI carries");
    }

    private static void removeBelow(TreeMap<String, Path> tree, String rel) {
        // Everything strictly below rel sorts between "rel/" and "rel0" ('0' follows '/').
        tree.subMap(rel + "/", rel + "0").clear();
    }

    static boolean isWhiteout(Path file) throws IOException {
        int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & S_IFMT) == S_IFCHR && (Long) Files.getAttribute(file, "unix:rdev", LinkOption.NOFOLLOW_LINKS) == 0L;
    }

    static boolean isOpaque(Path dir) {
        for (String name : OPAQUE_XATTRS) {
            try {
                byte[] v = Linux.get().lgetxattr(dir, name);
                if (v != null && v.length == 1 && v[0] == 'y') return true;
            } catch (SysException e) {
                // no xattr support on this file system: nothing is opaque there
            }
        }
        return false;
    }

    private static void addEntry(TarArchiveOutputStream tar, String name, Path file) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:mode,uid,gid,rdev,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int type = mode & S_IFMT;
        TarArchiveEntry e;
        switch (type) {
            case S_IFDIR -> e = new TarArchiveEntry(name + "/");
            case S_IFREG -> {
                e = new TarArchiveEntry(name);
                e.setSize((Long) a.get("size"));
            }
            case S_IFLNK -> {
                e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                e.setLinkName(RawNames.of(Linux.get().readlink(file)));
            }
            case S_IFCHR, S_IFBLK -> {
                e = new TarArchiveEntry(name, type == S_IFCHR ? TarConstants.LF_CHR : TarConstants.LF_BLK);
                long rdev = (Long) a.get("rdev");
                e.setDevMajor((int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL)));
                e.setDevMinor((int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL)));
            }
            case S_IFIFO -> e = new TarArchiveEntry(name, TarConstants.LF_FIFO);
            default -> { return; } // sockets do not survive an archive
        }
        e.setMode(mode & 07777 | (type == S_IFDIR ? 040000 : type == S_IFREG ? 0100000 : 0));
        e.setIds((Integer) a.get("uid"), (Integer) a.get("gid"));
        e.setModTime((FileTime) a.get("lastModifiedTime"));
        tar.putArchiveEntry(e);
        if (type == S_IFREG) {
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                in.transferTo(tar);
            }
        }
        tar.closeArchiveEntry();
    }
}
