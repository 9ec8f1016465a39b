package jrkt.cli.output;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.Quote;
import jrkt.core.json.Json;

/**
 * A listing: aligned columns for people, or JSON for programs. Columns are named by field;
 * rows hold raw values (Instant for times, Long for sizes) that are formatted per output.
 * Every table cell is one word (sizes are "1.5MiB", times RFC 3339), so rows split on blanks.
 */
public final class Table {
    public enum Kind { TEXT, ID, TIME, SIZE }

    /** A column: its field name (for --fields, --sort and JSON keys), its header, and its kind. */
    public record Column(String field, String header, Kind kind, boolean shownByDefault) {
        public Column hidden() { return new Column(field, header, kind, false); }
    }

    /** A value shown as its text in tables (and sorted by it) and as a JSON structure in JSON output. */
    public record Structured(String text, Object json) {
        @Override public String toString() { return text; }
    }

    public static Column text(String field, String header) { return new Column(field, header, Kind.TEXT, true); }
    public static Column id(String field, String header) { return new Column(field, header, Kind.ID, true); }
    public static Column time(String field, String header) { return new Column(field, header, Kind.TIME, true); }
    public static Column size(String field, String header) { return new Column(field, header, Kind.SIZE, true); }

    /** rkt's short image ID: the algorithm and the first 12 hex digits. */
    static final int SHORT_HASH_DIGITS = 12;
    private static final String GAP = "  ";

    private final List<Column> columns;
    private final String defaultSort;
    private final List<Object[]> rows = new ArrayList<>();
    /** Null: the host's ({@link LocalZone}). */
    private ZoneId zone;

    /** @param defaultSort the field rows are sorted by when --sort is absent; null keeps insertion order */
    public Table(List<Column> columns, String defaultSort) {
        this.columns = List.copyOf(columns);
        this.defaultSort = defaultSort;
        if (defaultSort != null) column(defaultSort, "default sort");
    }

    /** Times in tables are shown in this zone (the system's by default). */
    public Table zone(ZoneId zone) {
        this.zone = zone;
        return this;
    }

