package jrkt.core.image.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import jrkt.sys.Linux;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class CompressionTest {
    @TempDir Path dir;

    /** Incompressible bytes, several times any buffer on the way. */
    private static final byte[] BIG = new byte[384 * 1024];
    static { new Random(42).nextBytes(BIG); }

    static byte[] compress(Compression compression, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream compressor = switch (compression) {
            case NONE -> out;
            case GZIP -> new GzipCompressorOutputStream(out);
            case BZIP2 -> new BZip2CompressorOutputStream(out);
            case XZ -> new XZOutputStream(out, new LZMA2Options());
            case ZSTD -> new ZstdCompressorOutputStream(out);
        }) {
            compressor.write(data);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void detectsEachCompressionAndUnpacksTheArchiveInside(Compression compression) throws IOException {
        byte[] tar = new TarBuilder().file("rootfs/big", BIG).file("rootfs/etc/os-release", "ID=jrkt\n").bytes();
        byte[] compressed = compress(compression, tar);
        assertEquals(compression, Compression.detect(compressed, compressed.length));
        try (InputStream in = Compression.decompress(new ByteArrayInputStream(compressed))) {
            new SafeExtractor(Linux.get()).extract(in, dir, SafeExtractor.Options.aciRootfs(p -> true, true, null));
        }
        assertArrayEquals(BIG, Files.readAllBytes(dir.resolve("big")));
        assertEquals("ID=jrkt\n", Files.readString(dir.resolve("etc/os-release")));
    }

    @Test
    void detectionNeedsTheWholeMagic() {
        byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
        assertEquals(Compression.XZ, Compression.detect(xz, 6));
        assertEquals(Compression.NONE, Compression.detect(xz, 5), "only 5 bytes of the stream are known");
        assertEquals(Compression.NONE, Compression.detect(new byte[] {0x1f}, 1));
        assertEquals(Compression.BZIP2, Compression.detect("BZh91AY".getBytes(), 7));
        assertEquals(Compression.NONE, Compression.detect("BZ".getBytes(), 2));
        assertEquals(Compression.NONE, Compression.detect("manifest".getBytes(), 8));
    }

    @Test
    void aStreamShorterThanAnyMagicIsUncompressed() throws IOException {
        try (InputStream in = Compression.decompress(new ByteArrayInputStream(new byte[] {1, 2}))) {
            assertArrayEquals(new byte[] {1, 2}, in.readAllBytes());
        }
    }

    @Test
    void readsEveryMemberOfAConcatenatedGzip() throws IOException {
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(compress(Compression.GZIP, "first ".getBytes()));
        both.write(compress(Compression.GZIP, "second".getBytes()));
        try (InputStream in = Compression.decompress(new ByteArrayInputStream(both.toByteArray()))) {
            assertEquals("first second", new String(in.readAllBytes()));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aTruncatedStreamIsAnError(Compression compression) throws IOException {
        byte[] compressed = compress(compression, BIG);
        byte[] truncated = java.util.Arrays.copyOf(compressed, compressed.length / 2);
        assertThrows(IOException.class, () -> {
            try (InputStream in = Compression.decompress(new ByteArrayInputStream(truncated))) {
                in.readAllBytes();
            }
        });
    }
}
