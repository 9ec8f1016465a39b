package jrkt.core.image.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import jrkt.core.fs.RawNames;
import jrkt.sys.Linux;

/**
 * Unpacks a tar stream under a target directory so that nothing lands outside it:
 * rejects "..", follows no symlink on the way to an entry, keeps hardlinks inside.
 * Keeps names byte for byte (see {@link RawNames}), owners, modes (setuid/setgid/sticky), xattrs
 * and mtimes; creates device nodes only when {@code devices} is set, FIFOs always.
 *
 * <p>Rules: absolute entry names and names with a ".." component are rejected (not
 * rewritten: an archive that has them was not made for us). A directory on the way to an
 * entry that is a symlink is rejected; symlinks themselves may point anywhere, since they
 * are resolved inside the container, but nothing is ever written through one. A hard link
 * must point to an entry this archive already extracted. A later entry replaces an earlier
 * non-directory; replacing a directory with a non-directory is rejected.
 *
 * <p>Work is linear in the archive: the directories this extraction made or checked are kept in
 * a tree of names, so an entry costs a walk over its own name, never a re-check of every
 * directory above it on disk.
 *
 * <p>On an exception the target holds a partial tree: callers extract into a fresh
 * directory and discard it on failure.
 */
public final class SafeExtractor {
    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE_WHITEOUT = ".wh..wh..opq";
    private static final String OVERLAY_XATTRS = "trusted.overlay.";
    /** The largest pax header or GNU long name read; far above any path a limit lets through. */
    public static final int MAX_METADATA = 1 << 20;

    /**
     * @param stripPrefix only entries under this prefix are extracted, with it removed
     *                    ("rootfs/" for ACIs; "" for all)
     * @param include     called with the raw path relative to the target ("etc/passwd", no
     *                    leading slash); false skips the entry
     * @param devices     create character and block devices (FIFOs are always created)
     * @param whiteouts   honour OCI whiteouts (.wh.NAME, .wh..wh..opq): they remove what the
     *                    target held before, never what this archive extracted
     * @param written     told the bytes of each chunk of file content written (free-space checks); may be null
     * @param overlayLayer write an OCI layer as an overlayfs lower layer instead of applying it: a
     *                    whiteout .wh.NAME becomes the character device 0:0 NAME, an opaque
     *                    .wh..wh..opq the xattr trusted.overlay.opaque=y on its directory; the
     *                    archive's own trusted.overlay.* xattrs are dropped (they would steer overlayfs)
     * @param check       called with each entry before it is written (limits); may be null
     */
    public record Options(String stripPrefix, Predicate<String> include, boolean devices, boolean whiteouts,
                          LongConsumer written, boolean overlayLayer, Consumer<TarReader.Entry> check) {
        public Options(String stripPrefix, Predicate<String> include, boolean devices, boolean whiteouts, LongConsumer written) {
            this(stripPrefix, include, devices, whiteouts, written, false, null);
        }

        public static Options aciRootfs(Predicate<String> include, boolean devices, LongConsumer written) {
            return new Options("rootfs/", include, devices, false, written);
        }

        /** An OCI layer unpacked on its own, as an overlay lower layer. */
        public static Options overlayLayer(boolean devices, LongConsumer written, Consumer<TarReader.Entry> check) {
            return new Options("", null, devices, false, written, true, check);
        }
    }

    private final Linux linux;

    public SafeExtractor(Linux linux) { this.linux = Objects.requireNonNull(linux, "linux"); }

    /** Throws UnsafeArchiveException naming the entry when the archive tries to escape. */
    public void extract(InputStream uncompressedTar, Path target, Options options) throws IOException {
        Files.createDirectories(target);
        new Extraction(target, options).run(new TarReader(uncompressedTar, MAX_METADATA));
    }

    /** How {@code walkParents} treats the directories on the way. */
    private enum Walk { CREATE, CHECK, PROBE }

    /** A directory known to exist as a real directory (not a symlink) in this extraction. */
    private static final class Dir {
        final Map<String, Dir> children = new HashMap<>();
    }

