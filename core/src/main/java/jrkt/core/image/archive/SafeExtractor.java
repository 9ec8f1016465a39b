package jrkt.core.image.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import jrkt.sys.Linux;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Unpacks a tar stream under a target directory so that nothing lands outside it:
 * rejects "..", follows no symlink on the way to an entry, keeps hardlinks inside.
 * Keeps owners, modes (setuid/setgid/sticky), xattrs and mtimes; creates device nodes
 * and FIFOs when {@code devices} is set (we run as root).
 *
 * <p>Rules: absolute entry names and names with a ".." component are rejected (not
 * rewritten: an archive that has them was not made for us). A directory on the way to an
 * entry that is a symlink is rejected; symlinks themselves may point anywhere, since they
 * are resolved inside the container, but nothing is ever written through one. A hard link
 * must point to an entry this archive already extracted. A later entry replaces an earlier
 * non-directory; replacing a directory with a non-directory is rejected.
 *
 * <p>On an exception the target holds a partial tree: callers extract into a fresh
 * directory and discard it on failure.
 */
public final class SafeExtractor {
    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE_WHITEOUT = ".wh..wh..opq";
    private static final String SCHILY_XATTR = "SCHILY.xattr.";
    private static final String LIBARCHIVE_XATTR = "LIBARCHIVE.xattr.";

    /**
     * @param stripPrefix only entries under this prefix are extracted, with it removed
     *                    ("rootfs/" for ACIs; "" for all)
     * @param include     called with the path relative to the target ("etc/passwd", no
     *                    leading slash); false skips the entry
     * @param devices     create character and block devices (FIFOs are always created)
     * @param whiteouts   honour OCI whiteouts (.wh.NAME, .wh..wh..opq): they remove what the
     *                    target held before, never what this archive extracted
     */
    public record Options(String stripPrefix, Predicate<String> include, boolean devices, boolean whiteouts) {
        public static Options aciRootfs(Predicate<String> include) { return new Options("rootfs/", include, true, false); }
    }

    private final Linux linux;

    public SafeExtractor(Linux linux) { this.linux = Objects.requireNonNull(linux, "linux"); }

    /** Throws UnsafeArchiveException naming the entry when the archive tries to escape. */
    public void extract(InputStream uncompressedTar, Path target, Options options) throws IOException {
        Files.createDirectories(target);
        new Extraction(target, options).run(new TarArchiveInputStream(uncompressedTar));
    }

    /** The state of one extract call. */
    private final class Extraction {
        private final Path root;
        private final Options options;
        private final String prefix;
        /** What this archive made, and the directories leading to it: whiteouts spare these. */
        private final Set<String> extracted = new HashSet<>();
        /** Directory times are set last: creating their children would change them again. */
        private final Map<String, long[]> directoryTimes = new LinkedHashMap<>();

        Extraction(Path root, Options options) {
            this.root = root;
            this.options = options;
            this.prefix = EntryNames.normalize(options.stripPrefix() == null ? "" : options.stripPrefix());
        }

        void run(TarArchiveInputStream tar) throws IOException {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                extractEntry(entry, tar);
            }
            for (Map.Entry<String, long[]> times : directoryTimes.entrySet()) {
                String relative = times.getKey();
                // a whiteout may have removed it since; never follow a link that replaced it
                if (!relative.isEmpty() && !reachableWithoutSymlinks(relative)) continue;
                BasicFileAttributes attributes = lstat(resolve(relative));
                if (attributes == null || !attributes.isDirectory()) continue;
                linux.lutimes(resolve(relative).toString(), times.getValue()[0], times.getValue()[1]);
            }
        }

        /** The entry's path relative to the target, or null when it lies outside the prefix. */
        private String stripPrefix(String normalized) {
            if (prefix.isEmpty()) return normalized;
            if (normalized.equals(prefix)) return "";
            if (normalized.startsWith(prefix + "/")) return normalized.substring(prefix.length() + 1);
            return null;
        }

        private Path resolve(String relative) { return relative.isEmpty() ? root : root.resolve(relative); }

