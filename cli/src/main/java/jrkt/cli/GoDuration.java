package jrkt.cli;

import java.time.Duration;
import picocli.CommandLine;

/**
 * Durations written as rkt (Go) took them: 24h, 90m, 1h30m, 10s, 500ms, 0. Read and written by
 * hand: a regex here set up java.util.regex (some 30 classes) for every {@code gc} and
 * {@code status --wait}, and each class an AOT cache holds is loaded at every start of its group.
 */
public final class GoDuration implements CommandLine.ITypeConverter<Duration> {
    @Override public Duration convert(String value) {
        return parse(value);
    }

    /** Parts of a number (digits, maybe a fraction) and a unit (ns, us, µs, ms, s, m, h), one after another. */
    public static Duration parse(String text) {
        String s = text.strip();
        if (s.equals("0")) return Duration.ZERO;
        long nanos = 0;
        int at = 0;
        while (at < s.length()) {
            int start = at;
            while (at < s.length() && digit(s.charAt(at))) at++;
            if (at == start) break;
            boolean fraction = at + 1 < s.length() && s.charAt(at) == '.' && digit(s.charAt(at + 1));
            if (fraction) {
                at++;
                while (at < s.length() && digit(s.charAt(at))) at++;
            }
            String amount = s.substring(start, at);
            int unit = unitAt(s, at);
            if (unit < 0) {
                at = start;
                break;
            }
            at += UNITS[unit].length();
            long perUnit = NANOS[unit];
            nanos = Math.addExact(nanos, fraction ? Math.round(Double.parseDouble(amount) * perUnit) : times(amount, perUnit));
        }
        if (s.isEmpty() || at != s.length()) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a duration (examples: 24h, 90m, 1h30m, 10s, 0s)");
        }
        return Duration.ofNanos(nanos);
    }

    private static boolean digit(char c) { return c >= '0' && c <= '9'; }

    /** The units and their nanoseconds; two letters before one, so that ms is not m then s. */
    private static final String[] UNITS = {"ns", "us", "µs", "ms", "s", "m", "h"};
    private static final long[] NANOS = {1L, 1_000L, 1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L};

    /** The index in UNITS of the unit at s[at], -1 for none. */
    private static int unitAt(String s, int at) {
        for (int i = 0; i < UNITS.length; i++) if (s.startsWith(UNITS[i], at)) return i;
        return -1;
    }

    /** digits times unit, saturated at Long.MAX_VALUE as the rounding of a double product was. */
    private static long times(String digits, long unit) {
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            if (value > (Long.MAX_VALUE - 9) / 10) return Long.MAX_VALUE;
            value = value * 10 + (digits.charAt(i) - '0');
        }
        return value > Long.MAX_VALUE / unit ? Long.MAX_VALUE : value * unit;
    }

    /** The shortest Go-style text for a duration: 24h0m0s becomes 24h. */
    public static String format(Duration d) {
        if (d.isZero()) return "0s";
        StringBuilder sb = new StringBuilder();
        if (d.toHours() > 0) sb.append(d.toHours()).append('h');
        if (d.toMinutesPart() > 0) sb.append(d.toMinutesPart()).append('m');
        if (d.toSecondsPart() > 0 || d.toMillisPart() > 0) {
            sb.append(d.toSecondsPart());
            int millis = d.toMillisPart();
            if (millis > 0) { // .5, .25, .125: three digits without their trailing zeros
                sb.append('.').append((char) ('0' + millis / 100));
                if (millis % 100 != 0) sb.append((char) ('0' + millis / 10 % 10));
                if (millis % 10 != 0) sb.append((char) ('0' + millis % 10));
            }
            sb.append('s');
        }
        return sb.isEmpty() ? d.toNanos() + "ns" : sb.toString();
    }
}
