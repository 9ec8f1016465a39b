package jrkt.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLimitsTest {
    private static final Json.Limits SMALL = new Json.Limits(3, 5, 4);

    @Test
    void aNumberLongerThanTheLimitIsRefusedAtItsOffsetWithoutConvertingIt() {
        assertEquals("invalid JSON at offset 1: a number longer than 100 characters",
            assertThrows(JsonException.class, () -> Json.parse("[" + "9".repeat(1_000_000) + "]")).getMessage());
        assertEquals(1234L, Json.parse("1234", SMALL));
        assertThrows(JsonException.class, () -> Json.parse("12345", SMALL));
        assertThrows(JsonException.class, () -> Json.parse("1.2e5", SMALL));
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedBeforeTheStackIsAtRisk() {
        assertEquals(List.of(List.of(List.of())), Json.parse("[[[]]]", SMALL));
        assertEquals("invalid JSON at offset 3: nesting deeper than 3 levels",
            assertThrows(JsonException.class, () -> Json.parse("[[[[]]]]", SMALL)).getMessage());
        assertThrows(JsonException.class, () -> Json.parse("[".repeat(1_000_000)));
    }

    @Test
    void aStringLongerThanTheLimitIsRefusedWithOrWithoutEscapes() {
        assertEquals("abcde", Json.parse("\"abcde\"", SMALL));
        assertEquals("invalid JSON at offset 1: a string longer than 5 characters",
            assertThrows(JsonException.class, () -> Json.parse("\"abcdef\"", SMALL)).getMessage());
        assertThrows(JsonException.class, () -> Json.parse("\"\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\"", SMALL));
    }
}
