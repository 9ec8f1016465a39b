package jrkt.core.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Removing file trees: the store's, a pod's, a command's staged output. */
public final class Trees {
    private Trees() {}

    /** Deletes a file or directory tree without following symlinks; returns the bytes of regular files freed. */
    public static long delete(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return 0;
        long[] freed = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) freed[0] += attrs.size();
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }
            @Override public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                throw e;
            }
            @Override public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) throw e;
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
        return freed[0];
    }

    /** Cleanup after a failure: what it cannot remove is added to the failure, never hides it. */
    public static void deleteQuietly(Path root, Throwable failure) {
        try {
            delete(root);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