    /** Adds a row; values in column order. */
    public Table add(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("row has " + values.length + " values for " + columns.size() + " columns");
        }
        rows.add(values.clone());
        return this;
    }

    public void print(PrintWriter out, ListingOptions options) {
        out.print(render(options));
        out.flush();
    }

    /** The whole output for these options, ending with a newline unless it is empty. */
    public String render(ListingOptions options) {
        List<Integer> selected = selectColumns(options.fields());
        List<Object[]> sorted = sortedRows(options);
        return switch (options.format()) {
            case TABLE -> renderTable(selected, sorted, options);
            case JSON -> Json.write(jsonRows(selected, sorted)) + "\n";
            case JSON_PRETTY -> Json.writePretty(jsonRows(selected, sorted)) + "\n";
        };
    }

    private List<Integer> selectColumns(List<String> fields) {
        List<Integer> selected = new ArrayList<>();
        if (fields.isEmpty()) {
            for (int i = 0; i < columns.size(); i++) if (columns.get(i).shownByDefault()) selected.add(i);
        } else {
            for (String field : fields) selected.add(column(field.trim(), "--fields"));
        }
        return selected;
    }

    private int column(String field, String flag) {
        for (int i = 0; i < columns.size(); i++) if (columns.get(i).field().equals(field)) return i;
        throw new JrktException("unknown field '" + field + "' in " + flag + "; valid fields: "
                + String.join(", ", columns.stream().map(Column::field).toList()));
    }

    private List<Object[]> sortedRows(ListingOptions options) {
        String sortField = options.sort() != null ? options.sort() : defaultSort;
        List<Object[]> sorted = new ArrayList<>(rows);
        if (sortField == null) {
            if (options.order() == ListingOptions.Order.desc) java.util.Collections.reverse(sorted);
            return sorted;
        }
        int index = column(sortField, "--sort");
        // our own lambdas, which the AOT cache links ahead; Comparator.comparing's are the JDK's and are not
        boolean descending = options.order() == ListingOptions.Order.desc;
        sorted.sort((a, b) -> descending ? compareValues(b[index], a[index]) : compareValues(a[index], b[index]));
        return sorted;
    }

    /** Nulls first; same types by their natural order; mixed types by their text. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object a, Object b) {
        if (a == null || b == null) return a == null ? (b == null ? 0 : -1) : 1;
        if (a.getClass() == b.getClass() && a instanceof Comparable ca) return ca.compareTo(b);
        return String.valueOf(a).compareTo(String.valueOf(b));
    }

    private String renderTable(List<Integer> selected, List<Object[]> sorted, ListingOptions options) {
        List<String[]> lines = new ArrayList<>();
        int n = selected.size();
        if (!options.noLegend()) {
            String[] header = new String[n];
            for (int c = 0; c < n; c++) header[c] = columns.get(selected.get(c)).header();
            lines.add(header);
        }
        for (Object[] row : sorted) {
            String[] line = new String[n];
            for (int c = 0; c < n; c++) line[c] = cell(columns.get(selected.get(c)), row[selected.get(c)], options.full());
            lines.add(line);
        }
        int[] widths = new int[selected.size()];
        for (String[] line : lines) {
            for (int c = 0; c < line.length; c++) widths[c] = Math.max(widths[c], line[c].length());
        }
        StringBuilder sb = new StringBuilder();
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int c = 0; c < line.length; c++) {
                if (c > 0) text.append(GAP);
                text.append(line[c]);
                if (c < line.length - 1) text.append(" ".repeat(widths[c] - line[c].length()));
            }
            sb.append(text.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    private String cell(Column column, Object value, boolean full) {
        if (value == null) return "-";
        return switch (column.kind()) {
            case ID -> full ? value.toString() : shortId(value.toString());
            case TIME -> zone == null ? LocalZone.rfc3339(toInstant(value)) : rfc3339(toInstant(value), zone);
            case SIZE -> humanSize(((Number) value).longValue());
            case TEXT -> word(value.toString());
        };
    }

    /**
     * A value from an image or a pod as one table word: escaped for the terminal (a label
     * holding ESC or a newline cannot forge output) and with blanks written as \x20, so that
     * every row still splits on blanks.
     */
    static String word(String text) {
        if (text.isEmpty()) return "-";
        return Quote.escape(text).replace(" ", "\\x20");
    }

    private List<Object> jsonRows(List<Integer> selected, List<Object[]> sorted) {
        List<Object> out = new ArrayList<>();
        for (Object[] row : sorted) {
            Map<String, Object> object = new LinkedHashMap<>();
            for (int i : selected) object.put(columns.get(i).field(), jsonValue(columns.get(i), row[i]));
            out.add(object);
        }
        return out;
    }

    private static Object jsonValue(Column column, Object value) {
        if (value == null) return null;
        return switch (column.kind()) {
            case ID -> value.toString();
            case TIME -> LocalZone.isoInstant(toInstant(value));
            case SIZE -> ((Number) value).longValue();
            case TEXT -> value instanceof Structured s ? s.json()
                    : value instanceof Map || value instanceof List || value instanceof Number || value instanceof Boolean ? value
                    : value.toString();
        };
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Instant i) return i;
        throw new IllegalArgumentException("time column holds " + value.getClass().getName());
    }

    /**
     * "sha512-" and 12 hex digits for hash IDs, the first group of a UUID, other IDs as they are.
     * Checked by hand, as every cell of a listing is: no regular expression per row.
     */
    public static String shortId(String id) {
        if (isUuid(id)) return id.substring(0, 8);
        int dash = id.indexOf('-');
        if (dash > 0 && id.length() - dash - 1 > SHORT_HASH_DIGITS && all(id, 0, dash, true) && all(id, dash + 1, id.length(), false)) {
            return id.substring(0, dash + 1 + SHORT_HASH_DIGITS);
        }
        return id;
    }

    private static boolean isUuid(String s) {
        if (s.length() != 36) return false;
        for (int i = 0; i < 36; i++) {
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? s.charAt(i) != '-' : !hex(s.charAt(i))) return false;
        }
        return true;
    }

    /** Whether s[from, to) is all [a-z0-9] (an algorithm name) or all [0-9a-f] (hex digits). */
    private static boolean all(String s, int from, int to, boolean algorithm) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (algorithm ? !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') : !hex(c)) return false;
        }
        return true;
    }

    private static boolean hex(char c) { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f'; }

    /**
     * RFC 3339 in the given zone, to the second: 2025-11-29T10:01:02+01:00 (Z for UTC), as
     * DateTimeFormatter.ISO_OFFSET_DATE_TIME prints it; written out for the years 0-9999 because
     * listings print two a row and the formatter is slow to start.
     */
    public static String rfc3339(Instant time, ZoneId zone) {
        ZoneOffset offset = zone.getRules().getOffset(time);
        LocalDateTime t = LocalDateTime.ofEpochSecond(time.getEpochSecond(), 0, offset);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return time.atZone(zone).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        }
        StringBuilder sb = new StringBuilder(25);
        pad(sb, t.getYear(), 4).append('-');
        pad(sb, t.getMonthValue(), 2).append('-');
        pad(sb, t.getDayOfMonth(), 2).append('T');
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2);
        return sb.append(offset.getId()).toString(); // "Z", "+01:00", or "+05:30:15" with seconds, as the formatter
    }

    private static StringBuilder pad(StringBuilder sb, int value, int digits) {
        String v = Integer.toString(value);
        for (int i = v.length(); i < digits; i++) sb.append('0');
        return sb.append(v);
    }

    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    /**
     * 512B, 1.5KiB, 12.0MiB: binary units, one decimal, as {@code String.format("%.1f%s")} of the
     * size divided down prints it. Up to 2^53 bytes the quotient is exact, and its tenths are rounded
     * half up in integers here (no Formatter or floating-point-to-decimal tables to set up first).
     */
    public static String humanSize(long bytes) {
        if (bytes < 1024) return bytes + "B";
        int unit = 0;
        while (unit < UNITS.length - 1 && bytes >= 1L << (10 * (unit + 2))) unit++;
        if (bytes < 1L << 53) {
            int shift = 10 * (unit + 1);
            long times10 = bytes * 10;                       // < 2^57: no overflow
            long tenths = (times10 >> shift) + ((times10 >> (shift - 1)) & 1); // half up
            return (tenths / 10) + "." + (tenths % 10) + UNITS[unit];
        }
        double value = bytes;
        for (int i = 0; i <= unit; i++) value /= 1024;
        return BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_UP).toPlainString() + UNITS[unit];
    }

    @Override public String toString() { return "Table" + Arrays.toString(columns.toArray()); }
}
