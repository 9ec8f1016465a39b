package jrkt.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jrkt.core.JrktException;
import jrkt.core.json.Json;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class TableTest {
    static final String ID_A = "sha512-" + "a".repeat(20) + "0".repeat(108);
    static final String ID_B = "sha512-" + "b".repeat(20) + "1".repeat(108);
    static final Instant T1 = Instant.parse("2025-03-01T10:00:00.123Z");
    static final Instant T2 = Instant.parse("2025-03-02T08:30:00Z");

    @Command(name = "listing")
    static final class Listing {
        @Mixin ListingOptions options;
    }

    /** The options as a user's flags make them. */
    static ListingOptions flags(String... args) {
        Listing listing = new Listing();
        new CommandLine(listing).parseArgs(args);
        return listing.options;
    }

    static Table images() {
        return new Table(List.of(
                Table.id("id", "ID"),
                Table.text("name", "NAME"),
                Table.size("size", "SIZE"),
                Table.time("importtime", "IMPORT TIME"),
                Table.text("source", "SOURCE").hidden()), "importtime")
                .zone(ZoneId.of("+01:00"))
                .add(ID_B, "example.com/busybox", 3_250_586L, T2, "file:///b.aci")
                .add(ID_A, "a.example/tool", 512L, T1, null);
    }

    @Test
    void alignsColumnsTwoSpacesApartWithShortIdsSortedByDefaultField() {
        assertEquals("""
                ID                   NAME                 SIZE    IMPORT TIME
                sha512-aaaaaaaaaaaa  a.example/tool       512B    2025-03-01T11:00:00+01:00
                sha512-bbbbbbbbbbbb  example.com/busybox  3.1MiB  2025-03-02T09:30:00+01:00
                """, images().render(flags()));
    }

    @Test
    void noLegendDropsTheHeaderAndNarrowsToTheCells() {
        assertEquals("""
                sha512-aaaaaaaaaaaa  a.example/tool       512B    2025-03-01T11:00:00+01:00
                sha512-bbbbbbbbbbbb  example.com/busybox  3.1MiB  2025-03-02T09:30:00+01:00
                """, images().render(flags("--no-legend")));
        assertEquals("512B\n3.1MiB\n", images().render(flags("--no-legend", "--fields=size")));
    }

    @Test
    void fullPrintsWholeIds() {
        String out = images().render(flags("--full", "--no-legend", "--fields=id"));
        assertEquals(ID_A + "\n" + ID_B + "\n", out);
    }

    @Test
    void fieldsPickAndOrderColumnsIncludingHiddenOnes() {
        assertEquals("""
                SOURCE         NAME
                -              a.example/tool
                file:///b.aci  example.com/busybox
                """, images().render(flags("--fields=source,name")));
    }

    @Test
    void unknownFieldIsAnErrorNamingItAndTheValidOnes() {
        JrktException e = assertThrows(JrktException.class, () -> images().render(flags("--fields=name,colour")));
        assertEquals("unknown field 'colour' in --fields; valid fields: id, name, size, importtime, source", e.getMessage());
        JrktException sort = assertThrows(JrktException.class, () -> images().render(flags("--sort=colour")));
        assertTrue(sort.getMessage().startsWith("unknown field 'colour' in --sort"), sort.getMessage());
    }

    @Test
    void sortAndOrder() {
        assertEquals("example.com/busybox\na.example/tool\n", images().render(flags("--no-legend", "--fields=name", "--sort=size", "--order=desc")));
        assertEquals("a.example/tool\nexample.com/busybox\n", images().render(flags("--no-legend", "--fields=name", "--sort=name")));
        assertEquals("example.com/busybox\na.example/tool\n", images().render(flags("--no-legend", "--fields=name", "--order=desc")));
    }

    @Test
    void jsonHasFieldNamesFullValuesIsoTimesAndBytes() {
        Object parsed = Json.parse(images().render(flags("--format=json", "--fields=id,size,importtime,source")));
        assertEquals(List.of(
                Map.of("id", ID_A, "size", 512L, "importtime", "2025-03-01T10:00:00.123Z"),
                Map.of("id", ID_B, "size", 3_250_586L, "importtime", "2025-03-02T08:30:00Z", "source", "file:///b.aci")),
                parsed instanceof List<?> l ? l.stream().map(o -> withoutNulls(Json.asObject(o))).toList() : parsed);
        String compact = images().render(flags("--format=json"));
        assertEquals(2, compact.lines().count() + 1, "compact JSON is one line: " + compact);
        assertTrue(compact.contains("\"source\":null") || !compact.contains("source"), compact);
    }

    @Test
    void jsonPrettyIsIndentedAndParsesToTheSame() {
        String pretty = images().render(flags("--format=json-pretty"));
        assertTrue(pretty.lines().count() > 4, pretty);
        assertEquals(Json.parse(images().render(flags("--format=json"))), Json.parse(pretty));
    }

    @Test
    void emptyTableIsJustTheLegendOrAnEmptyArray() {
        Table empty = new Table(List.of(Table.id("id", "ID"), Table.text("name", "NAME")), null);
        assertEquals("ID  NAME\n", empty.render(flags()));
        assertEquals("", empty.render(flags("--no-legend")));
        assertEquals(List.of(), Json.parse(empty.render(flags("--format=json"))));
    }

    @Test
    void unknownFormatIsRefusedByTheFlag() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class, () -> flags("--format=yaml"));
        assertTrue(e.getMessage().contains("--format") && e.getMessage().contains("yaml"), e.getMessage());
    }

    @Test
    void shortIdsAndSizes() {
        assertEquals("sha512-0123456789ab", Table.shortId("sha512-0123456789abcdef0123"));
        assertEquals("sha256-0123456789ab", Table.shortId("sha256-0123456789abcdef"));
        assertEquals("5bc080ca", Table.shortId("5bc080ca-9e03-480d-b705-5928af396cc5"));
        assertEquals("tree-7", Table.shortId("tree-7"));
        assertEquals("0B", Table.humanSize(0));
        assertEquals("1023B", Table.humanSize(1023));
        assertEquals("1.0KiB", Table.humanSize(1024));
        assertEquals("1.5MiB", Table.humanSize(1536 * 1024));
        assertEquals("2.0GiB", Table.humanSize(2L << 30));
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> m) {
        var copy = new java.util.LinkedHashMap<>(m);
        copy.values().removeIf(java.util.Objects::isNull);
        return copy;
    }

    /** The hand-written formats print exactly what the JDK's formatters print. */
    @Test
    void timesAndSizesAreWhatTheJdksFormattersPrint() {
        Random random = new Random(3);
        List<ZoneId> zones = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Paris"), ZoneId.of("Asia/Kolkata"),
            ZoneId.of("America/St_Johns"), ZoneId.of("+05:30:15"), ZoneId.of("-10:00"));
        for (int i = 0; i < 2000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L), random.nextInt(1_000_000_000));
            for (ZoneId zone : zones) {
                String expected = t.atZone(zone).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                assertEquals(expected, Table.rfc3339(t, zone), t + " in " + zone);
            }
            long bytes = random.nextInt(4) == 0 ? random.nextLong(0, 1L << 62) : random.nextLong(0, 1L << 31);
            assertEquals(formatted(bytes), Table.humanSize(bytes), bytes + " bytes");
        }
        for (long b : new long[] {0, 1, 1023, 1024, 1075, 1076, 1126, 1127, 1_048_523, 1_048_576, 1_992_294, Long.MAX_VALUE}) {
            assertEquals(formatted(b), Table.humanSize(b), b + " bytes");
        }
    }

    private static String formatted(long bytes) {
        if (bytes < 1024) return bytes + "B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f%s", value, units[unit]);
    }

    @Test
    void shortIdsOfEveryShape() {
        assertEquals("0b6d3c1e", Table.shortId("0b6d3c1e-2f4a-4c5b-8d7e-9f0a1b2c3d4e"));
        assertEquals("0B6D3C1E-2F4A-4C5B-8D7E-9F0A1B2C3D4E", Table.shortId("0B6D3C1E-2F4A-4C5B-8D7E-9F0A1B2C3D4E"));
        assertEquals("sha512-0123456789ab", Table.shortId("sha512-0123456789abcdef"));
        assertEquals("sha512-0123456789ab", Table.shortId("sha512-0123456789ab"));
        assertEquals("sha256-0123456789ab", Table.shortId("sha256-0123456789abc"));
        assertEquals("Sha512-0123456789abcdef", Table.shortId("Sha512-0123456789abcdef"));
        assertEquals("sha512-0123456789abcdeX", Table.shortId("sha512-0123456789abcdeX"));
        assertEquals("deps-sha512-0123456789abcdef", Table.shortId("deps-sha512-0123456789abcdef"));
        assertEquals("-0123456789abcdef", Table.shortId("-0123456789abcdef"));
        assertEquals("plain", Table.shortId("plain"));
    }

    /** Whatever way LocalZone found the zone, times print as with the JDK's system default. */
    @Test
    void theLocalZonePrintsTimesAsTheSystemDefaultDoes() {
        for (Instant t : List.of(T1, T2, Instant.parse("2025-07-01T12:00:00Z"), Instant.parse("2025-12-31T23:59:59Z"))) {
            assertEquals(Table.rfc3339(t, ZoneId.systemDefault()), Table.rfc3339(t, LocalZone.get()), t.toString());
        }
    }

    /** A UTC host's times, formatted without java.time, as Table.rfc3339 formats them in UTC. */
    @Test
    void utcTimesPrintAsTheJdkPrintsThem() {
        long first = -62_167_219_200L, last = 253_402_300_799L; // 0000-01-01T00:00:00Z, 9999-12-31T23:59:59Z
        Random random = new Random(3);
        List<Long> seconds = new ArrayList<>(List.of(first, last, 0L, -1L, 951_782_400L, 951_868_799L, 4_107_542_399L));
        for (int i = 0; i < 100_000; i++) seconds.add(first + (long) (random.nextDouble() * (last - first + 1)));
        for (long second : seconds) {
            assertEquals(Table.rfc3339(Instant.ofEpochSecond(second), ZoneOffset.UTC), LocalZone.utc(second), Long.toString(second));
        }
        assertEquals(null, LocalZone.utc(first - 1));
        assertEquals(null, LocalZone.utc(last + 1));
        if (LocalZone.isUtc()) assertEquals("2025-07-01T12:00:00Z", LocalZone.rfc3339(Instant.parse("2025-07-01T12:00:00Z")));
    }

    /** JSON listings' times, written without java.time's formatter, as Instant.toString writes them. */
    @Test
    void jsonTimesPrintAsInstantToStringDoes() {
        long first = -62_167_219_200L, last = 253_402_300_799L;
        Random random = new Random(5);
        List<Instant> times = new ArrayList<>(List.of(Instant.ofEpochSecond(first), Instant.ofEpochSecond(last, 999_999_999),
            Instant.EPOCH, Instant.ofEpochSecond(-1, 1), Instant.ofEpochSecond(1, 120_000_000), Instant.ofEpochSecond(1, 1_000),
            Instant.ofEpochSecond(1, 100_000), Instant.ofEpochSecond(1, 10), Instant.ofEpochSecond(first - 1), Instant.ofEpochSecond(last + 1),
            Instant.MIN, Instant.MAX));
        int[] nanos = {0, 5_000_000, 123_000_000, 123_400_000, 123_456_000, 123_456_700, 123_456_789};
        for (int i = 0; i < 20_000; i++) {
            times.add(Instant.ofEpochSecond(first + (long) (random.nextDouble() * (last - first + 1)), nanos[i % nanos.length]));
        }
        for (Instant t : times) assertEquals(t.toString(), LocalZone.isoInstant(t), t.getEpochSecond() + "s " + t.getNano() + "ns");
    }
}
