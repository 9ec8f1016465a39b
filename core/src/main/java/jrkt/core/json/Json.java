package jrkt.core.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.Quote;

/**
 * A small JSON reader and writer (RFC 8259), so that the run path loads no JSON library.
 * Values map to: object = LinkedHashMap<String,Object> (order kept), array = List<Object>,
 * string = String, number = Long when integral and in range, else BigDecimal,
 * true/false = Boolean, null = null.
 */
public final class Json {
    private Json() {}

    /** Deeper nesting is rejected: recursion this deep is never legitimate input and would risk the stack. */
    public static final int MAX_DEPTH = 512;

    /**
     * What a document may hold: nesting depth (the parser recurses once per level), the length of
     * one string in chars, and of one number literal (a long number would cost quadratic time to
     * convert). Each is refused with the offset where it is exceeded.
     */
    public record Limits(int maxDepth, int maxStringLength, int maxNumberLength) {
        public static final Limits DEFAULT = new Limits(MAX_DEPTH, Integer.MAX_VALUE, 100);
    }

    /** Parses one JSON value; trailing non-space is an error. Throws JsonException with the offset. */
    public static Object parse(String text) { return parse(text, Limits.DEFAULT); }

    /** Parses one JSON value within these limits. */
    public static Object parse(String text, Limits limits) { return parse(new Parser(text, limits)); }

    private static Object parse(Parser p) {
        p.skipSpace();
        Object value = p.value(0);
        p.skipSpace();
        if (p.pos < p.n) throw p.error("unexpected " + p.describeHere() + " after the value");
        return value;
    }

    /** Parses UTF-8 bytes; malformed UTF-8 is an error rather than silently replaced characters. */
    public static Object parse(byte[] utf8) { return parse(utf8, Limits.DEFAULT); }

