package jrkt.core.pod.prepare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the stage1 plan (docs/stage1-abi.md): one operation per line, fields separated by
 * one space, every field percent-encoded so that it never holds a space or a newline.
 */
public final class PlanWriter {
    private final StringBuilder text = new StringBuilder();

    /** Appends one line: the keyword and its fields, each encoded. */
    public PlanWriter line(String keyword, String... fields) {
        text.append(encode(keyword));
        for (String f : fields) text.append(' ').append(encode(f));
        text.append('\n');
        return this;
    }

    /** Appends one line whose last fields come from a list (argv, gids). */
    public PlanWriter line(String keyword, List<String> head, List<String> tail) {
        String[] all = new String[head.size() + tail.size()];
        for (int i = 0; i < head.size(); i++) all[i] = head.get(i);
        for (int i = 0; i < tail.size(); i++) all[head.size() + i] = tail.get(i);
        return line(keyword, all);
    }

    public PlanWriter comment(String comment) {
        if (comment.indexOf('\n') >= 0) throw new IllegalArgumentException("plan comment holds a newline");
        text.append("# ").append(comment).append('\n');
        return this;
    }

    public String text() { return text.toString(); }

    /**
     * Writes the plan as a new file (see NewFiles): into the directory of a pod being prepared,
     * which nobody reads before it is complete and renamed to prepared/, so it needs no temporary
     * file and rename of its own.
     */
    public void writeTo(Path file) throws IOException {
        jrkt.core.fs.NewFiles.write(file, text.toString());
    }

    /** The ABI's field encoding: bytes outside {@code A-Z a-z 0-9 . _ / , = : + @ -} become %XX; empty (or null) is "%". */
    public static String encode(String field) {
        if (field == null || field.isEmpty()) return "%";
        // Arrays and a table, no StringBuilder call per byte: the metadata table encodes the pod's
        // and each image's manifest at every prepare, in the interpreter (0.2-0.3 ms that way).
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        int escaped = 0;
        for (byte b : bytes) if (!PLAIN[b & 0xff]) escaped++;
        if (escaped == 0) return field; // plain bytes are ASCII: the field is its own encoding
        byte[] out = new byte[bytes.length + 2 * escaped];
        int n = 0;
        for (byte b : bytes) {
            int c = b & 0xff;
            if (PLAIN[c]) {
                out[n++] = b;
            } else {
                out[n++] = '%';
                out[n++] = HEX[c >> 4];
                out[n++] = HEX[c & 15];
            }
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** Inverse of {@link #encode}, for tests and tools that read plans. */
    public static String decode(String field) {
        if (field.equals("%")) return "";
        byte[] out = new byte[field.length()];
        int n = 0;
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '%') {
                if (i + 2 >= field.length()) throw new IllegalArgumentException("truncated escape in plan field: " + field);
                out[n++] = (byte) Integer.parseInt(field.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** The bytes a field keeps as they are: A-Z a-z 0-9 . _ / , = : + @ - */
    private static final boolean[] PLAIN = new boolean[256];
    static {
        for (int c = 0; c < 256; c++) {
            PLAIN[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '/' || c == ',' || c == '=' || c == ':' || c == '+' || c == '@' || c == '-';
        }
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
}
