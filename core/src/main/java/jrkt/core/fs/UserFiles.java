package jrkt.core.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;

/**
 * Files a user names on the command line (--uuid-file, --set-env-file): read with a limit, so
 * that /dev/zero, a FIFO that never ends or a binary of gigabytes fails with one line instead
 * of filling the memory. What is quoted back from them is shortened by the messages themselves.
 */
public final class UserFiles {
    private UserFiles() {}

    /** The whole file, at most max bytes; more is an error naming the flag, the file and the limit. */
    public static byte[] read(Path file, String flag, int max) {
        if (Files.isDirectory(file)) throw new JrktException(flag + " " + file + ": is a directory, not a file");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new JrktException(flag + " " + file + ": longer than " + max + " bytes, more than such a file holds");
            }
            return bytes;
        } catch (IOException e) {
            throw new JrktException(flag + " " + file + ": cannot read: " + IoErrors.reason(e), e);
        }
    }
}
