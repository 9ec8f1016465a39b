package jrkt.core.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jrkt.sys.Linux;

/**
 * Files written once into a directory this process just made (a pod being prepared): one
 * open(O_CREAT|O_EXCL|O_NOFOLLOW), the writes and a close through jrkt's C gate, where NIO's
 * Files.write walks its options, a provider, a channel and a stream, interpreted, for each of a
 * start's dozen files. Nothing already at the path is opened or replaced (EEXIST), a planted
 * symbolic link least of all; a file the disk could not hold is removed again.
 */
public final class NewFiles {
    private NewFiles() {}

    /** Mode 0666 less the umask, as Files.write creates files. */
    public static void write(Path file, byte[] data) throws IOException {
        Linux.get().writeNew(file.toString(), data, 0666);
    }

    public static void write(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