        private void extractEntry(TarArchiveEntry entry, InputStream content) throws IOException {
            String name = entry.getName();
            String relative = stripPrefix(EntryNames.normalize(name));
            if (relative == null) return;
            if (!relative.isEmpty() && options.include() != null && !options.include().test(relative)) return;

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
            if ((entry.isCharacterDevice() || entry.isBlockDevice()) && !options.devices()) return;

            String hardLinkTarget = entry.isLink() ? checkHardLinkTarget(entry, name, relative) : null;
            createParents(name, relative);
            Path path = resolve(relative);
            BasicFileAttributes existing = lstat(path);
            if (existing != null && existing.isDirectory()) {
                if (!entry.isDirectory()) throw unsafe(name, "would replace a directory");
            } else if (existing != null) {
                Files.delete(path); // removes a symlink itself, never what it points to
            }

            if (entry.isDirectory()) {
                if (existing == null || !existing.isDirectory()) Files.createDirectory(path);
            } else if (entry.isSymbolicLink()) {
                if (entry.getLinkName().isEmpty()) throw unsafe(name, "is a symbolic link to nothing");
                Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
            } else if (entry.isLink()) {
                Files.createLink(path, resolve(hardLinkTarget));
                markExtracted(relative);
                return; // a hard link shares its target's inode, owner, mode and times
            } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
                int type = entry.isCharacterDevice() ? Linux.S_IFCHR : Linux.S_IFBLK;
                linux.mknod(path.toString(), type | (entry.getMode() & 07777),
                    Linux.makedev(entry.getDevMajor(), entry.getDevMinor()));
            } else if (entry.isFIFO()) {
                linux.mknod(path.toString(), Linux.S_IFIFO | (entry.getMode() & 07777), 0);
            } else if (isRegularFile(entry)) {
                try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    content.transferTo(out);
                }
            } else {
                throw unsafe(name, "has an unsupported type '" + (char) entry.getLinkFlag() + "'");
            }
            markExtracted(relative);
            applyMetadata(entry, name, relative, path);
        }

        /** The relative path a hard link entry points to, checked to be something this archive extracted. */
        private String checkHardLinkTarget(TarArchiveEntry entry, String name, String relative) throws IOException {
            String linkName = entry.getLinkName();
            String normalized = EntryNames.normalizeOrNull(linkName);
            String target = normalized == null ? null : stripPrefix(normalized);
            if (target == null || target.isEmpty()) {
                throw unsafe(name, "is a hard link to \"" + linkName + "\", outside the extracted tree");
            }
            if (target.equals(relative)) throw unsafe(name, "is a hard link to itself");
            if (!extracted.contains(target)) {
                throw unsafe(name, "is a hard link to \"" + linkName + "\", which the archive has not extracted before it");
            }
            if (!reachableWithoutSymlinks(target)) {
                throw unsafe(name, "is a hard link to \"" + linkName + "\", which lies behind a symbolic link");
            }
            BasicFileAttributes attributes = lstat(resolve(target));
            if (attributes == null || attributes.isDirectory()) {
                throw unsafe(name, "is a hard link to \"" + linkName + "\", which is not a file");
            }
            return target;
        }

        /** Makes the directories leading to relative, refusing to go through a symlink or a non-directory. */
        private void createParents(String name, String relative) throws IOException {
            walkParents(name, relative, true);
        }

        /**
         * Checks each directory leading to relative: a symlink or a non-directory there is
         * refused; a missing one is made when create is set, else the answer is false.
         */
        private boolean walkParents(String name, String relative, boolean create) throws IOException {
            String parent = EntryNames.parent(relative);
            if (parent.isEmpty()) return true;
            String sofar = "";
            for (String part : parent.split("/")) {
                sofar = EntryNames.child(sofar, part);
                Path directory = resolve(sofar);
                BasicFileAttributes attributes = lstat(directory);
                if (attributes == null) {
                    if (!create) return false;
                    Files.createDirectory(directory);
                    linux.chmod(directory.toString(), 0755); // not whatever the umask leaves
                } else if (attributes.isSymbolicLink()) {
                    throw unsafe(name, "goes through the symbolic link \"" + sofar + "\"");
                } else if (!attributes.isDirectory()) {
                    throw unsafe(name, "goes through \"" + sofar + "\", which is not a directory");
                }
            }
            return true;
        }

        /** True when every directory leading to relative exists and none is a symlink. */
        private boolean reachableWithoutSymlinks(String relative) throws IOException {
            String parent = EntryNames.parent(relative);
            if (parent.isEmpty()) return true;
            String sofar = "";
            for (String part : parent.split("/")) {
                sofar = EntryNames.child(sofar, part);
                BasicFileAttributes attributes = lstat(resolve(sofar));
                if (attributes == null || !attributes.isDirectory()) return false;
            }
            return true;
        }

        private void markExtracted(String relative) {
            for (String path = relative; !path.isEmpty(); path = EntryNames.parent(path)) {
                if (!extracted.add(path)) break;
            }
        }

        /** Owner first: chown clears setuid, setgid and file capabilities, so mode and xattrs come after. */
        private void applyMetadata(TarArchiveEntry entry, String name, String relative, Path path) throws IOException {
            String file = path.toString();
            linux.lchown(file, (int) entry.getLongUserId(), (int) entry.getLongGroupId());
            if (!entry.isSymbolicLink()) linux.chmod(file, entry.getMode() & 07777);
            for (Map.Entry<String, byte[]> xattr : xattrs(entry, name).entrySet()) {
                linux.lsetxattr(file, xattr.getKey(), xattr.getValue());
            }
            long mtime = nanos(entry.getLastModifiedTime());
            FileTime accessTime = entry.getLastAccessTime();
            long atime = accessTime == null ? mtime : nanos(accessTime);
            if (entry.isDirectory()) directoryTimes.put(relative, new long[] {atime, mtime});
            else linux.lutimes(file, atime, mtime);
        }

        private static long nanos(FileTime time) { return time == null ? 0 : time.to(TimeUnit.NANOSECONDS); }

        /**
         * xattrs from PAX headers. commons-compress hands PAX values over as UTF-8 strings, so a
         * SCHILY value that was not UTF-8 arrives damaged: refused rather than set wrong.
         * LIBARCHIVE.xattr values are base64 and always exact; they win over SCHILY ones.
         */
        private Map<String, byte[]> xattrs(TarArchiveEntry entry, String name) {
            Map<String, byte[]> xattrs = new LinkedHashMap<>();
            Map<String, String> headers = entry.getExtraPaxHeaders();
            for (Map.Entry<String, String> header : headers.entrySet()) {
                String key = header.getKey();
                if (!key.startsWith(SCHILY_XATTR)) continue;
                String attribute = key.substring(SCHILY_XATTR.length());
                if (headers.containsKey(LIBARCHIVE_XATTR + percentEncode(attribute))) continue;
                if (header.getValue().indexOf('\uFFFD') >= 0) {
                    throw unsafe(name, "has xattr \"" + attribute + "\" whose value is not UTF-8 and cannot be read exactly");
                }
                xattrs.put(attribute, header.getValue().getBytes(StandardCharsets.UTF_8));
            }
            for (Map.Entry<String, String> header : headers.entrySet()) {
                String key = header.getKey();
                if (!key.startsWith(LIBARCHIVE_XATTR)) continue;
                String attribute = percentDecode(key.substring(LIBARCHIVE_XATTR.length()));
                try {
                    xattrs.put(attribute, Base64.getDecoder().decode(header.getValue().strip()));
                } catch (IllegalArgumentException e) {
                    throw unsafe(name, "has xattr \"" + attribute + "\" whose value is not base64");
                }
            }
            return xattrs;
        }

        /** .wh.NAME removes NAME, .wh..wh..opq everything in its directory, as far as the target held it before. */
        private void whiteout(String name, String relative, String baseName) throws IOException {
            if (!walkParents(name, relative, false)) return; // nothing there to remove
            String directory = EntryNames.parent(relative);
            if (baseName.equals(OPAQUE_WHITEOUT)) {
                removeEarlierContent(directory);
                return;
            }
            String victim = baseName.substring(WHITEOUT_PREFIX.length());
            if (victim.isEmpty()) throw unsafe(name, "is a whiteout of nothing");
            removeEarlier(EntryNames.child(directory, victim));
        }

        /** Deletes relative unless this archive extracted it; keeps what this archive put inside it. */
        private void removeEarlier(String relative) throws IOException {
            Path path = resolve(relative);
            BasicFileAttributes attributes = lstat(path);
            if (attributes == null) return;
            if (!extracted.contains(relative)) {
                deleteTree(path);
            } else if (attributes.isDirectory()) {
                removeEarlierContent(relative);
            }
        }

        private void removeEarlierContent(String directory) throws IOException {
            List<String> children = new ArrayList<>();
            try (Stream<Path> list = Files.list(resolve(directory))) {
                list.forEach(child -> children.add(EntryNames.child(directory, child.getFileName().toString())));
            }
            for (String child : children) removeEarlier(child);
        }

        private UnsafeArchiveException unsafe(String name, String what) {
            return new UnsafeArchiveException("archive entry \"" + name + "\" " + what);
        }
    }

    /** A regular file's type flag; commons-compress's isFile() also says yes to types it does not know. */
    public static boolean isRegularFile(TarArchiveEntry entry) {
        byte type = entry.getLinkFlag();
        return (type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM || type == TarConstants.LF_CONTIG
            || type == TarConstants.LF_GNUTYPE_SPARSE) && !entry.getName().endsWith("/");
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

    /** libarchive's encoding of xattr names in PAX keys: '%', '=' and non-ASCII as %XX. */
    private static String percentEncode(String attribute) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : attribute.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '%' || c == '=') encoded.append('%').append(String.format("%02X", c));
            else encoded.append((char) c);
        }
        return encoded.toString();
    }

    private static String percentDecode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            int high = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
            int low = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 2), 16) : -1;
            if (c == '%' && high >= 0 && low >= 0) {
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
