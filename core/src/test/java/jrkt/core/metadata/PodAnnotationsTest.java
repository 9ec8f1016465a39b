package jrkt.core.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import org.junit.jupiter.api.Test;

class PodAnnotationsTest {
    @Test
    void annotationsKeepTheirOrderAndValuesMayHoldEqualsSigns() {
        assertEquals(List.of(Map.entry("example.com/b", "x=y"), Map.entry("a", "")),
            List.copyOf(PodAnnotations.parse("--user-annotation", List.of("example.com/b=x=y", "a=")).entrySet()));
    }

    @Test
    void aNameThatIsNoAcIdentifierOrIsGivenTwiceIsRefusedInOneLine() {
        assertEquals("--user-annotation \"Owner=me\": the name is not an AC identifier (" + jrkt.core.image.aci.AcName.IDENTIFIER_RULE + ")",
            assertThrows(JrktException.class, () -> PodAnnotations.parse("--user-annotation", List.of("Owner=me"))).getMessage());
        assertEquals("--user-annotation \"owner\": expected NAME=VALUE",
            assertThrows(JrktException.class, () -> PodAnnotations.parse("--user-annotation", List.of("owner"))).getMessage());
        assertEquals("--user-annotation \"a\": given twice",
            assertThrows(JrktException.class, () -> PodAnnotations.parse("--user-annotation", List.of("a=1", "a=2"))).getMessage());
    }
}
