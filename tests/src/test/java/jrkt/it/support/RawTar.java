package jrkt.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Tar archives written header by header, for the hostile images no tar tool would make: names of
 * any bytes (GNU long names past 100 bytes), directories thousands deep, headers of files that
 * are larger than what follows them, and compression bombs made of one compressed frame of
 * zeros repeated (gzip, bzip2, xz and zstd all read concatenated frames as one stream).
 */
public final class RawTar {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }

    public RawTar manifest(String json) { return file(utf8("manifest"), utf8(json), 0644); }

    public RawTar file(byte[] name, byte[] content, int mode) {
        header(name, '0', content.length, mode, new byte[0], 0, 0);
        out.writeBytes(content);
        pad(content.length);
        return this;
    }

    public RawTar dir(byte[] name, int mode) { return header(name, '5', 0, mode, new byte[0], 0, 0); }

    public RawTar symlink(byte[] name, byte[] target) { return header(name, '2', 0, 0777, target, 0, 0); }

    public RawTar hardlink(byte[] name, byte[] target) { return header(name, '1', 0, 0644, target, 0, 0); }

    /** A character device node. */
    public RawTar charDevice(byte[] name, int major, int minor, int mode) { return header(name, '3', 0, mode, new byte[0], major, minor); }

    /** A file's header that announces size bytes; its content is for the caller to supply. */
    public RawTar fileHeader(byte[] name, long size, int mode) { return header(name, '0', size, mode, new byte[0], 0, 0); }

    /** The bytes so far (without the end-of-archive blocks). */
    public byte[] bytes() { return out.toByteArray(); }

    /** The archive with its two end-of-archive blocks. */
    public byte[] end() {
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private RawTar header(byte[] name, char type, long size, int mode, byte[] link, int major, int minor) {
        if (name.length > 100) longName('L', name);
        if (link.length > 100) longName('K', link);
        byte[] h = new byte[512];
        System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 1_700_000_000L);
        h[156] = (byte) type;
        System.arraycopy(link, 0, h, 157, Math.min(100, link.length));
        System.arraycopy(utf8("ustar  \0"), 0, h, 257, 8); // GNU magic: no prefix field
        octal(h, 329, 8, major);
        octal(h, 337, 8, minor);
        for (int i = 148; i < 156; i++) h[i] = ' ';
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        octal(h, 148, 7, sum);
        out.writeBytes(h);
        return this;
    }

    private void longName(char type, byte[] name) {
        byte[] content = concat(name, new byte[1]);
        header(utf8("././@LongLink"), type, content.length, 0644, new byte[0], 0, 0);
        out.writeBytes(content);
        pad(content.length);
    }

    private void pad(long size) { out.writeBytes(new byte[(int) ((512 - size % 512) % 512)]); }

    private static void octal(byte[] h, int offset, int length, long value) {
        String s = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, length - 1 - s.length())) + s;
        byte[] b = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, offset, Math.min(b.length, length - 1));
    }

    /** Compresses bytes as one whole frame (member, stream) of the given compression. */
    public static byte[] compress(byte[] data, AciBuilder.Compression compression) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream c = switch (compression) {
            case NONE -> b;
            case GZIP -> new GzipCompressorOutputStream(b);
            case BZIP2 -> new BZip2CompressorOutputStream(b);
            case XZ -> new XZOutputStream(b, new LZMA2Options(6));
            case ZSTD -> new ZstdCompressorOutputStream(b, 19);
        }) {
            c.write(data);
        }
        return b.toByteArray();
    }

    /**
     * A valid ACI whose rootfs/zeros announces and holds uncompressedSize bytes of zeros, written
     * compressed without ever holding them: the head, then one compressed MiB of zeros repeated.
     * Returns the file's compressed size.
     */
    public static long writeBomb(Path file, AciBuilder.Compression compression, long uncompressedSize, String manifest) throws IOException {
        byte[] head = new RawTar().manifest(manifest).dir(utf8("rootfs"), 0755)
            .fileHeader(utf8("rootfs/zeros"), uncompressedSize, 0644).bytes();
        byte[] mebibyte = compress(new byte[1 << 20], compression);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(compress(head, compression));
            for (long written = 0; written < uncompressedSize; written += 1 << 20) out.write(mebibyte);
            out.write(compress(new byte[1024], compression));
        }
        return Files.size(file);
    }

    /** Writes the archive (with its end) to file, compressed. */
    public Path writeTo(Path file, AciBuilder.Compression compression) throws IOException {
        Files.write(file, compress(end(), compression));
        return file;
    }

    /** Names joined with '/'. */
    public static byte[] path(List<byte[]> parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) b.write('/');
            b.writeBytes(parts.get(i));
        }
        return b.toByteArray();
    }
}
