package jrkt.core.image.aci;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import jrkt.core.JrktException;

/**
 * An image as a user names it: {@code name}, {@code name:version}, {@code name,label=value,...} or
 * {@code name:version,os=linux}. The version after ':' is the "version" label. Labels keep the
 * order typed.
 */
public record ImageReference(String name, Map<String, String> labels) {

    public ImageReference {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** Parses and validates; the JrktException names the bad part of the reference. */
    public static ImageReference parse(String text) {
        if (text == null || text.isEmpty()) throw new JrktException("image reference is empty");
        // URLs (docker://, https://, file://) are fetched by the caller; as a name:version they would
        // parse as the name "docker" with the version "//busybox".
        String[] parts = text.split(",", -1);
        String head = parts[0];
        if (head.contains("://")) throw bad(text, "a URL is not an image name (fetch it first)");
        String name = head;
        Map<String, String> labels = new LinkedHashMap<>();
        int colon = head.indexOf(':');
        if (colon >= 0) {
            name = head.substring(0, colon);
            String version = head.substring(colon + 1);
            if (version.isEmpty()) throw bad(text, "the version after ':' is empty");
            labels.put("version", version);
        }
        if (name.isEmpty()) throw bad(text, "the image name is empty");
        if (!AcName.isIdentifier(name)) {
            throw bad(text, "name " + q(name) + " is not an AC Identifier (" + AcName.IDENTIFIER_RULE + ")");
        }
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) throw bad(text, "empty label after ','");
            int eq = part.indexOf('=');
            if (eq < 0) throw bad(text, "label " + q(part) + " must be written label=value");
            String label = part.substring(0, eq);
            String value = part.substring(eq + 1);
            if (!AcName.isIdentifier(label)) {
                throw bad(text, "label name " + q(label) + " is not an AC Identifier (" + AcName.IDENTIFIER_RULE + ")");
            }
            if (label.equals("name")) throw bad(text, "\"name\" is not a label; the image name comes first");
            if (value.isEmpty()) throw bad(text, "label " + q(label) + " has an empty value");
            if (labels.containsKey(label)) {
                throw bad(text, label.equals("version") && colon >= 0
                        ? "the version is given both after ':' and as version=" + q(value)
                        : "label " + q(label) + " is given twice");
            }
            labels.put(label, value);
        }
        return new ImageReference(name, labels);
    }

    /** The "version" label, or null. */
    public String version() { return labels.get("version"); }

    /** appc matching: the same name, and every label asked for present with the same value. */
    public boolean matches(String imageName, Map<String, String> imageLabels) {
        if (!name.equals(imageName)) return false;
        for (Map.Entry<String, String> want : labels.entrySet()) {
            if (!want.getValue().equals(imageLabels.get(want.getKey()))) return false;
        }
        return true;
    }

    /** The reference in the form {@link #parse} reads: name[:version][,label=value...]. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name);
        String version = version();
        if (version != null) sb.append(':').append(version);
        labels.forEach((k, v) -> {
            if (!k.equals("version")) sb.append(',').append(k).append('=').append(v);
        });
        return sb.toString();
    }

    /** The minimum number of hex digits of an image ID prefix, so that a prefix is worth looking up. */
    public static final int MIN_ID_PREFIX = 4;

    private static final int SHA512_HEX = 128;

    /**
     * Whether what the user typed should be looked up as an image ID (full or prefix):
     * "sha512-" followed by 4 to 128 lowercase hex digits, or those hex digits alone.
     *
     * <p>This is a syntactic guess, not a resolution: a bare hex string such as "cafe1234" (or even
     * "sha512-abcd") is also a valid image name. Bare hex counts as an ID only when it contains a digit,
     * so that words like "beef" or "face" stay names; the store makes the final call (an ID prefix that
     * matches nothing may still be tried as a name).
     */
    public static boolean looksLikeImageId(String text) {
        if (text == null) return false;
        if (text.startsWith("sha512-")) return isHexOfPrefixLength(text.substring("sha512-".length()));
        if (!isHexOfPrefixLength(text)) return false;
        for (int i = 0; i < text.length(); i++) {
            if (Character.isDigit(text.charAt(i))) return true;
        }
        return false;
    }

    /** The "sha512-<hex>" form of something {@link #looksLikeImageId} accepts (adds the prefix to bare hex). */
    public static String imageIdPrefix(String text) {
        if (!looksLikeImageId(text)) throw new JrktException(q(text) + " is not an image ID or ID prefix (sha512-<hex>)");
        return text.startsWith("sha512-") ? text : "sha512-" + text;
    }

    private static boolean isHexOfPrefixLength(String hex) {
        if (hex.length() < MIN_ID_PREFIX || hex.length() > SHA512_HEX) return false;
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    /** Quoted and escaped, so that a message stays on one line whatever was typed. */
    private static String q(String s) { return jrkt.core.json.Json.write(s); }

    private static JrktException bad(String text, String what) {
        return new JrktException("image reference " + q(text) + ": " + what);
    }
}
