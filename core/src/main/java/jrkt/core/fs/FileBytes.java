package jrkt.core.fs;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A whole file's bytes through java.io, for what list and status read of every pod (its manifest,
 * its isolation report). Files.readAllBytes opens a file channel, and a JVM's first one loads the
 * JDK's network library, whose start opens sockets and reads /proc/net/if_inet6: most of a
 * millisecond that commands touching no network pay for nothing. Same contract: links followed,
 * NoSuchFileException for a file that is not there.
 */
public final class FileBytes {
    private FileBytes() {}

    public static byte[] read(Path file) throws IOException {
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            if (!Files.exists(file)) throw new NoSuchFileException(file.toString());
            throw e; // a directory, no permission: its message says which
        }
    }
}
