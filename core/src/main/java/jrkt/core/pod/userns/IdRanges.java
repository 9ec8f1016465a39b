package jrkt.core.pod.userns;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.Pods;

/**
 * Which pod holds which range of the {@link IdPool}: one file per range held,
 * {@code <dir>/pods/id-ranges/<index>}, holding the pod's UUID. A range is given out under an
 * exclusive lock of {@code <dir>/pods/id-ranges/lock}, the lowest that no pod holds, so two
 * pods never share one (rkt chose ranges at random and could collide). A pod gives its range
 * back when gc or rm deletes it; a record whose pod is gone (a crash between the two) is
 * taken back by the next allocation.
 */
public final class IdRanges {
    static final String DIR = "id-ranges";

    private final PodDirs dirs;
    private final IdPool pool;

    public IdRanges(PodDirs dirs, IdPool pool) {
        this.dirs = dirs;
        this.pool = pool;
    }

    private Path dir() { return dirs.root().resolve(DIR); }

    /** The lowest free range, now held by pod uuid. */
    public IdRange allocate(String uuid) {
        try {
            Files.createDirectories(dir());
            try (FileChannel lock = FileChannel.open(dir().resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 var held = lock.lock()) {
                BitSet taken = new BitSet();
                try (DirectoryStream<Path> records = Files.newDirectoryStream(dir(), IdRanges::isRecord)) {
                    for (Path record : records) {
                        long index = Long.parseLong(record.getFileName().toString());
                        if (index < pool.ranges() && index < Integer.MAX_VALUE && podExists(holder(record))) taken.set((int) index);
                        else if (!podExists(holder(record))) Files.deleteIfExists(record); // its pod is gone
                    }
                }
                int free = taken.nextClearBit(0);
                if (free >= pool.ranges()) {
                    throw new JrktException("--private-users: every one of the " + pool.ranges() + " id ranges of the pool is held by a pod"
                        + " (free some with jrkt gc, or give a larger pool in " + IdPool.CONFIG + ")");
                }
                Files.writeString(dir().resolve(Integer.toString(free)), uuid, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return pool.range(free);
            }
        } catch (FileAlreadyExistsException e) {
            throw new JrktException("--private-users: id range record " + e.getFile() + " appeared while it was held", e);
        } catch (IOException e) {
            throw new JrktException("--private-users: cannot allocate an id range in " + dir() + ": " + IoErrors.reason(e), e);
        }
    }

    /** Gives back every range pod uuid holds; a pod that holds none is fine. */
    public static void release(PodDirs dirs, String uuid) {
        Path dir = dirs.root().resolve(DIR);
        try (DirectoryStream<Path> records = Files.newDirectoryStream(dir, IdRanges::isRecord)) {
            for (Path record : records) if (uuid.equals(holder(record))) Files.deleteIfExists(record);
        } catch (NoSuchFileException e) {
            // no pod ever had a range
        } catch (IOException e) {
            throw new JrktException("cannot release the id range of pod " + uuid + " in " + dir + ": " + IoErrors.reason(e), e);
        }
    }

    /** A range's record: a name that starts with a digit (not a glob: it compiles to a regex, on every pod's removal). */
    private static boolean isRecord(Path entry) {
        String name = entry.getFileName().toString();
        return !name.isEmpty() && name.charAt(0) >= '0' && name.charAt(0) <= '9';
    }

    private static String holder(Path record) {
        try {
            return Files.readString(record, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private boolean podExists(String uuid) {
        if (!Pods.isUuid(uuid)) return false;
        for (String state : PodDirs.ALL) if (Files.isDirectory(dirs.pod(state, uuid))) return true;
        return false;
    }
}
