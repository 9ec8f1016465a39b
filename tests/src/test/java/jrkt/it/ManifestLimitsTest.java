package jrkt.it;

import static jrkt.it.ImageLimitsTest.assertRefused;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Manifests made to cost time, stack or memory: each refused while it is read, in one line that
 * names the file, the offset and the limit, with nothing left in the store.
 */
class ManifestLimitsTest {
    @TempDir Path tmp;

    static final String HEAD = "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/m\",";

    static Stream<Arguments> manifests() {
        return Stream.of(
            Arguments.of("one number of a million digits", HEAD + "\"annotations\":[{\"name\":\"n\",\"value\":\"x\"}],\"x\":"
                + "9".repeat(1_000_000) + "}", "a number longer than 64 characters"),
            Arguments.of("a fraction of a million digits", HEAD + "\"x\":0." + "1".repeat(1_000_000) + "}", "a number longer than 64 characters"),
            Arguments.of("arrays nested 500,000 deep", HEAD + "\"x\":" + "[".repeat(500_000) + "]".repeat(500_000) + "}",
                "nesting deeper than 32 levels"),
            Arguments.of("objects nested 100,000 deep", HEAD + "\"x\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000) + "}",
                "nesting deeper than 32 levels"),
            Arguments.of("a string of 900,000 characters", HEAD + "\"app\":{\"exec\":[\"/" + "a".repeat(900_000)
                + "\"],\"user\":\"0\",\"group\":\"0\"}}", "a string longer than 65536 characters"),
            Arguments.of("a string of escapes", HEAD + "\"x\":\"" + "\\u0041".repeat(100_000) + "\"}", "a string longer than 65536 characters"),
            Arguments.of("a manifest over 1 MiB", HEAD + "\"x\":\"" + " ".repeat(60_000) + "\"," + "\"y\":[" + "1,".repeat(600_000) + "1]}",
                "larger than 1MiB (limit max-manifest-size)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void aHostileManifestIsRefusedAndLeavesNothing(String what, String manifest, String message) throws IOException {
        Path aci = AciBuilder.named("example.com/m").dir("rootfs", 0755).rawManifest(manifest)
            .write(tmp.resolve("m.aci"), AciBuilder.Compression.GZIP);
        Jrkt jrkt = new Jrkt(tmp.resolve("data"));
        assertRefused(jrkt.run("fetch", aci.toString()), aci, message);
        ImageLimitsTest store = new ImageLimitsTest();
        store.tmp = tmp;
        store.assertStoreEmptyAndUsable();
    }
}
