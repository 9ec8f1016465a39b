package jrkt.sys;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A Path's exact bytes, and a Path of exact bytes, whatever the locale.
 *
 * <p>Linux file names are bytes (anything but NUL and '/'); the JDK turns them into Strings and
 * back with {@code sun.jnu.encoding}, which it takes from the locale and which cannot be set on
 * the command line. With no locale that is ASCII, and {@code Path.of("café")} fails; with UTF-8,
 * a name that is not UTF-8 comes back as U+FFFD and is written as EF BF BD. Internally a Unix
 * Path holds the bytes, though, and its URI form escapes every byte as %XX: {@link Path#toUri}
 * and {@link Path#of(URI)} carry any byte string exactly. This class uses that route whenever
 * the String route would lose something, and the String route (faster) otherwise.
 */
public final class PathBytes {
    private PathBytes() {}

    private static final Charset JNU = jnuCharset();

    /** The exact bytes of path (absolute or relative, as it stands). */
    public static byte[] of(Path path) {
        String text = path.toString();
        // Nearly every path is ASCII, the same bytes in every charset Linux has: UTF-8 then gives
        // one byte a char (anything else gives more), found by the JDK's vectorised scan rather
        // than by a new encoder walking the name, interpreted, at every call through the gate.
        byte[] ascii = text.getBytes(StandardCharsets.UTF_8);
        if (ascii.length == text.length()) return ascii;
        if (text.indexOf('\uFFFD') < 0 && JNU.newEncoder().canEncode(text)) return text.getBytes(JNU);
        boolean relative = !path.isAbsolute();
        // toUri makes a relative path absolute against the working directory: against "/" instead
        String uri = (relative ? Path.of("/").resolve(path) : path).toUri().getRawPath();
        byte[] bytes = percentDecode(uri);
        int end = bytes.length;
        if (end > 1 && bytes[end - 1] == '/' && !text.endsWith("/")) end--; // toUri marks a directory so
        int start = relative ? 1 : 0;
        return Arrays.copyOfRange(bytes, start, end);
    }

    /** A Path of exactly these bytes (absolute when they start with '/'); no NUL allowed. */
    public static Path path(byte[] bytes) {
        // ASCII (as above): one char a byte, and no U+FFFD, which a byte that is not UTF-8 becomes
        String ascii = new String(bytes, StandardCharsets.UTF_8);
        if (ascii.length() == bytes.length && ascii.indexOf('\uFFFD') < 0) return Path.of(ascii);
        String text = new String(bytes, JNU);
        if (Arrays.equals(text.getBytes(JNU), bytes) && text.indexOf('\uFFFD') < 0) return Path.of(text);
        boolean relative = bytes.length == 0 || bytes[0] != '/';
        Path absolute = Path.of(URI.create("file:///" + percentEncode(bytes, relative ? 0 : 1)));
        return relative ? Path.of("/").relativize(absolute) : absolute;
    }

    /** base with the relative path of these bytes appended. */
    public static Path resolve(Path base, byte[] relative) { return base.resolve(path(relative)); }

    private static String percentEncode(byte[] bytes, int from) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (int i = from; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (b == 0) throw new IllegalArgumentException("a path holds a NUL byte");
            boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '/'
                || b == '-' || b == '.' || b == '_' || b == '~';
            if (plain) sb.append((char) b);
            else sb.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
        }
        return sb.toString();
    }

    private static byte[] percentDecode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out.write(Integer.parseInt(raw, i + 1, i + 3, 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    private static Charset jnuCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
