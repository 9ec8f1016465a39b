package jrkt.core.image.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.tukaani.xz.XZInputStream;

/** Archive compression, told by magic bytes and never by file name. */
public enum Compression {
    NONE, GZIP, BZIP2, XZ, ZSTD;

    private static final int MAGIC_LENGTH = 6;

    /** Detects from the first bytes of a stream (at least 6 are needed). */
    public static Compression detect(byte[] head, int length) {
        if (startsWith(head, length, 0x1f, 0x8b)) return GZIP;
        if (startsWith(head, length, 'B', 'Z', 'h')) return BZIP2;
        if (startsWith(head, length, 0xfd, '7', 'z', 'X', 'Z', 0x00)) return XZ;
        if (startsWith(head, length, 0x28, 0xb5, 0x2f, 0xfd)) return ZSTD;
        return NONE;
    }

    private static boolean startsWith(byte[] head, int length, int... magic) {
        if (length < magic.length || head.length < magic.length) return false;
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) return false;
        }
        return true;
    }

    /** Returns a stream of the decompressed bytes of in, whatever its compression. */
    public static InputStream decompress(InputStream in) throws IOException {
        InputStream buffered = in.markSupported() ? in : new BufferedInputStream(in, 64 * 1024);
        buffered.mark(MAGIC_LENGTH);
        byte[] head = buffered.readNBytes(MAGIC_LENGTH);
        buffered.reset();
        return switch (detect(head, head.length)) {
            case NONE -> buffered;
            case GZIP -> Gzip.open(buffered);
            case BZIP2 -> Bzip2.open(buffered);
            case XZ -> Xz.open(buffered);
            case ZSTD -> Zstd.open(buffered);
        };
    }

    // One class per codec: the JVM's verifier loads every class a method creates and returns as
    // an InputStream when it links the method's class, so a codec in decompress itself would load
    // all four codecs (and their libraries) for any image. A codec class links at its first use.

    private static final class Gzip {
        // concatenated members are valid gzip (pigz, `cat a.gz b.gz`): read them all
        static InputStream open(InputStream in) throws IOException { return new GzipCompressorInputStream(in, true); }
    }

    private static final class Bzip2 {
        static InputStream open(InputStream in) throws IOException { return new BZip2CompressorInputStream(in, true); }
    }

    private static final class Xz {
        static InputStream open(InputStream in) throws IOException { return new XZInputStream(in); }
    }

    private static final class Zstd {
        static InputStream open(InputStream in) throws IOException { return new ZstdCompressorInputStream(in); }
    }
}
