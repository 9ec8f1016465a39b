package jrkt.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void parsesObjectsInOrderWithNestedValues() {
        Object v = Json.parse(" {\"z\": 1, \"a\": [true, false, null, \"s\"], \"m\": {\"k\": -2.5e3}} ");
        Map<String, Object> obj = Json.asObject(v);
        assertInstanceOf(LinkedHashMap.class, obj);
        assertEquals(List.of("z", "a", "m"), new ArrayList<>(obj.keySet()));
        assertEquals(1L, obj.get("z"));
        assertEquals(Arrays.asList(true, false, null, "s"), obj.get("a"));
        assertEquals(new BigDecimal("-2.5e3"), Json.asObject(obj.get("m")).get("k"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0                     | 0",
            "-0                    | 0",
            "42                    | 42",
            "-17                   | -17",
            "9223372036854775807   | 9223372036854775807",
            "-9223372036854775808  | -9223372036854775808",
    })
    void integralNumbersThatFitAreLongs(String text, long expected) {
        assertEquals(expected, Json.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "-9223372036854775809", "1.0", "1e3", "0.5", "-1.25E-7", "123456789012345678901234567890"})
    void otherNumbersAreExactBigDecimals(String text) {
        Object v = Json.parse(text);
        assertInstanceOf(BigDecimal.class, v);
        assertEquals(new BigDecimal(text), v);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`\"a\\\"b\"`                 | `a\"b`",
            "`\"\\\\ \\/ \\b\\f\\n\\r\\t\"` | `\\ / \b\f\n\r\t`",
            "`\"\\u00e9\\u0041\"`         | `éA`",
            "`\"\\ud83d\\ude00\"`         | `\uD83D\uDE00`",
            "`\"\\uD83D\\uDE00x\"`        | `\uD83D\uDE00x`",
            "`\"héllo wörld\"`            | `héllo wörld`",
    })
    void decodesStringEscapes(String json, String expected) {
        assertEquals(expected, Json.parse(json));
    }

    @Test
    void decodesRawUtf8Bytes() {
        byte[] bytes = "\"\u00e9\uD83D\uDE00\"".getBytes(StandardCharsets.UTF_8);
        assertEquals("\u00e9\uD83D\uDE00", Json.parse(bytes));
    }

    @Test
    void rejectsMalformedUtf8() {
        byte[] bytes = {'"', (byte) 0xC3, '"'};
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(bytes));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // text                         | offset | expected substring
            "`{\"a\" 1}`                    | 5  | expected ':'",
            "`{\"a\":1,}`                   | 7  | expected '\"'",
            "`{\"a\":1 \"b\":2}`            | 7  | expected ',' or '}'",
            "`[1,2`                         | 4  | expected ',' or ']' but found end of input",
            "`[1 2]`                        | 3  | expected ',' or ']'",
            "`{\"a\":1,\"a\":2}`            | 7  | duplicate key \"a\"",
            "`01`                           | 1  | leading zeros",
            "`1.`                           | 2  | expected a digit",
            "`-`                            | 1  | expected a digit",
            "`1e+`                          | 3  | expected a digit",
            "`.5`                           | 0  | expected a value",
            "`tru`                          | 0  | expected a value",
            "`nul`                          | 0  | expected a value",
            "`\"abc`                        | 4  | unterminated string",
            "`\"a\\x\"`                     | 2  | invalid escape",
            "`\"\\u12G4\"`                  | 1  | four hex digits",
            "`\"\\ud83d\"`                  | 1  | unpaired surrogate",
            "`\"\\ud83dx\"`                 | 1  | unpaired surrogate",
            "`\"\\ude00\"`                  | 1  | unpaired surrogate",
            "`\"\\ud83d\\u0041\"`           | 1  | unpaired surrogate",
            "`{} x`                         | 3  | unexpected 'x' after the value",
            "`[1] [2]`                      | 4  | after the value",
            "`NaN`                          | 0  | expected a value",
            "`''`                           | 0  | expected a value",
            "`   `                          | 3  | end of input",
            "`{1:2}`                        | 1  | object key",
    })
    void reportsErrorsAtTheRightOffset(String text, int offset, String what) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().startsWith("invalid JSON at offset " + offset + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void rejectsUnescapedControlCharacterInString() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("\"a\nb\""));
        assertEquals("invalid JSON at offset 2: control character U+000A in a string must be escaped", e.getMessage());
    }

    @Test
    void byteOrderMarkIsRejectedVisibly() {
        byte[] bytes = "\uFEFF{}".getBytes(StandardCharsets.UTF_8);
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(bytes));
        assertEquals("invalid JSON at offset 0: expected a value but found character U+FEFF", e.getMessage());
    }

    @Test
    void emptyInputIsAnError() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(""));
        assertEquals("invalid JSON at offset 0: expected a value but found end of input", e.getMessage());
    }

    @Test
    void nestingUpTo512IsAcceptedAndDeeperIsRejectedCleanly() {
        String ok = "[".repeat(512) + "]".repeat(512);
        Object v = Json.parse(ok);
        for (int i = 0; i < 511; i++) v = Json.asArray(v).getFirst();
        assertEquals(List.of(), v);

        String deep = "[".repeat(513) + "]".repeat(513);
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(deep));
        assertEquals("invalid JSON at offset 512: nesting deeper than 512 levels", e.getMessage());

        // Far deeper input must not become a StackOverflowError.
        String hostile = "{\"a\":".repeat(100_000);
        assertThrows(JsonException.class, () -> Json.parse(hostile));
    }

    @Test
    void writesCompactJsonInMapOrderWithEscapes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1L);
        m.put("a", Arrays.asList("x\"y\\z", null, true, new BigDecimal("1.50")));
        m.put("ctl", "\u0001\t\n\u001f\u007f");
        m.put("uni", "é\uD83D\uDE00");
        m.put("empty", Map.of());
        m.put("none", List.of());
        assertEquals("{\"b\":1,\"a\":[\"x\\\"y\\\\z\",null,true,1.50],\"ctl\":\"\\u0001\\t\\n\\u001f\\u007f\","
                + "\"uni\":\"é\uD83D\uDE00\",\"empty\":{},\"none\":[]}", Json.write(m));
    }

    @Test
    void writesPrettyJsonWithTwoSpaces() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("k", "v");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", List.of(1L, 2L));
        m.put("o", inner);
        m.put("e", List.of());
        assertEquals("""
                {
                  "a": [
                    1,
                    2
                  ],
                  "o": {
                    "k": "v"
                  },
                  "e": []
                }""", Json.writePretty(m));
    }

    @Test
    void indentsTwoSpacesALevelAtAnyDepth() {
        // 20 objects one in another: deeper than the writer's ready-made indentation (16 levels)
        Object v = "leaf";
        for (int i = 19; i >= 0; i--) v = Map.of("k" + i, v);
        String[] lines = Json.writePretty(v).split("\n");
        assertEquals(41, lines.length);
        for (int depth = 0; depth < 20; depth++) {
            assertEquals("  ".repeat(depth + 1) + "\"k" + depth + "\": " + (depth == 19 ? "\"leaf\"" : "{"), lines[depth + 1]);
            assertEquals("  ".repeat(depth) + "}", lines[40 - depth]);
        }
        assertEquals(v, Json.parse(Json.writePretty(v)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"acKind\":\"ImageManifest\",\"labels\":[{\"name\":\"os\",\"value\":\"linux\"}],\"n\":-12,\"f\":1.5E+300}",
            "[\"\\u0000\\u001f \\\" \\\\ / é 😀\",{},[],null,true,false,0]",
            "\"just a string\"",
            "123",
    })
    void roundTripsThroughParseAndWrite(String text) {
        Object parsed = Json.parse(text);
        assertEquals(parsed, Json.parse(Json.write(parsed)));
        assertEquals(parsed, Json.parse(Json.writePretty(parsed)));
        // Writing is canonical: the same value always gives the same text.
        assertEquals(Json.write(parsed), Json.write(Json.parse(Json.write(parsed))));
    }

    @Test
    void writesOtherNumbersAndRejectsNonFinite() {
        assertEquals("[1,2,3.5,10]", Json.write(List.of(1, (short) 2, 3.5, new java.math.BigInteger("10"))));
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, "x")));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }

    @Test
    void nullParsesToNull() {
        assertNull(Json.parse("null"));
        assertEquals("null", Json.write(null));
    }

    /** Bytes take two ways (plain ASCII, or decoded UTF-8); both must read as the text does, errors and offsets included. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"acKind\": \"PodManifest\", \"apps\": [{\"name\": \"a\", \"n\": -12.5e2, \"t\": [true, null]}]}",
            "{\"esc\": \"tab\\t quote\\\" \\u00e9\"}",
            "{\"caf\u00e9\": \"\u00fc\"}",
            "{\"a\": 1,}",
            "[1, 2",
            "{\"a\": \"\u00e9\" x}",
            "\"unterminated",
            "01"})
    void bytesParseAsTheirTextDoes(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Object fromText;
        try {
            fromText = Json.parse(text);
        } catch (JsonException e) {
            JsonException fromBytes = assertThrows(JsonException.class, () -> Json.parse(bytes));
            assertEquals(e.getMessage(), fromBytes.getMessage());
            return;
        }
        assertEquals(fromText, Json.parse(bytes));
    }
}
