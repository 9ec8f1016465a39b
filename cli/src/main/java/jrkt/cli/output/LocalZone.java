package jrkt.cli.output;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * The time zone listings print times in: the system's. {@link ZoneId#systemDefault()} loads the
 * JDK's time-zone database the first time, about 15 ms of every status or list; on a host whose
 * zone is UTC, as servers' usually is, the answer is known without it. The JDK (on Linux) takes
 * the zone from TZ, else /etc/timezone, else the link /etc/localtime; only when each of these is
 * absent or names UTC is {@link ZoneOffset#UTC} returned, which prints as the JDK would ("Z").
 * Anything else goes to the JDK.
 */
public final class LocalZone {
    private static final Set<String> UTC_NAMES = Set.of("UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal",
        "Zulu", "Etc/Zulu", "GMT", "Etc/GMT", "GMT0", "Etc/GMT0", "GMT+0", "Etc/GMT+0", "GMT-0", "Etc/GMT-0", "Greenwich",
        "Etc/Greenwich");

    private static ZoneId zone;
    private static Boolean utc;

    private LocalZone() {}

    public static synchronized ZoneId get() {
        if (zone == null) zone = isUtc() ? ZoneOffset.UTC : ZoneId.systemDefault();
        return zone;
    }

    /** Whether the host's zone is UTC, found once. */
    public static synchronized boolean isUtc() {
        if (utc == null) utc = utcHere();
        return utc;
    }

    /**
     * A time as {@link Table#rfc3339} prints it in the host's zone. On a UTC host, without
     * java.time's zone and date classes: their first use costs a listing about 1 ms (ZoneOffset's
     * caches set up the JDK's VarHandles), in every list, status and image list.
     */
    public static String rfc3339(Instant time) {
        if (isUtc()) {
            String utcTime = utc(time.getEpochSecond());
            if (utcTime != null) return utcTime;
        }
        return Table.rfc3339(time, get());
    }

    /**
     * The time as {@link Instant#toString} writes it (ISO-8601 in UTC, the fraction in groups of
     * three digits, none when whole: 2025-11-29T09:01:02.120Z), in JSON listings. Without
     * java.time's formatter for the years 0-9999: Instant.toString sets up DateTimeFormatter, and
     * with it java.util.regex, some 80 classes, which an AOT cache holding them would load at every
     * start of list, status and image list.
     */
    public static String isoInstant(Instant time) {
        String seconds = utc(time.getEpochSecond());
        if (seconds == null) return time.toString();
        int nanos = time.getNano();
        if (nanos == 0) return seconds;
        int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        String nine = Integer.toString(1_000_000_000 + nanos); // "1" and nine digits
        return new StringBuilder(30).append(seconds, 0, 19).append('.').append(nine, 1, 1 + digits).append('Z').toString();
    }

    /**
     * "yyyy-mm-ddThh:mm:ssZ" for a second since the epoch in years 0 to 9999 (the proleptic
     * Gregorian calendar, as java.time's), else null. The date from the day count by the
     * usual civil-from-days arithmetic: 400-year eras of 146,097 days, years counted from March
     * so that the leap day ends a year.
     */
    static String utc(long epochSecond) {
        long days = Math.floorDiv(epochSecond, 86_400), second = Math.floorMod(epochSecond, 86_400);
        long fromMarch0000 = days + 719_468; // 1970-01-01 is day 719,468 after 0000-03-01
        long era = Math.floorDiv(fromMarch0000, 146_097), dayOfEra = fromMarch0000 - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthFromMarch = (5 * dayOfYear + 2) / 153;
        long day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        long month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) return null;
        char[] out = "0000-00-00T00:00:00Z".toCharArray();
        digits(out, 0, year, 4);
        digits(out, 5, month, 2);
        digits(out, 8, day, 2);
        digits(out, 11, second / 3600, 2);
        digits(out, 14, second / 60 % 60, 2);
        digits(out, 17, second % 60, 2);
        return new String(out);
    }

    private static void digits(char[] out, int at, long value, int count) {
        for (int i = at + count - 1; i >= at; i--, value /= 10) out[i] = (char) ('0' + value % 10);
    }

    private static boolean utcHere() {
        String property = System.getProperty("user.timezone");
        if (property != null && !property.isEmpty()) return UTC_NAMES.contains(property);
        String tz = System.getenv("TZ");
        if (tz != null) return UTC_NAMES.contains(tz.startsWith(":") ? tz.substring(1) : tz);
        // java.io rather than Files.readString: the JDK has it running already, while NIO's read
        // path costs a cold JVM 1-2 ms the first time, every list, status and image list
        File timezone = new File("/etc/timezone");
        if (timezone.exists()) { // absent: as the JDK, on to /etc/localtime
            try (FileInputStream in = new FileInputStream(timezone)) {
                if (!UTC_NAMES.contains(new String(in.readNBytes(256), StandardCharsets.UTF_8).strip())) return false;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        Path localtime = Path.of("/etc/localtime");
        if (!Files.isSymbolicLink(localtime)) return !Files.exists(localtime, LinkOption.NOFOLLOW_LINKS); // none: the JDK says GMT
        try {
            String target = Files.readSymbolicLink(localtime).toString();
            int at = target.indexOf("zoneinfo/");
            return at >= 0 && UTC_NAMES.contains(target.substring(at + "zoneinfo/".length()));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
