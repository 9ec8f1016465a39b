package jrkt.core.image.aci;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import jrkt.core.json.Json;

/**
 * Typed, path-aware access to parsed JSON for the manifest validator: every failure becomes an
 * InvalidManifestException of the form {@code manifest: <field path> <what is wrong>}.
 */
final class SchemaReader {
    private SchemaReader() {}

    static InvalidManifestException invalid(String path, String detail) {
        return new InvalidManifestException("manifest: " + path + " " + detail);
    }

    static String child(String path, String key) { return path.isEmpty() ? key : path + "." + key; }

    static String index(String path, int i) { return path + "[" + i + "]"; }

    /** A value as JSON, cut short, so that messages stay one readable line. */
    static String show(Object value) {
        String text = Json.write(value);
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    static String typeOf(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> "a string";
            case Boolean b -> "a boolean";
            case Number n -> "a number";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            default -> v.getClass().getSimpleName();
        };
    }

    static InvalidManifestException wrongType(String path, String expected, Object actual) {
        return invalid(path, "must be " + expected + " but is " + typeOf(actual));
    }

    static Map<String, Object> object(Object v, String path) {
        if (!(v instanceof Map)) throw wrongType(path, "an object", v);
        return Json.asObject(v);
    }

    static List<Object> array(Object v, String path) {
        if (!(v instanceof List)) throw wrongType(path, "an array", v);
        return Json.asArray(v);
    }

    /** A member that may be absent or null (then null is returned). */
    static Map<String, Object> optionalObject(Map<String, Object> parent, String key, String path) {
        Object v = parent.get(key);
        return v == null ? null : object(v, child(path, key));
    }

    static List<Object> optionalArray(Map<String, Object> parent, String key, String path) {
        Object v = parent.get(key);
        return v == null ? List.of() : array(v, child(path, key));
    }

    static String optionalString(Map<String, Object> parent, String key, String path) {
        Object v = parent.get(key);
        if (v == null) return null;
        if (!(v instanceof String s)) throw wrongType(child(path, key), "a string", v);
        return s;
    }

    static String requiredString(Map<String, Object> parent, String key, String path) {
        String s = optionalString(parent, key, path);
        if (s == null) throw invalid(child(path, key), "is required");
        return s;
    }

    static String requiredNonEmptyString(Map<String, Object> parent, String key, String path) {
        String s = requiredString(parent, key, path);
        if (s.isEmpty()) throw invalid(child(path, key), "must not be empty");
        return s;
    }

    static boolean optionalBoolean(Map<String, Object> parent, String key, String path, boolean absent) {
        Object v = parent.get(key);
        if (v == null) return absent;
        if (!(v instanceof Boolean b)) throw wrongType(child(path, key), "a boolean", v);
        return b;
    }

    /** An integer JSON number within [min, max]; "1.0" or "1e2" count as not integers, as in Go's decoder. */
    static long integer(Object v, String path, long min, long max) {
        if (!(v instanceof Long n)) {
            if (v instanceof BigDecimal) throw invalid(path, show(v) + " must be an integer");
            throw wrongType(path, "an integer", v);
        }
        if (n < min || n > max) throw invalid(path, n + " must be between " + min + " and " + max);
        return n;
    }

    static String string(Object v, String path) {
        if (!(v instanceof String s)) throw wrongType(path, "a string", v);
        return s;
    }

    static List<String> strings(List<Object> list, String path) {
        String[] out = new String[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = string(list.get(i), index(path, i));
        return List.of(out);
    }

    static String identifier(Map<String, Object> parent, String key, String path) {
        String s = requiredString(parent, key, path);
        if (!AcName.isIdentifier(s)) {
            throw invalid(child(path, key), show(s) + " is not an AC Identifier (" + AcName.IDENTIFIER_RULE + ")");
        }
        return s;
    }

    static String acName(Map<String, Object> parent, String key, String path) {
        String s = requiredString(parent, key, path);
        if (!AcName.isName(s)) throw invalid(child(path, key), show(s) + " is not an AC Name (" + AcName.NAME_RULE + ")");
        return s;
    }

    static String absolutePath(Object v, String path) {
        String s = string(v, path);
        if (!s.startsWith("/")) throw invalid(path, show(s) + " must be an absolute path");
        if (s.indexOf('\0') >= 0) throw invalid(path, show(s) + " must not contain a NUL character");
        return s;
    }
}
