package jrkt.core.fs;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jrkt.sys.PathBytes;

/**
 * File names as Linux has them, bytes (anything but NUL), carried in Java as raw strings: one
 * char per byte (ISO-8859-1), so that they compare, hash, split at '/' and sort as the bytes do
 * and keep every byte exactly, whatever the locale. Names from tar archives and from directory
 * walks are raw; names a person typed or a manifest holds are Unicode and become raw through
 * {@link #fromUnicode} (their UTF-8 bytes, as Linux tools store them). Raw strings reach the file
 * system only through {@link #resolve} and are shown only through {@link #display}.
 */
public final class RawNames {
    private RawNames() {}

    public static String of(byte[] bytes) { return new String(bytes, StandardCharsets.ISO_8859_1); }

    public static byte[] bytes(String raw) { return raw.getBytes(StandardCharsets.ISO_8859_1); }

    /** The raw form of a Unicode name: its UTF-8 bytes. */
    public static String fromUnicode(String unicode) { return of(unicode.getBytes(StandardCharsets.UTF_8)); }

    /** base with the raw relative path appended, byte for byte. */
    public static Path resolve(Path base, String raw) {
        return raw.isEmpty() ? base : PathBytes.resolve(base, bytes(raw));
    }

    /** The raw name of a relative path (as a directory walk gives it). */
    public static String of(Path relative) { return of(PathBytes.of(relative)); }

    /**
     * The name for a message: UTF-8 decoded; a byte that is not UTF-8 and every control character
     * shown as \xNN, so that no name can break a line or drive the terminal.
     */
    public static String display(String raw) {
        byte[] bytes = bytes(raw);
        StringBuilder out = new StringBuilder(bytes.length);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer chars = CharBuffer.allocate(Math.max(16, bytes.length));
        while (in.hasRemaining()) {
            CoderResult result = decoder.decode(in, chars, true);
            chars.flip();
            appendEscaped(out, chars);
            chars.clear();
            if (result.isError()) {
                for (int i = 0; i < result.length(); i++) hex(out, in.get() & 0xff);
            } else if (result.isUnderflow()) {
                break;
            }
        }
        return out.toString();
    }

    private static void appendEscaped(StringBuilder out, CharBuffer chars) {
        while (chars.hasRemaining()) {
            char c = chars.get();
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\\') {
                if (c == '\\') out.append("\\\\");
                else hex(out, c);
            } else {
                out.append(c);
            }
        }
    }

    private static void hex(StringBuilder out, int b) {
        out.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
    }
}
