package jrkt.core.pod.prepare;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import jrkt.core.JrktException;

/**
 * Copies a rendered tree keeping modes, owners and times. With {@code hardlink} regular files
 * are linked, not copied (for trees nothing writes to, like stage1's rootfs).
 */
final class TreeCopy {
    private TreeCopy() {}

    static void copy(Path from, Path to, boolean hardlink) throws IOException {
        // Directory attributes are applied on the way out, so a read-only directory is filled first.
        Deque<Path[]> dirs = new ArrayDeque<>();
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
                Path target = to.resolve(from.relativize(dir).toString());
                if (!dir.equals(from) || !Files.isDirectory(target)) Files.createDirectory(target);
                dirs.push(new Path[] {dir, target});
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                if (a.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                    copyOwner(file, target);
                } else if (a.isRegularFile()) {
                    if (hardlink) Files.createLink(target, file);
                    else {
                        Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                        copyOwner(file, target);
                        copyMode(file, target); // after chown, which clears setuid bits
                    }
                } else {
                    throw new JrktException("cannot copy special file " + file + " (device, fifo or socket)");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) throw e;
                Path[] pair = dirs.pop();
                copyOwner(pair[0], pair[1]);
                copyMode(pair[0], pair[1]);
                Files.setLastModifiedTime(pair[1], Files.getLastModifiedTime(pair[0], LinkOption.NOFOLLOW_LINKS));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Owner and full mode (with setuid, setgid and sticky bits, which PosixFilePermission cannot express). */
    static void copyOwner(Path from, Path to) throws IOException {
        Files.setAttribute(to, "unix:uid", Files.getAttribute(from, "unix:uid", LinkOption.NOFOLLOW_LINKS), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(to, "unix:gid", Files.getAttribute(from, "unix:gid", LinkOption.NOFOLLOW_LINKS), LinkOption.NOFOLLOW_LINKS);
    }

    static void copyMode(Path from, Path to) throws IOException {
        int mode = (Integer) Files.getAttribute(from, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        setMode(to, mode & 07777);
    }

    static void setMode(Path p, int mode) throws IOException {
        Files.setAttribute(p, "unix:mode", mode);
    }
}
