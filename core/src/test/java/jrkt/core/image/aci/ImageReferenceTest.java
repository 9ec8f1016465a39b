package jrkt.core.image.aci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jrkt.core.JrktException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ImageReferenceTest {

    static Map<String, String> labels(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("busybox", "busybox", labels()),
                Arguments.of("example.com/app", "example.com/app", labels()),
                Arguments.of("example.com/app:v1.2.0", "example.com/app", labels("version", "v1.2.0")),
                Arguments.of("example.com/app,os=linux,arch=amd64", "example.com/app", labels("os", "linux", "arch", "amd64")),
                Arguments.of("example.com/app:1.0,os=linux", "example.com/app", labels("version", "1.0", "os", "linux")),
                Arguments.of("app,version=2", "app", labels("version", "2")),
                Arguments.of("app:1:rc", "app", labels("version", "1:rc")),
                Arguments.of("app,example.com/env=canary build", "app", labels("example.com/env", "canary build")),
                Arguments.of("app,k=a=b", "app", labels("k", "a=b")),
                Arguments.of("app,source=https://example.com", "app", labels("source", "https://example.com")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void parsesNameAndLabelsInOrder(String text, String name, Map<String, String> labels) {
        ImageReference ref = ImageReference.parse(text);
        assertEquals(name, ref.name());
        assertEquals(labels, ref.labels());
        assertEquals(List.copyOf(labels.keySet()), List.copyOf(ref.labels().keySet()));
        assertEquals(ref, ImageReference.parse(ref.toString()), "toString reads back");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``                        | image reference is empty",
            "`Busybox`                 | image reference \"Busybox\": name \"Busybox\" is not an AC Identifier",
            "`example.com/app/`        | name \"example.com/app/\" is not an AC Identifier",
            "`:1.0`                    | image reference \":1.0\": the image name is empty",
            "`,os=linux`               | the image name is empty",
            "`app:`                    | image reference \"app:\": the version after ':' is empty",
            "`app:,os=linux`           | the version after ':' is empty",
            "`app,`                    | image reference \"app,\": empty label after ','",
            "`app,,os=linux`           | empty label after ','",
            "`app,os`                  | image reference \"app,os\": label \"os\" must be written label=value",
            "`app,OS=linux`            | label name \"OS\" is not an AC Identifier",
            "`app,=linux`              | label name \"\" is not an AC Identifier",
            "`app,os=`                 | label \"os\" has an empty value",
            "`app,name=x`              | \"name\" is not a label; the image name comes first",
            "`app,os=linux,os=freebsd` | label \"os\" is given twice",
            "`app:1,version=2`         | the version is given both after ':' and as version=\"2\"",
            "`app,version=1,version=2` | label \"version\" is given twice",
            "`docker://busybox`        | image reference \"docker://busybox\": a URL is not an image name",
    })
    void rejectsNamingTheBadPart(String text, String message) {
        JrktException e = assertThrows(JrktException.class, () -> ImageReference.parse(text));
        assertEquals(true, e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void controlCharactersInTheReferenceStayOnOneLine() {
        JrktException e = assertThrows(JrktException.class, () -> ImageReference.parse("app\n,os"));
        assertEquals("image reference \"app\\n,os\": name \"app\\n\" is not an AC Identifier ("
                + AcName.IDENTIFIER_RULE + ")", e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // prefixed: 4 to 128 lowercase hex digits
            "sha512-1a2b                  | true",
            "sha512-abcd                  | true",
            "sha512-abc                   | false",
            "sha512-                      | false",
            "sha512-ABCD                  | false",
            "sha512-12g4                  | false",
            // bare hex needs a digit, so hex-looking words stay names
            "1a2b                         | true",
            "0123456789abcdef             | true",
            "abcd                         | false",
            "beef                         | false",
            "1a2                          | false",
            "1A2B                         | false",
            "busybox                      | false",
            "example.com/app              | false",
            "sha256-1a2b3c4d              | false",
            "''                           | false",
    })
    void recognisesImageIdsAndPrefixes(String text, boolean expected) {
        assertEquals(expected, ImageReference.looksLikeImageId(text));
    }

    @Test
    void fullLengthIdsAndNoLonger() {
        String hex = "0123456789abcdef".repeat(8);
        assertEquals(true, ImageReference.looksLikeImageId("sha512-" + hex));
        assertEquals(true, ImageReference.looksLikeImageId(hex));
        assertEquals(false, ImageReference.looksLikeImageId("sha512-" + hex + "0"));
        assertEquals("sha512-" + hex, ImageReference.imageIdPrefix(hex));
        assertEquals("sha512-1a2b", ImageReference.imageIdPrefix("sha512-1a2b"));
        assertEquals("sha512-1a2b", ImageReference.imageIdPrefix("1a2b"));
        JrktException e = assertThrows(JrktException.class, () -> ImageReference.imageIdPrefix("busybox"));
        assertEquals("\"busybox\" is not an image ID or ID prefix (sha512-<hex>)", e.getMessage());
    }

    @Test
    void labelsAreUnmodifiable() {
        ImageReference ref = ImageReference.parse("app:1");
        assertThrows(UnsupportedOperationException.class, () -> ref.labels().put("os", "linux"));
        assertEquals("1", ref.version());
        assertEquals("app:1", ref.toString());
    }
}
