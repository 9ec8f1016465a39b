package jrkt.core;

/**
 * Case mapping of ASCII letters only, for enum names, keywords and other machine words.
 * String.toLowerCase() follows the host's locale (under a Turkish one "I" becomes a dotless "ı",
 * so "PRIVATE" would not read back), and even toLowerCase(Locale.ROOT) sets up Locale's two dozen
 * constants on first use, which a run otherwise never needs.
 */
public final class Ascii {
    private Ascii() {}

    /** s with A-Z made a-z; every other character as it is. */
    public static String lower(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] out = s.toCharArray();
                for (int j = i; j < out.length; j++) if (out[j] >= 'A' && out[j] <= 'Z') out[j] += 'a' - 'A';
                return new String(out);
            }
        }
        return s;
    }

    /** s with a-z made A-Z; every other character as it is. */
    public static String upper(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                char[] out = s.toCharArray();
                for (int j = i; j < out.length; j++) if (out[j] >= 'a' && out[j] <= 'z') out[j] -= 'a' - 'A';
                return new String(out);
            }
        }
        return s;
    }
}
