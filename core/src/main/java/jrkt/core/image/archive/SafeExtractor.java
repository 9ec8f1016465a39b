package jrkt.core.image.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Predicate;
import jrkt.sys.Linux;

/**
 * Unpacks a tar stream under a target directory so that nothing lands outside it:
 * rejects "..", follows no symlink on the way to an entry, keeps hardlinks inside.
 * Keeps owners, modes (setuid/setgid/sticky), xattrs and mtimes; creates device nodes
 * and FIFOs when {@code devices} is set (we run as root).
 */
public final class SafeExtractor {

    /**
     * @param stripPrefix only entries under this prefix are extracted, with it removed
     *                    ("rootfs/" for ACIs; "" for all)
     * @param include     called with the path relative to the target ("etc/passwd", no
     *                    leading slash); false skips the entry
     * @param whiteouts   honour OCI whiteouts (.wh.NAME, .wh..wh..opq)
     */
    public record Options(String stripPrefix, Predicate<String> include, boolean devices, boolean whiteouts) {
        public static Options aciRootfs(Predicate<String> include) { return new Options("rootfs/", include, true, false); }
    }

    public SafeExtractor(Linux linux) { throw new UnsupportedOperationException("TODO"); }

    /** Throws UnsafeArchiveException naming the entry when the archive tries to escape. */
    public void extract(InputStream uncompressedTar, Path target, Options options) throws IOException {
        throw new UnsupportedOperationException("TODO");
    }
}
