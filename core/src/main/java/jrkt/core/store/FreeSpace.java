package jrkt.core.store;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import jrkt.core.JrktException;
import jrkt.core.image.ImageLimits;

/**
 * The free-space check of imports and renders: {@code min-free-space} must stay free on the
 * store's file system. Asked before the work with what it will need at least, and then every
 * {@link #CHECK_EVERY} bytes written, so that a full disk is met with a clear refusal long before
 * the file system itself says ENOSPC to jrkt, SQLite and everything else on the host.
 */
final class FreeSpace {
    static final long CHECK_EVERY = 8L << 20;

    private final FileStore fileStore;
    private final Path where;
    private final long minFree;
    private final String what;
    private long sinceCheck;

    /** what: the work, for messages ("image /tmp/x.aci", "rendering tree deps-..."). */
    FreeSpace(Path where, long minFree, String what) throws IOException {
        this.fileStore = Files.getFileStore(where);
        this.where = where;
        this.minFree = minFree;
        this.what = what;
    }

    /** Refuses unless needed bytes more can be written and min-free-space still be left. */
    void require(long needed) throws IOException {
        long usable = fileStore.getUsableSpace();
        if (usable - needed < minFree) {
            throw new JrktException(what + ": not enough free space on " + where + ": " + ImageLimits.formatSize(usable)
                + " free, " + ImageLimits.formatSize(needed) + " more needed and " + ImageLimits.formatSize(minFree)
                + " to be kept free (limit min-free-space)");
        }
    }

    /** Counts bytes written; checks again every CHECK_EVERY bytes. */
    void wrote(long bytes) {
        sinceCheck += bytes;
        if (sinceCheck < CHECK_EVERY) return;
        sinceCheck = 0;
        try {
            require(0);
        } catch (IOException e) {
            throw new JrktException(what + ": cannot tell the free space on " + where + ": " + e.getMessage(), e);
        }
    }
}