    /** The state of one extract call. */
    private final class Extraction {
        private final Path root;
        private final Options options;
        private final String prefix;
        private final Dir known = new Dir();
        /** What this archive made, and the directories leading to it: whiteouts spare these. */
        private final Set<String> extracted = new HashSet<>();
        /** Directory times are set last: creating their children would change them again. */
        private final Map<String, long[]> directoryTimes = new LinkedHashMap<>();
        private final byte[] buffer = new byte[64 * 1024];

        Extraction(Path root, Options options) {
            this.root = root;
            this.options = options;
            this.prefix = EntryNames.normalize(options.stripPrefix() == null ? "" : options.stripPrefix());
        }

        void run(TarReader tar) throws IOException {
            for (TarReader.Entry entry; (entry = tar.next()) != null; ) extractEntry(entry, tar.content());
            for (Map.Entry<String, long[]> times : directoryTimes.entrySet()) {
                String relative = times.getKey();
                // a whiteout may have removed it since; never follow a link that replaced it
                if (!relative.isEmpty() && !walkParents(relative, relative, Walk.PROBE)) continue;
                Path path = resolve(relative);
                BasicFileAttributes attributes = lstat(path);
                if (attributes == null || !attributes.isDirectory()) continue;
                linux.lutimes(path, times.getValue()[0], times.getValue()[1]);
            }
        }

        /** The entry's path relative to the target, or null when it lies outside the prefix. */
        private String stripPrefix(String normalized) {
            if (prefix.isEmpty()) return normalized;
            if (normalized.equals(prefix)) return "";
            if (normalized.startsWith(prefix + "/")) return normalized.substring(prefix.length() + 1);
            return null;
        }

        private Path resolve(String relative) { return RawNames.resolve(root, relative); }

