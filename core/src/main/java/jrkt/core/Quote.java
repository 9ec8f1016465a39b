package jrkt.core;

/**
 * Text from users, images and pods, made fit to show: shortened when it is long (a 1 MB
 * argument is quoted by its ends), and escaped for a terminal (a label holding ESC or a
 * newline cannot move the cursor, recolour the screen or forge a line of output).
 *
 * <p>Messages keep values raw and only shortened ({@link #shorten}, {@link #arg}); escaping
 * happens once, where text is printed ({@link #escape}), so nothing is escaped twice.
 */
public final class Quote {
    private Quote() {}

    /** How much of a value a message quotes: enough to recognise it. */
    public static final int ARG_CHARS = 100;

    /** "value" with quotes, shortened to about {@link #ARG_CHARS} characters. */
    public static String arg(String value) {
        return "\"" + shorten(value, ARG_CHARS) + "\"";
    }

    /**
     * value itself when it has at most max characters; else its start and end with the number
     * of characters left out between them, e.g. {@code aaaa...[119900 characters left out]...aaaa}.
     */
    public static String shorten(String value, int max) {
        if (value == null || value.length() <= max) return value;
        int head = Math.max(1, max * 2 / 3), tail = Math.max(1, max - head);
        // never cut a surrogate pair in two
        if (Character.isHighSurrogate(value.charAt(head - 1))) head--;
        int tailStart = value.length() - tail;
        if (Character.isLowSurrogate(value.charAt(tailStart))) tailStart++;
        return value.substring(0, head) + "...[" + (tailStart - head) + " characters left out]..." + value.substring(tailStart);
    }

    /** Whether a terminal could act on this character: C0 and C1 controls, DEL, format characters (bidi overrides), separators. */
    public static boolean needsEscape(int codePoint) {
        if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) return true;
        if (codePoint < 0xa0) return false;
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE, Character.UNASSIGNED, Character.PRIVATE_USE -> true;
            default -> false;
        };
    }

    /**
     * The text with every character a terminal could act on written as an escape: {@code \n},
     * {@code \r}, {@code \t}, {@code \xNN} for other ASCII controls, {@code \\uNNNN} (or
     * {@code \\UNNNNNNNN}) for the rest; a backslash is doubled, so the escaping is unambiguous.
     */
    public static String escape(String text) {
        if (text == null) return null;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (cp == '\\' || needsEscape(cp)) break;
            i += Character.charCount(cp);
        }
        if (i == text.length()) return text;
        StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\\') sb.append("\\\\");
            else if (!needsEscape(cp)) sb.appendCodePoint(cp);
            else if (cp == '\n') sb.append("\\n");
            else if (cp == '\r') sb.append("\\r");
            else if (cp == '\t') sb.append("\\t");
            else if (cp < 0x80) sb.append(String.format("\\x%02x", cp));
            else if (cp <= 0xffff) sb.append(String.format("\\u%04x", cp));
            else sb.append(String.format("\\U%08x", cp));
        }
        return sb.toString();
    }
}
