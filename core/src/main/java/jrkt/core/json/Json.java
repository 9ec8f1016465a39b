package jrkt.core.json;

import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer (RFC 8259), so that the run path loads no JSON library.
 * Values map to: object = LinkedHashMap<String,Object> (order kept), array = List<Object>,
 * string = String, number = Long when integral and in range, else BigDecimal,
 * true/false = Boolean, null = null.
 */
public final class Json {
    private Json() {}

    /** Parses one JSON value; trailing non-space is an error. Throws JsonException with the offset. */
    public static Object parse(String text) { throw new UnsupportedOperationException("TODO"); }

    public static Object parse(byte[] utf8) { return parse(new String(utf8, java.nio.charset.StandardCharsets.UTF_8)); }

    /** Compact JSON. Accepts the types above plus any Number, Collection, Map with String keys, and records are not supported. */
    public static String write(Object value) { throw new UnsupportedOperationException("TODO"); }

    /** JSON indented by two spaces, one member per line. */
    public static String writePretty(Object value) { throw new UnsupportedOperationException("TODO"); }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object v) { return (Map<String, Object>) v; }

    @SuppressWarnings("unchecked")
    public static List<Object> asArray(Object v) { return (List<Object>) v; }
}
