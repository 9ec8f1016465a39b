package jrkt.core.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import jrkt.core.JrktException;
import jrkt.core.image.ImageLimits;

/**
 * An image's decompressed bytes on their way into the store, copied to {@code copy} as they are
 * read, and refused as soon as they pass {@code max-image-size}, expand more than
 * {@code max-compression-ratio} times the compressed bytes read so far (past the first
 * {@link ImageLimits#RATIO_GRACE}), or would leave less than {@code min-free-space}. A bomb thus
 * stops after a few MiB, whatever it would have grown to.
 */
final class BoundedImageStream extends FilterInputStream {
    private final CountingInputStream compressed;
    private final OutputStream copy;
    private final ImageLimits limits;
    private final FreeSpace space;
    private final String what;
    private long total;

    BoundedImageStream(InputStream decompressed, CountingInputStream compressed, OutputStream copy,
                       ImageLimits limits, FreeSpace space, String what) {
        super(decompressed);
        this.compressed = compressed;
        this.copy = copy;
        this.limits = limits;
        this.space = space;
        this.what = what;
    }

    /** Uncompressed bytes read so far. */
    long total() { return total; }

    @Override public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n <= 0) return n;
        total += n;
        if (total > limits.maxImageSize()) {
            throw new JrktException(what + ": larger than " + ImageLimits.formatSize(limits.maxImageSize())
                + " uncompressed (limit max-image-size)");
        }
        long ratio = limits.maxCompressionRatio();
        if (ratio > 0 && total > ImageLimits.RATIO_GRACE && total / ratio > compressed.count()) {
            throw new JrktException(what + ": expands more than " + ratio + " times its compressed size ("
                + ImageLimits.formatSize(compressed.count()) + " to over " + ImageLimits.formatSize(total)
                + " so far; limit max-compression-ratio): a compression bomb?");
        }
        copy.write(b, off, n);
        space.wrote(n);
        return n;
    }

    @Override public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 64 * 1024)];
        long skipped = 0;
        while (skipped < n) {
            int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (read < 0) break;
            skipped += read;
        }
        return skipped;
    }

    @Override public boolean markSupported() { return false; }

    /** Counts the bytes read from the compressed file. */
    static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) { super(in); }

        long count() { return count; }

        @Override public int read() throws IOException {
            int b = in.read();
            if (b >= 0) count++;
            return b;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }

        @Override public long skip(long n) throws IOException {
            long s = in.skip(n);
            if (s > 0) count += s;
            return s;
        }

        @Override public boolean markSupported() { return false; }
    }
}
