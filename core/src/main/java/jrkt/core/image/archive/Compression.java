package jrkt.core.image.archive;

import java.io.IOException;
import java.io.InputStream;

/** Archive compression, told by magic bytes and never by file name. */
public enum Compression {
    NONE, GZIP, BZIP2, XZ, ZSTD;

    /** Detects from the first bytes of a stream (at least 6 are needed). */
    public static Compression detect(byte[] head, int length) { throw new UnsupportedOperationException("TODO"); }

    /** Returns a stream of the decompressed bytes of in, whatever its compression. */
    public static InputStream decompress(InputStream in) throws IOException { throw new UnsupportedOperationException("TODO"); }
}
