package jrkt.core.fs;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole file's bytes through java.io, for what list and status read of every pod (its manifest,
 * its isolation report). Files.readAllBytes opens a file channel, and a JVM's first one loads the
 * JDK's network library, whose start opens sockets and reads /proc/net/if_inet6: most of a
 * millisecond that commands touching no network pay for nothing. Same contract: links followed,
 * NoSuchFileException for a file that is not there.
 */
public final class FileBytes {
    private FileBytes() {}

    /**
     * A text file's lines (UTF-8, without their newlines), as Files.readAllLines gives them, by
     * java.io and indexOf: readAllLines opens a channel, and String.lines() sets up the stream
     * classes; each of them an AOT cache would then load at every start of its group.
     */
    public static List<String> lines(Path file) throws IOException {
        String text = new String(read(file), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        for (int start = 0; start < text.length(); ) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = text.length();
            lines.add(text.substring(start, end));
            start = end + 1;
        }
        return lines;
    }

    public static byte[] read(Path file) throws IOException {
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            if (!Files.exists(file)) throw new NoSuchFileException(file.toString());
            throw e; // a directory, no permission: its message says which
        }
    }
}
