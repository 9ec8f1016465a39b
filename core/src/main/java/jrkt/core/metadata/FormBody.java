package jrkt.core.metadata;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The form a client POSTs to sign or verify: {@code application/x-www-form-urlencoded} (what
 * {@code curl -d} sends) or {@code multipart/form-data} ({@code curl -F}), as appc's "POST a
 * form" allows either. Values are bytes: content to sign may be anything. A field named twice,
 * a bad escape or a part without its boundary makes the form malformed (400), as in stage1's
 * server (stage1/common/mds.c), which parses the same way.
 */
public final class FormBody {
    /** A form that cannot be read; the message says why, for the 400 answer. */
    public static final class MalformedFormException extends Exception {
        public MalformedFormException(String message) { super(message); }
    }

    private FormBody() {}

    /** The fields of body; contentType null is taken as urlencoded. */
    public static Map<String, byte[]> parse(String contentType, byte[] body) throws MalformedFormException {
        String type = contentType == null ? "" : contentType.strip().toLowerCase(Locale.ROOT);
        if (type.isEmpty() || type.startsWith("application/x-www-form-urlencoded")) return urlencoded(body);
        if (type.startsWith("multipart/form-data")) return multipart(contentType, body);
        throw new MalformedFormException("the body must be a form: application/x-www-form-urlencoded or multipart/form-data");
    }

    private static Map<String, byte[]> urlencoded(byte[] body) throws MalformedFormException {
        Map<String, byte[]> fields = new HashMap<>();
        int start = 0;
        while (start <= body.length) {
            int end = indexOf(body, (byte) '&', start);
            if (end < 0) end = body.length;
            if (end > start) {
                int eq = indexOf(body, (byte) '=', start);
                if (eq < 0 || eq > end) throw new MalformedFormException("a form field without '='");
                put(fields, new String(decode(body, start, eq), StandardCharsets.UTF_8), decode(body, eq + 1, end));
            }
            start = end + 1;
        }
        return fields;
    }

    private static byte[] decode(byte[] in, int from, int to) throws MalformedFormException {
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte c = in[i];
            if (c == '%') {
                int hi = i + 2 < to ? Character.digit(in[i + 1], 16) : -1, lo = hi < 0 ? -1 : Character.digit(in[i + 2], 16);
                if (hi < 0 || lo < 0) throw new MalformedFormException("a bad %-escape in the form");
                out[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else {
                out[n++] = c == '+' ? (byte) ' ' : c;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static Map<String, byte[]> multipart(String contentType, byte[] body) throws MalformedFormException {
        String boundary = null;
        for (String param : contentType.split(";")) {
            String p = param.strip();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) boundary = unquote(p.substring("boundary=".length()));
        }
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) throw new MalformedFormException("multipart/form-data without a boundary");
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] partEnd = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, byte[]> fields = new HashMap<>();
        int p = indexOf(body, delimiter, 0);
        if (p < 0) throw new MalformedFormException("the form's boundary is not in its body");
        while (true) {
            p += delimiter.length;
            if (startsWith(body, p, "--")) return fields;
            if (!startsWith(body, p, "\r\n")) throw new MalformedFormException("a malformed multipart boundary line");
            p += 2;
            int headEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), p);
            if (headEnd < 0) throw new MalformedFormException("a form part without the end of its headers");
            String name = null;
            for (String header : new String(body, p, headEnd - p, StandardCharsets.UTF_8).split("\r\n")) {
                if (header.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) name = dispositionName(header);
            }
            int valueStart = headEnd + 4;
            int next = indexOf(body, partEnd, valueStart);
            if (next < 0) throw new MalformedFormException("a form part without its closing boundary");
            if (name != null) put(fields, name, Arrays.copyOfRange(body, valueStart, next));
            p = next + 2;
        }
    }

    /** The name="..." parameter of a Content-Disposition header (not the end of filename="..."). */
    private static String dispositionName(String header) {
        for (String param : header.substring(header.indexOf(':') + 1).split(";")) {
            String p = param.strip();
            if (p.startsWith("name=")) return unquote(p.substring("name=".length()));
        }
        return null;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static void put(Map<String, byte[]> fields, String name, byte[] value) throws MalformedFormException {
        if (fields.put(name, value) != null) throw new MalformedFormException("the form names '" + name + "' twice");
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) if (a[i] == b) return i;
        return -1;
    }

    private static int indexOf(byte[] a, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= a.length; i++) {
            for (int j = 0; j < needle.length; j++) if (a[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static boolean startsWith(byte[] a, int at, String prefix) {
        if (at + prefix.length() > a.length) return false;
        for (int i = 0; i < prefix.length(); i++) if (a[at + i] != prefix.charAt(i)) return false;
        return true;
    }
}