    /** Parses UTF-8 bytes within these limits. */
    public static Object parse(byte[] utf8, Limits limits) {
        // ASCII, as jrkt's own files are: its chars are its bytes, without the decoder's layers
        char[] ascii = new char[utf8.length];
        int i = 0;
        for (; i < utf8.length; i++) {
            byte b = utf8[i];
            if (b < 0) break;
            ascii[i] = (char) b;
        }
        if (i == utf8.length) return parse(new Parser(new String(utf8, StandardCharsets.ISO_8859_1), ascii, limits));
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new JsonException("invalid JSON: the text is not valid UTF-8");
        }
        return parse(text, limits);
    }

    /** Compact JSON. Accepts the types above plus any Number, Collection, Map with String keys, and records are not supported. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        new Writer(out, false).value(value, 0);
        return out.toString();
    }

    /** JSON indented by two spaces, one member per line. */
    public static String writePretty(Object value) {
        StringBuilder out = new StringBuilder();
        new Writer(out, true).value(value, 0);
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object v) { return (Map<String, Object>) v; }

    @SuppressWarnings("unchecked")
    public static List<Object> asArray(Object v) { return (List<Object>) v; }

    private static final class Parser {
        /** The text, for substrings (a copy of its bytes), and its chars, for scanning. */
        private final String s;
        private final char[] cs;
        private final int n;
        private final Limits limits;
        private int pos;

        Parser(String s, Limits limits) { this(s, s.toCharArray(), limits); }

        /**
         * cs: s's chars. The parser reads them from an array rather than by {@code charAt}: in
         * the interpreter, where a short jrkt command parses its JSON, a call a character cost
         * two to three times the parse (list of 1,000 pods parses 1,000 pod manifests).
         */
        Parser(String s, char[] cs, Limits limits) {
            this.s = s;
            this.cs = cs;
            this.n = cs.length;
            this.limits = limits;
        }

        JsonException error(String what) { return errorAt(pos, what); }

        JsonException errorAt(int offset, String what) {
            return new JsonException("invalid JSON at offset " + offset + ": " + what);
        }

        String describeHere() {
            if (pos >= n) return "end of input";
            char c = cs[pos];
            if (c < 0x20 || c > 0x7e) return String.format("character U+%04X", (int) c); // invisible or confusable
            return "'" + c + "'";
        }

        void skipSpace() {
            while (pos < n) {
                char c = cs[pos];
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
                pos++;
            }
        }

        void expect(char c) {
            if (pos >= n || cs[pos] != c) {
                throw error("expected '" + c + "' but found " + describeHere());
            }
            pos++;
        }

        Object value(int depth) {
            if (pos >= n) throw error("expected a value but found end of input");
            char c = cs[pos];
            return switch (c) {
                case '{' -> object(depth + 1);
                case '[' -> array(depth + 1);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw error("expected a value but found " + describeHere());
                }
            };
        }

        void checkDepth(int depth) {
            if (depth > limits.maxDepth()) throw error("nesting deeper than " + limits.maxDepth() + " levels");
        }

        Map<String, Object> object(int depth) {
            checkDepth(depth);
            pos++; // '{'
            Map<String, Object> map = new LinkedHashMap<>();
            skipSpace();
            if (pos < n && cs[pos] == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipSpace();
                if (pos >= n || cs[pos] != '"') {
                    throw error("expected '\"' (an object key) but found " + describeHere());
                }
                int keyOffset = pos;
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                Object v = value(depth);
                if (map.containsKey(key)) throw errorAt(keyOffset, "duplicate key \"" + key + "\"");
                map.put(key, v);
                skipSpace();
                if (pos >= n) throw error("expected ',' or '}' but found end of input");
                char c = cs[pos++];
                if (c == '}') return map;
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}' but found " + describeHere());
                }
            }
        }

        List<Object> array(int depth) {
            checkDepth(depth);
            pos++; // '['
            List<Object> list = new ArrayList<>();
            skipSpace();
            if (pos < n && cs[pos] == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipSpace();
                list.add(value(depth));
                skipSpace();
                if (pos >= n) throw error("expected ',' or ']' but found end of input");
                char c = cs[pos++];
                if (c == ']') return list;
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']' but found " + describeHere());
                }
            }
        }

        Object literal(String word, Object result) {
            if (!s.startsWith(word, pos)) throw error("expected a value but found " + describeHere());
            pos += word.length();
            return result;
        }

        String string() {
            pos++; // opening quote
            int start = pos;
            // Fast path: no escapes.
            while (pos < n) {
                char c = cs[pos];
                if (c == '"') {
                    pos++;
                    checkStringLength(start, pos - 1 - start);
                    return s.substring(start, pos - 1);
                }
                if (c == '\\' || c < 0x20) break;
                pos++;
            }
            StringBuilder sb = new StringBuilder(n - start < 64 ? 16 : 64);
            sb.append(s, start, pos);
            while (true) {
                if (pos >= n) throw error("unterminated string");
                char c = cs[pos];
                checkStringLength(start, sb.length());
                if (c == '"') {
                    pos++;
                    return sb.toString();
                }
                if (c < 0x20) throw error("control character U+" + String.format("%04X", (int) c) + " in a string must be escaped");
                if (c != '\\') {
                    sb.append(c);
                    pos++;
                    continue;
                }
                int escapeStart = pos;
                pos++;
                if (pos >= n) throw error("unterminated string");
                char e = cs[pos++];
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        char u = hex4(escapeStart);
                        if (Character.isHighSurrogate(u)) {
                            if (s.startsWith("\\u", pos)) {
                                int lowStart = pos;
                                pos += 2;
                                char low = hex4(lowStart);
                                if (!Character.isLowSurrogate(low)) {
                                    throw errorAt(escapeStart, "unpaired surrogate \\u" + hexOf(u));
                                }
                                sb.append(u).append(low);
                            } else {
                                throw errorAt(escapeStart, "unpaired surrogate \\u" + hexOf(u));
                            }
                        } else if (Character.isLowSurrogate(u)) {
                            throw errorAt(escapeStart, "unpaired surrogate \\u" + hexOf(u));
                        } else {
                            sb.append(u);
                        }
                    }
                    default -> throw errorAt(escapeStart, "invalid escape '\\" + e + "'");
                }
            }
        }

        void checkStringLength(int start, int length) {
            if (length > limits.maxStringLength()) {
                throw errorAt(start, "a string longer than " + limits.maxStringLength() + " characters");
            }
        }

        private static String hexOf(char c) { return String.format("%04X", (int) c); }

        /** Reads the four hex digits after "\\u" (pos is just past the 'u'). */
        char hex4(int escapeStart) {
            if (pos + 4 > n) throw errorAt(escapeStart, "\\u needs four hex digits");
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(cs[pos + i], 16);
                if (d < 0) throw errorAt(escapeStart, "\\u needs four hex digits");
                v = (v << 4) | d;
            }
            pos += 4;
            return (char) v;
        }

        Object number() {
            int start = pos;
            boolean integral = true;
            if (cs[pos] == '-') pos++;
            if (pos >= n) throw error("expected a digit but found end of input");
            char c = cs[pos];
            if (c == '0') {
                pos++;
                if (pos < n && isDigit(cs[pos])) throw error("leading zeros are not allowed in numbers");
            } else if (isDigit(c)) {
                while (pos < n && isDigit(cs[pos])) pos++;
            } else {
                throw error("expected a digit but found " + describeHere());
            }
            if (pos < n && cs[pos] == '.') {
                integral = false;
                pos++;
                digits();
            }
            if (pos < n && (cs[pos] == 'e' || cs[pos] == 'E')) {
                integral = false;
                pos++;
                if (pos < n && (cs[pos] == '+' || cs[pos] == '-')) pos++;
                digits();
            }
            if (pos - start > limits.maxNumberLength()) {
                throw errorAt(start, "a number longer than " + limits.maxNumberLength() + " characters");
            }
            String literal = s.substring(start, pos);
            if (integral && pos - start <= 18) return Long.parseLong(literal);
            if (integral) {
                BigInteger big = new BigInteger(literal);
                if (big.bitLength() < 64) return big.longValue();
                return new BigDecimal(big);
            }
            return new BigDecimal(literal);
        }

        void digits() {
            if (pos >= n || !isDigit(cs[pos])) throw error("expected a digit but found " + describeHere());
            while (pos < n && isDigit(cs[pos])) pos++;
        }

        static boolean isDigit(char c) { return c >= '0' && c <= '9'; }
    }

    private static final class Writer {
        private final StringBuilder out;
        private final boolean pretty;

        Writer(StringBuilder out, boolean pretty) {
            this.out = out;
            this.pretty = pretty;
        }

        /** A newline and the indentation of 16 levels: one append per line rather than one per level, interpreted. */
        private static final String INDENTS = "\n" + "  ".repeat(16);

        void newline(int depth) {
            if (!pretty) return;
            if (depth <= 16) {
                out.append(INDENTS, 0, 1 + 2 * depth);
                return;
            }
            out.append(INDENTS);
            for (int i = 16; i < depth; i++) out.append("  ");
        }

        // instanceof rather than a pattern switch, which the JDK links at first use by generating code
        void value(Object v, int depth) {
            if (v == null) out.append("null");
            else if (v instanceof String str) string(str);
            else if (v instanceof Boolean b) out.append(b ? "true" : "false");
            else if (v instanceof Double d) finite(d, d.isNaN() || d.isInfinite());
            else if (v instanceof Float f) finite(f, f.isNaN() || f.isInfinite());
            else if (v instanceof BigDecimal bd) out.append(bd.toString());
            else if (v instanceof Number n) out.append(n.toString());
            else if (v instanceof Map<?, ?> map) object(map, depth);
            else if (v instanceof Collection<?> c) array(c, depth);
            else if (v instanceof Object[] a) array(List.of(a), depth);
            else throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
        }

        void finite(Number n, boolean notFinite) {
            if (notFinite) throw new IllegalArgumentException("cannot write " + n + " as JSON: not a finite number");
            out.append(n.toString());
        }

        void object(Map<?, ?> map, int depth) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("cannot write a map key of type "
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getName()) + " as JSON");
                }
                if (!first) out.append(',');
                first = false;
                newline(depth + 1);
                string(key);
                out.append(pretty ? ": " : ":");
                value(e.getValue(), depth + 1);
            }
            newline(depth);
            out.append('}');
        }

        void array(Collection<?> list, int depth) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) out.append(',');
                first = false;
                newline(depth + 1);
                value(item, depth + 1);
            }
            newline(depth);
            out.append(']');
        }

        private static final char[] HEX = "0123456789abcdef".toCharArray();

        /**
         * Whether str is printable ASCII without a quote or backslash, written as it is. Asked of
         * its UTF-8 bytes (a copy for such a string) rather than charAt by charAt: three calls a
         * character in the interpreter, where a short command writes its JSON.
         */
        private static boolean plainAscii(String str) {
            byte[] bytes = str.getBytes(StandardCharsets.UTF_8);
            if (bytes.length != str.length()) return false; // beyond ASCII
            for (byte b : bytes) {
                if (b < 0x20 || b == 0x7f || b == '"' || b == '\\') return false;
            }
            return true;
        }

        private void unicodeEscape(char c) {
            out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
        }

        void string(String str) {
            out.append('"');
            if (plainAscii(str)) {
                out.append(str).append('"');
                return;
            }
            int runStart = 0;
            for (int i = 0; i < str.length(); i++) {
                char c = str.charAt(i);
                String escape = switch (c) {
                    case '"' -> "\\\"";
                    case '\\' -> "\\\\";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    default -> null;
                };
                if (escape == null && c >= 0x20 && c < 0x7f) continue;
                // Beyond ASCII, what a terminal could act on (C1 controls, bidi overrides, lone
                // surrogates) is written as \\u escapes; a valid surrogate pair stays as it is.
                if (escape == null && c >= 0x7f) {
                    int cp = str.codePointAt(i);
                    if (!Quote.needsEscape(cp)) {
                        if (Character.isSupplementaryCodePoint(cp)) i++;
                        continue;
                    }
                    if (Character.isSupplementaryCodePoint(cp)) {
                        out.append(str, runStart, i);
                        unicodeEscape(str.charAt(i));
                        unicodeEscape(str.charAt(i + 1));
                        runStart = i + 2;
                        i++;
                        continue;
                    }
                }
                out.append(str, runStart, i);
                if (escape != null) out.append(escape);
                else unicodeEscape(c);
                runStart = i + 1;
            }
            out.append(str, runStart, str.length());
            out.append('"');
        }
    }

    /**
     * JSON text as stored, with every character a terminal could act on (C1 controls, DEL,
     * bidi overrides; JSON allows them raw inside strings) written as a \\u escape instead:
     * the same JSON value, safe to print. Blanks between tokens stay as they are.
     */
    public static String terminalSafe(String json) {
        StringBuilder sb = null;
        for (int i = 0; i < json.length(); ) {
            int cp = json.codePointAt(i);
            int n = Character.charCount(cp);
            boolean escape = cp != '\n' && cp != '\r' && cp != '\t' && Quote.needsEscape(cp);
            if (escape && sb == null) sb = new StringBuilder(json.length() + 16).append(json, 0, i);
            if (sb != null) {
                if (!escape) sb.appendCodePoint(cp);
                else for (int k = 0; k < n; k++) sb.append(String.format("\\u%04x", (int) json.charAt(i + k)));
            }
            i += n;
        }
        return sb == null ? json : sb.toString();
    }
}
