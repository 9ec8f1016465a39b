package jrkt.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Words for I/O failures: Java's file exceptions carry the path as their message, not the reason. */
public final class IoErrors {
    private IoErrors() {}

    /** Why it failed, without the path: "no such file or directory", "permission denied", ... */
    public static String reason(IOException ex) {
        return switch (ex) {
            case NoSuchFileException e -> "no such file or directory";
            case FileAlreadyExistsException e -> "already exists";
            case AccessDeniedException e -> "permission denied";
            case DirectoryNotEmptyException e -> "directory not empty";
            case NotDirectoryException e -> "not a directory";
            case FileSystemException fs when fs.getReason() != null -> fs.getReason();
            default -> ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
        };
    }

    /** "PATH: reason" for file failures that name a path, else the exception's own message. */
    public static String describe(IOException ex) {
        if (ex instanceof FileSystemException fs && fs.getFile() != null) {
            String other = fs.getOtherFile() != null ? " -> " + fs.getOtherFile() : "";
            return fs.getFile() + other + ": " + reason(fs);
        }
        return reason(ex);
    }
}
