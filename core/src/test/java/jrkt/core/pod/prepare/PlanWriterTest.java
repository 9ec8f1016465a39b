package jrkt.core.pod.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlanWriterTest {

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "/opt/stage2/web/rootfs         | /opt/stage2/web/rootfs",
        "lowerdir=/a,upperdir=b:c+d@e-f | lowerdir=/a,upperdir=b:c+d@e-f",
        "\"hello world\"                | hello%20world",
        "100%                           | 100%25",
        "a#b;c                          | a%23b%3Bc",
        "caf\u00e9                      | caf%C3%A9",
        "tab\there                      | tab%09here",
    })
    void encodesBytesOutsideTheSafeSet(String raw, String encoded) {
        assertEquals(encoded, PlanWriter.encode(raw));
        assertEquals(raw, PlanWriter.decode(encoded));
    }

    @Test
    void everyCharacterRoundTripsAndOnlyTheSafeSetStaysUnescaped() {
        StringBuilder all = new StringBuilder();
        for (char c = 1; c < 0x300; c++) all.append(c);
        all.append("\uD83D\uDE80"); // outside the BMP: four UTF-8 bytes
        String encoded = PlanWriter.encode(all.toString());
        assertEquals(all.toString(), PlanWriter.decode(encoded));
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                assertTrue("0123456789ABCDEF".indexOf(encoded.charAt(i + 1)) >= 0 && "0123456789ABCDEF".indexOf(encoded.charAt(i + 2)) >= 0);
                i += 2;
            } else {
                assertTrue((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "._/,=:+@-".indexOf(c) >= 0, "unescaped " + c);
            }
        }
    }

    @Test
    void newlinesNeverBreakALine() {
        String text = new PlanWriter().line("env", "web", "MSG=one\ntwo\r\n").text();
        assertEquals("env web MSG=one%0Atwo%0D%0A\n", text);
        assertEquals(1, text.split("\n").length);
    }

    @Test
    void emptyAndNullFieldsArePercentAlone() {
        assertEquals("mount overlay stage1/rootfs/x overlay % lowerdir=/l\n",
            new PlanWriter().line("mount", "overlay", "stage1/rootfs/x", "overlay", "", "lowerdir=/l").text());
        assertEquals("%", PlanWriter.encode(null));
        assertEquals("", PlanWriter.decode("%"));
    }

    @Test
    void aPercentFieldIsNotConfusedWithEmpty() {
        assertEquals("%25", PlanWriter.encode("%"));
        assertEquals("%", PlanWriter.decode("%25"));
    }

    @Test
    void listFormAppendsTheTail() {
        assertEquals("exec web /bin/sh -c %22echo%20hi%22\n",
            new PlanWriter().line("exec", List.of("web"), List.of("/bin/sh", "-c", "\"echo hi\"")).text());
    }

    @Test
    void writesANewFileAndReplacesNothing(@TempDir Path dir) throws Exception {
        Path plan = dir.resolve("plan");
        new PlanWriter().line("version", "1").writeTo(plan);
        assertEquals("version 1\n", Files.readString(plan));
        // a pod directory is made new: a file already there (or a planted link) is an error, never followed
        Path target = Files.writeString(dir.resolve("host-file"), "host");
        Path link = Files.createSymbolicLink(dir.resolve("plan2"), target);
        assertThrows(java.io.IOException.class, () -> new PlanWriter().line("version", "2").writeTo(link));
        assertThrows(java.io.IOException.class, () -> new PlanWriter().line("version", "2").writeTo(plan));
        assertEquals("host", Files.readString(target));
        assertEquals("version 1\n", Files.readString(plan));
    }
}
