package jrkt.core.fs;

import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import jrkt.sys.Linux;

/**
 * Copies a directory tree as it is: owners, full modes (setuid, sticky), times, xattrs,
 * symlinks as symlinks, device nodes and FIFOs as such, and hardlinks as hardlinks. The target
 * directory may exist already (it then takes the source's owner, mode and time). Names and link
 * targets are copied byte for byte, whatever the locale (paths are never turned into Strings).
 */
public final class TreeCopy {
    private TreeCopy() {}

    private static final CopyOption[] AS_IS = {StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS};

    /** A device node, FIFO or socket: made anew with mknod, then given the source's owner, mode, xattrs and times. */
    private static void copySpecial(Path source, Path target) throws IOException {
        Linux linux = Linux.get();
        int mode = (Integer) Files.getAttribute(source, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        long rdev = (Long) Files.getAttribute(source, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        linux.mknod(target, mode, rdev);
        linux.lchown(target, (Integer) Files.getAttribute(source, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                (Integer) Files.getAttribute(source, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        linux.chmod(target, mode & 07777); // mknod applies the umask; chown clears setuid
        for (String name : linux.llistxattr(source)) {
            byte[] value = linux.lgetxattr(source, name);
            if (value != null) linux.lsetxattr(target, name, value);
        }
        BasicFileAttributes attrs = Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        linux.lutimes(target, nanos(attrs.lastAccessTime()), nanos(attrs.lastModifiedTime()));
    }

    private static long nanos(java.nio.file.attribute.FileTime time) {
        return time.to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A full, independent copy. */
    public static void copy(Path source, Path target) throws IOException { copy(source, target, false); }

    /**
     * Directories and everything but regular files are copied; regular files are hard-linked to
     * the source's, for trees nothing writes to (stage1's rootfs in a pod).
     */
    public static void linkFiles(Path source, Path target) throws IOException { copy(source, target, true); }

    /**
     * Adds uidShift and gidShift to the owner of everything in the tree, the tree's root
     * included, without following a symlink, keeping the full modes (chown clears setuid and
     * setgid): an app's private copy moved into a pod's id range ({@code --private-users=chown}).
     */
    public static void shiftOwners(Path root, long uidShift, long gidShift) throws IOException {
        Linux linux = Linux.get();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                shift(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                shift(file);
                return FileVisitResult.CONTINUE;
            }

            private void shift(Path p) throws IOException {
                Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                long uid = Integer.toUnsignedLong((Integer) a.get("uid")) + uidShift;
                long gid = Integer.toUnsignedLong((Integer) a.get("gid")) + gidShift;
                linux.lchown(p, (int) uid, (int) gid); // the kernel takes the bits as an unsigned id

                if ((mode & 0170000) != 0120000) linux.chmod(p, mode & 07777);
            }
        });
    }

    /** Owner, then the full mode (chown clears setuid bits): what PosixFilePermission cannot express. */
    public static void copyOwnerAndMode(Path from, Path to) throws IOException {
        for (String a : new String[] {"unix:uid", "unix:gid", "unix:mode"}) {
            Files.setAttribute(to, a, Files.getAttribute(from, a, LinkOption.NOFOLLOW_LINKS), LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static void copy(Path source, Path target, boolean linkRegularFiles) throws IOException {
        Map<Object, Path> copiedInodes = new HashMap<>();
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path to = target.resolve(source.relativize(dir));
                if (dir.equals(source) && Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) copyOwnerAndMode(dir, to);
                else Files.copy(dir, to, AS_IS);
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path to = target.resolve(source.relativize(file));
                if (!attrs.isSymbolicLink() && (Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS) > 1) {
                    Object inode = attrs.fileKey();
                    Path first = copiedInodes.putIfAbsent(inode, to);
                    if (first != null) {
                        Files.createLink(to, first);
                        return FileVisitResult.CONTINUE;
                    }
                }
                if (linkRegularFiles && attrs.isRegularFile()) {
                    Files.createLink(to, file);
                } else if (attrs.isOther()) {
                    copySpecial(file, to); // Files.copy would open a FIFO or device and read it
                } else {
                    Files.copy(file, to, AS_IS);
                }
                return FileVisitResult.CONTINUE;
            }

            // Adding entries changed the directory's times: set them last.
            @Override public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) throw e;
                Files.setLastModifiedTime(target.resolve(source.relativize(dir)), Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS));
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
