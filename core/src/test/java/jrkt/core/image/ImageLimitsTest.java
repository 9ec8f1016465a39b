package jrkt.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jrkt.core.JrktException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLimitsTest {
    @TempDir Path dir;

    @Test
    void sizesTakeBinaryUnits() {
        assertEquals(4096, ImageLimits.parseSize("4096"));
        assertEquals(64L << 10, ImageLimits.parseSize("64KiB"));
        assertEquals(8L << 30, ImageLimits.parseSize("8G"));
        assertThrows(IllegalArgumentException.class, () -> ImageLimits.parseSize("8 parsecs"));
        assertThrows(IllegalArgumentException.class, () -> ImageLimits.parseSize("-1"));
        assertEquals("4GiB", ImageLimits.formatSize(4L << 30));
        assertEquals("1.5MiB", ImageLimits.formatSize(3L << 19));
    }

    @Test
    void theLocalConfigReplacesTheSystemOneAndFlagsReplaceBoth() throws IOException {
        Path system = Files.createDirectories(dir.resolve("system"));
        Path local = Files.createDirectories(dir.resolve("local"));
        Files.writeString(system.resolve("limits.json"), "{\"max-entries\": 10, \"max-image-size\": \"1GiB\"}");
        Files.writeString(local.resolve("limits.json"), "{\"max-entries\": 20}");
        ImageLimits limits = ImageLimits.load(List.of(system, local), List.of("max-path-depth=7"));
        assertEquals(20, limits.maxEntries());
        assertEquals(1L << 30, limits.maxImageSize());
        assertEquals(7, limits.maxPathDepth());
        assertEquals(ImageLimits.DEFAULT.maxDependencies(), limits.maxDependencies());
    }

    @Test
    void anUnknownNameOrABadValueNamesItsSource() {
        assertEquals("--limit max-entires=3: unknown limit \"max-entires\" (names: " + String.join(", ", ImageLimits.NAMES) + ")",
            assertThrows(JrktException.class, () -> ImageLimits.load(List.of(), List.of("max-entires=3"))).getMessage());
        assertEquals("--limit max-entries=0: max-entries 0 is out of range (1 to 9223372036854775807)",
            assertThrows(JrktException.class, () -> ImageLimits.load(List.of(), List.of("max-entries=0"))).getMessage());
        assertEquals(0, ImageLimits.load(List.of(), List.of("max-compression-ratio=0")).maxCompressionRatio());
    }
}
