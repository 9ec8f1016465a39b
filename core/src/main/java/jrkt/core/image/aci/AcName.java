package jrkt.core.image.aci;

/** appc's two name types: AC Identifier (image names, label and annotation names) and AC Name (app, volume, port names). */
public final class AcName {
    private AcName() {}

    /** What an AC Identifier may contain, for error messages. */
    public static final String IDENTIFIER_RULE = "lowercase letters, digits and '-', '.', '_', '~', '/', starting and ending with a letter or digit";

    /** What an AC Name may contain, for error messages. */
    public static final String NAME_RULE = "lowercase letters, digits and '-', starting and ending with a letter or digit";

    /** AC Identifier: lowercase a-z, 0-9, and - . _ ~ / ; starts and ends with alphanumeric. */
    public static boolean isIdentifier(String s) { return matches(s, "-._~/"); }

    /** AC Name: lowercase a-z, 0-9, and - ; starts and ends with alphanumeric. */
    public static boolean isName(String s) { return matches(s, "-"); }

    /**
     * Checks the allowed characters and the two ends, as appc's Go validator does. types.md also
     * quotes a stricter regex ({@code ^[a-z0-9]+([-._~/][a-z0-9]+)*$}, single separators only), but
     * its own example "example.com/~user/app_v1" breaks that regex, and the reference code
     * (schema/types/acidentifier.go, acname.go) accepts runs of separators; jrkt follows the code.
     */
    private static boolean matches(String s, String separators) {
        if (s == null || s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (alnum) continue;
            if (separators.indexOf(c) < 0) return false;
            if (i == 0 || i == s.length() - 1) return false;
        }
        return true;
    }
}
