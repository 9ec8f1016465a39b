package jrkt.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Durations written as rkt (Go) took them: 24h, 90m, 1h30m, 10s, 500ms, 0. */
public final class GoDuration implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    @Override public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String text) {
        String s = text.strip();
        if (s.equals("0")) return Duration.ZERO;
        Matcher m = PART.matcher(s);
        long nanos = 0;
        int at = 0;
        while (at < s.length() && m.find(at) && m.start() == at) {
            double amount = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos = Math.addExact(nanos, Math.round(amount * unit));
            at = m.end();
        }
        if (s.isEmpty() || at != s.length()) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a duration (examples: 24h, 90m, 1h30m, 10s, 0s)");
        }
        return Duration.ofNanos(nanos);
    }

    /** The shortest Go-style text for a duration: 24h0m0s becomes 24h. */
    public static String format(Duration d) {
        if (d.isZero()) return "0s";
        StringBuilder sb = new StringBuilder();
        if (d.toHours() > 0) sb.append(d.toHours()).append('h');
        if (d.toMinutesPart() > 0) sb.append(d.toMinutesPart()).append('m');
        if (d.toSecondsPart() > 0 || d.toMillisPart() > 0) {
            sb.append(d.toSecondsPart());
            if (d.toMillisPart() > 0) sb.append(String.format(".%03d", d.toMillisPart()).replaceAll("0+$", ""));
            sb.append('s');
        }
        return sb.isEmpty() ? d.toNanos() + "ns" : sb.toString();
    }
}