        private void extractEntry(TarReader.Entry entry, InputStream content) throws IOException {
            String name = entry.name();
            String relative = stripPrefix(EntryNames.normalize(name));
            if (relative == null) return;
            if (!relative.isEmpty() && options.include() != null && !options.include().test(relative)) return;
            if (options.check() != null) options.check().accept(entry);

            if (relative.isEmpty()) {
                if (!entry.isDirectory()) throw unsafe(name, "would replace the target directory with a non-directory");
                applyMetadata(entry, name, "", root);
                return;
            }
            String baseName = EntryNames.baseName(relative);
            if (options.whiteouts() && baseName.startsWith(WHITEOUT_PREFIX)) {
                whiteout(name, relative, baseName);
                return;
            }
            if (options.overlayLayer() && baseName.startsWith(WHITEOUT_PREFIX)) {
                overlayWhiteout(name, relative, baseName);
                return;
            }
            if ((entry.isCharacterDevice() || entry.isBlockDevice()) && !options.devices()) return;

            String hardLinkTarget = entry.isHardLink() ? checkHardLinkTarget(entry, name, relative) : null;
            walkParents(name, relative, Walk.CREATE);
            Path path = resolve(relative);
            BasicFileAttributes existing = lstat(path);
            if (existing != null && existing.isDirectory()) {
                if (!entry.isDirectory()) throw unsafe(name, "would replace a directory");
            } else if (existing != null) {
                Files.delete(path); // removes a symlink itself, never what it points to
            }

            if (entry.isDirectory()) {
                if (existing == null || !existing.isDirectory()) Files.createDirectory(path);
                knownDir(relative);
            } else if (entry.isSymbolicLink()) {
                if (entry.linkName().isEmpty()) throw unsafe(name, "is a symbolic link to nothing");
                linux.symlink(RawNames.bytes(entry.linkName()), path);
            } else if (entry.isHardLink()) {
                Files.createLink(path, resolve(hardLinkTarget));
                markExtracted(relative);
                return; // a hard link shares its target's inode, owner, mode and times
            } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
                int type = entry.isCharacterDevice() ? Linux.S_IFCHR : Linux.S_IFBLK;
                linux.mknod(path, type | (entry.mode() & 07777), Linux.makedev(entry.devMajor(), entry.devMinor()));
            } else if (entry.isFifo()) {
                linux.mknod(path, Linux.S_IFIFO | (entry.mode() & 07777), 0);
            } else if (entry.isRegularFile()) {
                try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    for (int n; (n = content.read(buffer)) > 0; ) {
                        out.write(buffer, 0, n);
                        if (options.written() != null) options.written().accept(n);
                    }
                }
            } else {
                throw unsafe(name, "has an unsupported type '" + RawNames.display(String.valueOf(entry.type())) + "'");
            }
            markExtracted(relative);
            applyMetadata(entry, name, relative, path);
        }

        /** The relative path a hard link entry points to, checked to be something this archive extracted. */
        private String checkHardLinkTarget(TarReader.Entry entry, String name, String relative) throws IOException {
            String linkName = entry.linkName();
            String normalized = EntryNames.normalizeOrNull(linkName);
            String target = normalized == null ? null : stripPrefix(normalized);
            String shown = RawNames.display(linkName);
            if (target == null || target.isEmpty()) {
                throw unsafe(name, "is a hard link to \"" + shown + "\", outside the extracted tree");
            }
            if (target.equals(relative)) throw unsafe(name, "is a hard link to itself");
            if (!extracted.contains(target)) {
                throw unsafe(name, "is a hard link to \"" + shown + "\", which the archive has not extracted before it");
            }
            if (!walkParents(name, target, Walk.PROBE)) {
                throw unsafe(name, "is a hard link to \"" + shown + "\", which lies behind a symbolic link");
            }
            BasicFileAttributes attributes = lstat(resolve(target));
            if (attributes == null || attributes.isDirectory()) {
                throw unsafe(name, "is a hard link to \"" + shown + "\", which is not a file");
            }
            return target;
        }

        /**
         * Checks each directory leading to relative: a symlink or a non-directory there is
         * refused (PROBE answers false instead); a missing one is made (CREATE), or the answer is
         * false. What is known from earlier entries is not looked at again.
         */
        private boolean walkParents(String name, String relative, Walk walk) throws IOException {
            boolean create = walk == Walk.CREATE;
            Dir dir = known;
            int start = 0;
            for (int slash = relative.indexOf('/'); slash >= 0; slash = relative.indexOf('/', start)) {
                String part = relative.substring(start, slash);
                Dir child = dir.children.get(part);
                if (child == null) {
                    String sofar = relative.substring(0, slash);
                    Path directory = resolve(sofar);
                    BasicFileAttributes attributes = lstat(directory);
                    if (attributes == null) {
                        if (!create) return false;
                        Files.createDirectory(directory);
                        linux.chmod(directory, 0755); // not whatever the umask leaves
                    } else if (attributes.isSymbolicLink()) {
                        if (walk == Walk.PROBE) return false;
                        throw unsafe(name, "goes through the symbolic link \"" + RawNames.display(sofar) + "\"");
                    } else if (!attributes.isDirectory()) {
                        if (walk == Walk.PROBE) return false;
                        throw unsafe(name, "goes through \"" + RawNames.display(sofar) + "\", which is not a directory");
                    }
                    child = new Dir();
                    dir.children.put(part, child);
                }
                dir = child;
                start = slash + 1;
            }
            return true;
        }

        /** Records that relative is now a real directory (its parents are known already). */
        private void knownDir(String relative) {
            Dir dir = known;
            for (String part : relative.split("/")) dir = dir.children.computeIfAbsent(part, p -> new Dir());
        }

        /** Forgets relative and everything below it: it was removed. */
        private void forget(String relative) {
            Dir dir = known;
            String[] parts = relative.split("/");
            for (int i = 0; i < parts.length - 1 && dir != null; i++) dir = dir.children.get(parts[i]);
            if (dir != null) dir.children.remove(parts[parts.length - 1]);
        }

        private void markExtracted(String relative) {
            for (String path = relative; !path.isEmpty(); path = EntryNames.parent(path)) {
                if (!extracted.add(path)) break;
            }
        }

        /** Owner first: chown clears setuid, setgid and file capabilities, so mode and xattrs come after. */
        private void applyMetadata(TarReader.Entry entry, String name, String relative, Path path) throws IOException {
            linux.lchown(path, (int) entry.uid(), (int) entry.gid());
            if (!entry.isSymbolicLink()) linux.chmod(path, entry.mode() & 07777);
            for (Map.Entry<String, byte[]> xattr : entry.xattrs().entrySet()) {
                if (options.overlayLayer() && xattr.getKey().startsWith(OVERLAY_XATTRS)) continue;
                linux.lsetxattr(path, xattr.getKey(), xattr.getValue());
            }
            long mtime = entry.mtimeNanos();
            long atime = entry.atimeNanos() < 0 ? mtime : entry.atimeNanos();
            if (entry.isDirectory()) directoryTimes.put(relative, new long[] {atime, mtime});
            else linux.lutimes(path, atime, mtime);
        }

        /** .wh.NAME removes NAME, .wh..wh..opq everything in its directory, as far as the target held it before. */
        private void whiteout(String name, String relative, String baseName) throws IOException {
            if (!walkParents(name, relative, Walk.CHECK)) return; // nothing there to remove
            String directory = EntryNames.parent(relative);
            if (baseName.equals(OPAQUE_WHITEOUT)) {
                removeEarlierContent(directory);
                return;
            }
            String victim = baseName.substring(WHITEOUT_PREFIX.length());
            if (victim.isEmpty()) throw unsafe(name, "is a whiteout of nothing");
            removeEarlier(EntryNames.child(directory, victim));
        }

        /**
         * In an overlay lower layer: .wh.NAME is the whiteout device NAME (0:0), .wh..wh..opq makes
         * its directory opaque; either hides what lower layers hold there.
         */
        private void overlayWhiteout(String name, String relative, String baseName) throws IOException {
            walkParents(name, relative, Walk.CREATE);
            String directory = EntryNames.parent(relative);
            if (baseName.equals(OPAQUE_WHITEOUT)) {
                linux.lsetxattr(resolve(directory), OVERLAY_XATTRS + "opaque", new byte[] {'y'});
                return;
            }
            String victim = baseName.substring(WHITEOUT_PREFIX.length());
            if (victim.isEmpty() || victim.startsWith(WHITEOUT_PREFIX)) throw unsafe(name, "is a whiteout of nothing");
            String target = EntryNames.child(directory, victim);
            Path path = resolve(target);
            BasicFileAttributes existing = lstat(path);
            if (existing != null && existing.isDirectory()) throw unsafe(name, "whites out a directory this layer made");
            if (existing != null) Files.delete(path);
            linux.mknod(path, Linux.S_IFCHR, 0);
            markExtracted(target);
        }

        /** Deletes relative unless this archive extracted it; keeps what this archive put inside it. */
        private void removeEarlier(String relative) throws IOException {
            Path path = resolve(relative);
            BasicFileAttributes attributes = lstat(path);
            if (attributes == null) return;
            if (!extracted.contains(relative)) {
                deleteTree(path);
                forget(relative);
            } else if (attributes.isDirectory()) {
                removeEarlierContent(relative);
            }
        }

        private void removeEarlierContent(String directory) throws IOException {
            List<String> children = new ArrayList<>();
            try (Stream<Path> list = Files.list(resolve(directory))) {
                list.forEach(child -> children.add(EntryNames.child(directory, RawNames.of(child.getFileName()))));
            }
            for (String child : children) removeEarlier(child);
        }

        private UnsafeArchiveException unsafe(String name, String what) {
            return new UnsafeArchiveException("archive entry \"" + RawNames.display(name) + "\" " + what);
        }
    }

    /** Deletes a tree without following symlinks: a link inside is removed, not what it points to. */
    private static void deleteTree(Path path) throws IOException {
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                if (failure != null) throw failure;
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static BasicFileAttributes lstat(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
