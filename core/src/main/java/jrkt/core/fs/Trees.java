package jrkt.core.fs;

import java.io.IOException;
import java.nio.file.Path;

/** Removing file trees: the store's, a pod's, a command's staged output. */
public final class Trees {
    private Trees() {}

    /**
     * Deletes a file or directory tree without following symlinks, however deep it is (see
     * {@link TreeDeleter}); returns the bytes of regular files freed.
     */
    public static long delete(Path root) throws IOException {
        return TreeDeleter.delete(root);
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
